package inference

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chatServer answers mapping GETs with providerID for any provider and chat POSTs with a
// tiny stream, and records everything.
func chatServer(t *testing.T, providerID, status string) *fakeNet {
	return newFakeNet(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			model := strings.TrimPrefix(r.URL.Path, "/api/models/")
			var b strings.Builder
			b.WriteString(`{"id":"` + model + `","inferenceProviderMapping":{`)
			for i, p := range append(ProviderNames()[1:], "hyperbolic", "nebius", "sambanova", "nvidia", "clarifai") {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(`"` + p + `":{"status":"` + status + `","providerId":"` + providerID + `","task":"conversational"}`)
			}
			b.WriteString("}}")
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(b.String()))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	})
}

func say(t *testing.T, c *Client) (*Accumulator, error) {
	t.Helper()
	s, err := c.ChatCompletionStream(ctxT(t), ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}})
	if err != nil {
		return nil, err
	}
	return drain(t, s)
}

// TestProviderURLs checks the routed and the direct URL of every provider in the spec's
// table, as actually requested, and the body model (the provider's id from the mapping).
func TestProviderURLs(t *testing.T) {
	cases := []struct {
		provider, routed, direct string
	}{
		{"baseten", "https://router.huggingface.co/baseten/v1/chat/completions", "https://inference.baseten.co/v1/chat/completions"},
		{"cerebras", "https://router.huggingface.co/cerebras/v1/chat/completions", "https://api.cerebras.ai/v1/chat/completions"},
		{"cohere", "https://router.huggingface.co/cohere/compatibility/v1/chat/completions", "https://api.cohere.com/compatibility/v1/chat/completions"},
		{"deepinfra", "https://router.huggingface.co/deepinfra/v1/openai/chat/completions", "https://api.deepinfra.com/v1/openai/chat/completions"},
		{"featherless-ai", "https://router.huggingface.co/featherless-ai/v1/chat/completions", "https://api.featherless.ai/v1/chat/completions"},
		{"fireworks-ai", "https://router.huggingface.co/fireworks-ai/inference/v1/chat/completions", "https://api.fireworks.ai/inference/v1/chat/completions"},
		{"groq", "https://router.huggingface.co/groq/openai/v1/chat/completions", "https://api.groq.com/openai/v1/chat/completions"},
		{"hf-inference", "https://router.huggingface.co/hf-inference/models/prov-org/prov-model/v1/chat/completions", "https://router.huggingface.co/hf-inference/models/prov-org/prov-model/v1/chat/completions"},
		{"novita", "https://router.huggingface.co/novita/v3/openai/chat/completions", "https://api.novita.ai/v3/openai/chat/completions"},
		{"nscale", "https://router.huggingface.co/nscale/v1/chat/completions", "https://inference.api.nscale.com/v1/chat/completions"},
		{"ovhcloud", "https://router.huggingface.co/ovhcloud/v1/chat/completions", "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1/chat/completions"},
		{"publicai", "https://router.huggingface.co/publicai/v1/chat/completions", "https://api.publicai.co/v1/chat/completions"},
		{"scaleway", "https://router.huggingface.co/scaleway/v1/chat/completions", "https://api.scaleway.ai/v1/chat/completions"},
		{"together", "https://router.huggingface.co/together/v1/chat/completions", "https://api.together.xyz/v1/chat/completions"},
		{"zai-org", "https://router.huggingface.co/zai-org/api/paas/v4/chat/completions", "https://api.z.ai/api/paas/v4/chat/completions"},
		{"hyperbolic", "https://router.huggingface.co/hyperbolic/v1/chat/completions", "https://api.hyperbolic.xyz/v1/chat/completions"},
		{"nebius", "https://router.huggingface.co/nebius/v1/chat/completions", "https://api.studio.nebius.ai/v1/chat/completions"},
		{"sambanova", "https://router.huggingface.co/sambanova/v1/chat/completions", "https://api.sambanova.ai/v1/chat/completions"},
		{"nvidia", "https://router.huggingface.co/nvidia/v1/chat/completions", "https://integrate.api.nvidia.com/v1/chat/completions"},
		{"clarifai", "https://router.huggingface.co/clarifai/v2/ext/openai/v1/chat/completions", "https://api.clarifai.com/v2/ext/openai/v1/chat/completions"},
	}
	covered := map[string]bool{"openai": true}
	for _, tc := range cases {
		covered[tc.provider] = true
		for _, mode := range []string{"routed", "direct"} {
			t.Run(tc.provider+"/"+mode, func(t *testing.T) {
				f := chatServer(t, "prov-org/prov-model", "live")
				hubModel := "hub-org/" + tc.provider + "-" + mode
				cfg := Config{Model: hubModel, Provider: tc.provider, HTTPClient: f.client(),
					Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})}
				want := tc.routed
				if mode == "direct" {
					cfg.APIKey, want = testProviderKey, tc.direct
				}
				c, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := say(t, c); err != nil {
					t.Fatal(err)
				}
				reqs := f.requests()
				if len(reqs) != 2 || reqs[0].URL != "https://huggingface.co/api/models/"+hubModel+"?expand[]=inferenceProviderMapping" {
					t.Fatalf("requests = %+v, want the mapping then the chat call", reqs)
				}
				if reqs[1].URL != want {
					t.Errorf("URL = %s, want %s", reqs[1].URL, want)
				}
				if m := modelOf(string(reqs[1].Body)); m != "prov-org/prov-model" {
					t.Errorf("body model = %q, want the provider's id", m)
				}
				if c.URL() != want {
					t.Errorf("Client.URL() = %s", c.URL())
				}
				// The mapping is fetched with the HF token, never with a provider key.
				if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+testHFToken {
					t.Errorf("mapping Authorization = %q, want the HF token", got)
				}
				if tc.provider == "zai-org" {
					if reqs[1].Header.Get("Accept-Language") != "en-US,en" || reqs[1].Header.Get("X-Source-Channel") != "hugging_face" {
						t.Errorf("zai-org headers missing: %v", reqs[1].Header)
					}
				}
			})
		}
	}
	for name := range providers {
		if !covered[name] {
			t.Errorf("provider %s has no URL case", name)
		}
	}
}

// TestAutoRouterKeepsTheModelSuffix: provider auto (or none) and `:policy` / `:provider`
// suffixes go to the router's /v1/chat/completions with the model untouched, no Hub lookup.
func TestAutoRouterKeepsTheModelSuffix(t *testing.T) {
	for _, tc := range []struct{ provider, model string }{
		{"", "openai/gpt-oss-120b"},
		{"auto", "openai/gpt-oss-120b:fastest"},
		{"", "openai/gpt-oss-120b:cheapest"},
		{"auto", "openai/gpt-oss-120b:groq"},
		{"AUTO", "meta-llama/Llama-3.3-70B-Instruct:preferred"},
	} {
		f := chatServer(t, "unused", "live")
		c, err := New(Config{Model: tc.model, Provider: tc.provider, HTTPClient: f.client(),
			Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := say(t, c); err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		if len(reqs) != 1 || reqs[0].URL != "https://router.huggingface.co/v1/chat/completions" {
			t.Fatalf("%s: requests = %+v", tc.model, reqs)
		}
		if m := modelOf(string(reqs[0].Body)); m != tc.model {
			t.Errorf("body model = %q, want %q", m, tc.model)
		}
		if p, e := c.Describe(); p != "auto" || e != "" {
			t.Errorf("Describe = %q %q", p, e)
		}
	}
}

// TestRouterURLFromEnvironment: HF_ROUTER_URL and HF_ENDPOINT move the router and the Hub
// (tests point them at local servers), and the HF token is sent to both.
func TestRouterURLFromEnvironment(t *testing.T) {
	f := chatServer(t, "llama-3.3-70b", "live")
	c, err := New(Config{Model: "meta-llama/Llama-3.3-70B-Instruct", Provider: "cerebras", HTTPClient: f.client(),
		Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken, "HF_ROUTER_URL": "http://127.0.0.1:9/router/", "HF_ENDPOINT": "http://127.0.0.1:8/"})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if reqs[0].URL != "http://127.0.0.1:8/api/models/meta-llama/Llama-3.3-70B-Instruct?expand[]=inferenceProviderMapping" ||
		reqs[1].URL != "http://127.0.0.1:9/router/cerebras/v1/chat/completions" {
		t.Fatalf("URLs = %s, %s", reqs[0].URL, reqs[1].URL)
	}
	for _, r := range reqs {
		if r.Header.Get("Authorization") != "Bearer "+testHFToken {
			t.Errorf("%s: the configured Hugging Face host did not get the token", r.URL)
		}
	}
}

func TestOpenAIIsDirectOnly(t *testing.T) {
	f := chatServer(t, "unused", "live")
	c, err := New(Config{Model: "openai/gpt-4o-mini", Provider: "openai", APIKey: testProviderKey, HTTPClient: f.client(),
		Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].URL != "https://api.openai.com/v1/chat/completions" || modelOf(string(reqs[0].Body)) != "gpt-4o-mini" {
		t.Fatalf("requests = %+v", reqs)
	}
	if reqs[0].Header.Get("Authorization") != "Bearer "+testProviderKey {
		t.Errorf("OpenAI got %q", reqs[0].Header.Get("Authorization"))
	}
}

// TestConfigErrorsSayWhatToSet covers the configurations that cannot work.
func TestConfigErrorsSayWhatToSet(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		env  map[string]string
		want string
	}{
		{"no token for auto", Config{Model: "m/m"}, nil, "set HF_TOKEN"},
		{"no token for a routed provider", Config{Model: "m/m", Provider: "together"}, nil, "--api-key"},
		{"provider key with auto", Config{Model: "m/m", APIKey: testProviderKey}, nil, "needs a Hugging Face token"},
		{"hf key with openai", Config{Model: "gpt-4o", Provider: "openai", APIKey: testHFToken}, nil, "not available through Hugging Face routing"},
		{"no key with openai", Config{Model: "gpt-4o", Provider: "openai"}, map[string]string{"HF_TOKEN": testHFToken}, "needs an OpenAI key"},
		{"unknown provider", Config{Model: "m/m", Provider: "acme"}, map[string]string{"HF_TOKEN": testHFToken}, `unknown provider "acme"; choose one of: auto, baseten`},
		{"provider without chat", Config{Model: "m/m", Provider: "fal-ai"}, map[string]string{"HF_TOKEN": testHFToken}, "does not serve chat completion"},
		{"suffix with explicit provider", Config{Model: "m/m:cheapest", Provider: "groq"}, map[string]string{"HF_TOKEN": testHFToken}, `set provider to "auto"`},
		{"no model", Config{}, map[string]string{"HF_TOKEN": testHFToken}, "--model"},
		{"bad endpoint", Config{Model: "m", EndpointURL: "localhost:8080"}, nil, "not an http(s) URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Getenv = envMap(t, tc.env)
			_, err := New(tc.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a ConfigError containing %q", err, tc.want)
			}
			if KindOf(err) != KindConfig {
				t.Errorf("kind = %s", KindOf(err))
			}
			if strings.Contains(err.Error(), testHFToken) || strings.Contains(err.Error(), testProviderKey) {
				t.Errorf("error leaks a key: %v", err)
			}
		})
	}
}

// TestSuffixMatchingTheProviderIsDropped: "model:groq" with provider groq is the Hub id.
func TestSuffixMatchingTheProviderIsDropped(t *testing.T) {
	f := chatServer(t, "llama-3.3-70b-versatile", "live")
	c, err := New(Config{Model: "meta-llama/Llama-3.3-70B-Instruct:groq", Provider: "groq", HTTPClient: f.client(),
		Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	if reqs := f.requests(); !strings.Contains(reqs[0].URL, "/api/models/meta-llama/Llama-3.3-70B-Instruct?") {
		t.Errorf("mapping URL = %s", reqs[0].URL)
	}
}

// TestMappingErrors: a model the provider does not serve, a non-chat task, an unknown model,
// and the staging/error warnings; the mapping is fetched once per process.
func TestMappingErrors(t *testing.T) {
	hub := func(body string, status int) *fakeNet {
		return newFakeNet(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write([]byte(body))
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\n"))
		})
	}
	newClient := func(f *fakeNet, model, provider string, warn func(string)) *Client {
		c, err := New(Config{Model: model, Provider: provider, HTTPClient: f.client(), Warn: warn,
			Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("not served by the provider", func(t *testing.T) {
		f := hub(`{"id":"a/b","inferenceProviderMapping":{"together":{"status":"live","providerId":"x","task":"conversational"}}}`, 200)
		_, err := say(t, newClient(f, "a/b", "groq", nil))
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), `model "a/b" is not supported by provider "groq" (providers serving it: together`) {
			t.Fatalf("err = %v", err)
		}
		if len(f.posts()) != 0 {
			t.Error("a chat request was sent anyway")
		}
	})
	t.Run("not conversational (list shape)", func(t *testing.T) {
		f := hub(`{"id":"a/c","inferenceProviderMapping":[{"provider":"together","status":"live","providerId":"x","task":"text-to-image"}]}`, 200)
		_, err := say(t, newClient(f, "a/c", "together", nil))
		if !strings.Contains(fmtErr(err), "not supported for task conversational") || !strings.Contains(fmtErr(err), "text-to-image") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		f := hub(`{"error":"Repository not found"}`, 404)
		_, err := say(t, newClient(f, "a/missing", "together", nil))
		if KindOf(err) != KindConfig || !strings.Contains(fmtErr(err), "was not found on the Hub") {
			t.Fatalf("err = %v", err)
		}
	})
	for _, status := range []string{"staging", "error"} {
		t.Run(status+" warns once and proceeds", func(t *testing.T) {
			model := "a/" + status
			f := hub(`{"id":"`+model+`","inferenceProviderMapping":{"together":{"status":"`+status+`","providerId":"x","task":"conversational"}}}`, 200)
			var warned []string
			c := newClient(f, model, "together", func(s string) { warned = append(warned, s) })
			for range 2 {
				if _, err := say(t, c); err != nil {
					t.Fatal(err)
				}
			}
			if len(warned) != 1 || !strings.Contains(warned[0], model) || len(c.Warnings()) != 1 {
				t.Errorf("warnings = %q", warned)
			}
			// A second client in the same process uses the cached mapping.
			if _, err := say(t, newClient(f, model, "together", nil)); err != nil {
				t.Fatal(err)
			}
			gets := 0
			for _, r := range f.requests() {
				if r.Method == http.MethodGet {
					gets++
				}
			}
			if gets != 1 {
				t.Errorf("mapping fetched %d times, want once per process", gets)
			}
		})
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestRemovedProviderWarns: the removed providers still work for old configs, with a warning.
func TestRemovedProviderWarns(t *testing.T) {
	f := chatServer(t, "x", "live")
	c, err := New(Config{Model: "removed/b", Provider: "sambanova", APIKey: testProviderKey, HTTPClient: f.client(), Getenv: envMap(t, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "removed from the Hugging Face router") {
		t.Errorf("warnings = %q", w)
	}
}

// TestTokenDiscovery follows huggingface_hub's order with a temporary HF_HOME.
func TestTokenDiscovery(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "token"), []byte("  hf_fromFILEabcdefghijk\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xdg := t.TempDir()
	os.MkdirAll(filepath.Join(xdg, "huggingface"), 0o700)
	os.WriteFile(filepath.Join(xdg, "huggingface", "token"), []byte("hf_fromXDGabcdefghijk\n"), 0o600)
	custom := filepath.Join(t.TempDir(), "my-token")
	os.WriteFile(custom, []byte("hf_fromTOKENPATHabcdef"), 0o600)
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"HF_TOKEN first", map[string]string{"HF_TOKEN": "hf_env1", "HUGGING_FACE_HUB_TOKEN": "hf_env2", "HF_HOME": home}, "hf_env1"},
		{"then HUGGING_FACE_HUB_TOKEN", map[string]string{"HF_TOKEN": " \n", "HUGGING_FACE_HUB_TOKEN": "hf_env2", "HF_HOME": home}, "hf_env2"},
		{"then HF_TOKEN_PATH", map[string]string{"HF_TOKEN_PATH": custom, "HF_HOME": home}, "hf_fromTOKENPATHabcdef"},
		{"then $HF_HOME/token, cleaned", map[string]string{"HF_HOME": home}, "hf_fromFILEabcdefghijk"},
		{"then $XDG_CACHE_HOME/huggingface/token", map[string]string{"XDG_CACHE_HOME": xdg}, "hf_fromXDGabcdefghijk"},
		{"$VARS expanded in HF_HOME", map[string]string{"BASE": home, "HF_HOME": "$BASE"}, "hf_fromFILEabcdefghijk"},
		{"none", map[string]string{"HF_HOME": t.TempDir()}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(func(k string) string { return tc.env[k] })
			if got := e.hfToken(); got != tc.want {
				t.Errorf("token = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTokenGoesOnlyToHuggingFaceHosts: the discovered HF token is sent to Hugging Face
// endpoints and never to a local server or a third party; an explicit key goes where asked.
func TestTokenGoesOnlyToHuggingFaceHosts(t *testing.T) {
	cases := []struct {
		endpoint, apiKey, envKey, want string
	}{
		{"https://xyz.us-east-1.aws.endpoints.huggingface.cloud", "", "", "Bearer " + testHFToken},
		{"https://my-space.hf.space/v1", "", "", "Bearer " + testHFToken},
		{"https://router.huggingface.co/v1", "", "", "Bearer " + testHFToken},
		{"https://api-inference.huggingface.co/models/a/b", "", "", "Bearer " + testHFToken},
		{"http://localhost:8080", "", "", ""},
		{"http://127.0.0.1:11434/v1", "", "", ""},
		{"https://huggingface.co.evil.example/v1", "", "", ""},
		{"https://evilhuggingface.co/v1", "", "", ""},
		{"http://router.huggingface.co/v1", "", "", ""}, // not over TLS
		{"https://api.example.com/v1", "", "", ""},
		{"https://api.example.com/v1", testProviderKey, "", "Bearer " + testProviderKey},
		{"http://localhost:8080", "", testProviderKey, "Bearer " + testProviderKey}, // API_KEY
	}
	for _, tc := range cases {
		f := chatServer(t, "x", "live")
		c, err := New(Config{Model: "m", EndpointURL: tc.endpoint, APIKey: tc.apiKey, HTTPClient: f.client(),
			Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken, "API_KEY": tc.envKey})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := say(t, c); err != nil {
			t.Fatal(err)
		}
		if got := f.posts()[0].Header.Get("Authorization"); got != tc.want {
			t.Errorf("%s: Authorization = %q, want %q", tc.endpoint, got, tc.want)
		}
	}
}

// TestDirectCallsNeverSendTheHFToken: with a provider key, the provider gets only that key
// and the Hub gets only the HF token.
func TestDirectCallsNeverSendTheHFToken(t *testing.T) {
	f := chatServer(t, "x", "live")
	c, err := New(Config{Model: "direct/b", Provider: "together", APIKey: testProviderKey, HTTPClient: f.client(),
		Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests() {
		auth := r.Header.Get("Authorization")
		if strings.HasPrefix(r.URL, "https://api.together.xyz/") && auth != "Bearer "+testProviderKey {
			t.Errorf("together got %q", auth)
		}
		if strings.HasPrefix(r.URL, "https://huggingface.co/") && auth != "Bearer "+testHFToken {
			t.Errorf("the Hub got %q", auth)
		}
	}
	// Without any HF token, the Hub gets no key at all (the provider key is not for it).
	f2 := chatServer(t, "x", "live")
	c2, _ := New(Config{Model: "direct/b2", Provider: "together", APIKey: testProviderKey, HTTPClient: f2.client(), Getenv: envMap(t, nil)})
	if _, err := say(t, c2); err != nil {
		t.Fatal(err)
	}
	if got := f2.requests()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("the Hub got %q, want no Authorization", got)
	}
}

// TestBillTo: X-HF-Bill-To goes on routed calls and Hugging Face endpoints only.
func TestBillTo(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"auto-router", Config{Model: "a/b"}, "my-org"},
		{"routed provider", Config{Model: "a/b", Provider: "groq"}, "my-org"},
		{"HF endpoint", Config{Model: "m", EndpointURL: "https://x.endpoints.huggingface.cloud"}, "my-org"},
		{"direct provider", Config{Model: "a/b", Provider: "groq", APIKey: testProviderKey}, ""},
		{"local server", Config{Model: "m", EndpointURL: "http://localhost:8080"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := chatServer(t, "x", "live")
			tc.cfg.BillTo, tc.cfg.HTTPClient = "my-org", f.client()
			if tc.cfg.Provider != "" {
				tc.cfg.Model = "billto/" + strings.ReplaceAll(tc.name, " ", "-")
			}
			tc.cfg.Getenv = envMap(t, map[string]string{"HF_TOKEN": testHFToken})
			c, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := say(t, c); err != nil {
				t.Fatal(err)
			}
			if got := f.posts()[0].Header.Get("X-HF-Bill-To"); got != tc.want {
				t.Errorf("X-HF-Bill-To = %q, want %q", got, tc.want)
			}
			if tc.want == "" && len(c.Warnings()) == 0 {
				t.Error("an ignored billTo gives no warning")
			}
		})
	}
}

func TestEndpointURLNormalisation(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:8080":                               "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/":                              "http://localhost:8080/v1/chat/completions",
		"http://localhost:8080/v1/":                           "http://localhost:8080/v1/chat/completions",
		"http://localhost:11434/v1":                           "http://localhost:11434/v1/chat/completions",
		"https://x.endpoints.huggingface.cloud/custom_path":   "https://x.endpoints.huggingface.cloud/custom_path/v1/chat/completions",
		"https://x.example/openai?api-version=1":              "https://x.example/openai/v1/chat/completions?api-version=1",
		"https://x.example/v1/chat/completions?api-version=1": "https://x.example/v1/chat/completions?api-version=1",
		"https://api.centml.com/openai/v1/chat/completions":   "https://api.centml.com/openai/v1/chat/completions",
	} {
		got, err := normalizeEndpoint(in)
		if err != nil || got != want {
			t.Errorf("%s: got %s %v, want %s", in, got, err, want)
		}
	}
}

// TestExplicitHFKeyIsRouted: the key's prefix decides: an hf_ apiKey routes through the router
// even for a provider with a direct URL; the stored token file is found through HF_HOME.
func TestExplicitHFKeyIsRouted(t *testing.T) {
	f := chatServer(t, "x", "live")
	c, err := New(Config{Model: "explicit/hf", Provider: "groq", APIKey: testHFToken, HTTPClient: f.client(), Getenv: envMap(t, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	if p := f.posts()[0]; p.URL != "https://router.huggingface.co/groq/openai/v1/chat/completions" || p.Header.Get("Authorization") != "Bearer "+testHFToken {
		t.Errorf("sent to %s with %q", p.URL, p.Header.Get("Authorization"))
	}

	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "token"), []byte("hf_fromLOGINabcdefghijkl\n"), 0o600)
	f2 := chatServer(t, "x", "live")
	c2, err := New(Config{Model: "a/b:fastest", HTTPClient: f2.client(), Getenv: envMap(t, map[string]string{"HF_HOME": home})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c2); err != nil {
		t.Fatal(err)
	}
	if got := f2.posts()[0].Header.Get("Authorization"); got != "Bearer hf_fromLOGINabcdefghijkl" {
		t.Errorf("auto-router got %q, want the token from $HF_HOME/token", got)
	}
}

// TestNonStreamingRequestAnsweredWithAStream: a server that streams anyway is assembled.
func TestNonStreamingRequestAnsweredWithAStream(t *testing.T) {
	c := serveOnce(t, "text/event-stream", "data: "+chunkA+"\n\ndata: "+chunkB+"\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n")
	out, err := c.ChatCompletion(ctxT(t), ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Choices[0].Message.Content != "Hello" || out.Choices[0].FinishReason != "stop" || out.Usage == nil || out.Usage.TotalTokens != 3 {
		t.Errorf("got %+v", out)
	}
}
