package agents

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/internal/localtools"
)

// fakeLocalServer answers GET /v1/models like llama.cpp's server does.
func fakeLocalServer(t *testing.T, model string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"` + model + `","object":"model","owned_by":"llamacpp"}]}`))
	}))
	t.Cleanup(s.Close)
	return s
}

// closedURL is a loopback URL on which nothing listens.
func closedURL(t *testing.T) string {
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	return u
}

func TestDefaultAgentWithATokenUsesTheRouterAndLocalTools(t *testing.T) {
	a := mustLoad(t, "", Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"}), LocalServers: []string{}})
	if a.Model != DefaultModel || a.Provider != "auto" || a.EndpointURL != "" {
		t.Errorf("model %q provider %q endpoint %q", a.Model, a.Provider, a.EndpointURL)
	}
	if len(a.Servers) != 1 || a.Servers[0].Transport() != "inprocess" || a.Servers[0].InProcess == nil || a.Servers[0].DisplayName() != localtools.Name {
		t.Fatalf("servers %+v", a.Servers)
	}
	if a.PromptSource != "AGENTS.md" || a.Format != FormatBundled || a.Name != "default" {
		t.Errorf("prompt source %q format %q name %q", a.PromptSource, a.Format, a.Name)
	}
	if len(a.Notices) != 0 {
		t.Errorf("nothing to say with a token: %q", a.Notices)
	}
}

func TestDefaultAgentWithoutTokenOffersALocalServer(t *testing.T) {
	local := fakeLocalServer(t, "qwen2.5-7b-instruct-q4_k_m.gguf")
	a := mustLoad(t, "", Options{LookupEnv: fakeEnv(t, nil), LocalServers: []string{closedURL(t), local.URL}})
	if a.EndpointURL != local.URL+"/v1" || a.Model != "qwen2.5-7b-instruct-q4_k_m.gguf" || a.Provider != "" {
		t.Errorf("endpoint %q model %q provider %q", a.EndpointURL, a.Model, a.Provider)
	}
	if len(a.Notices) != 1 || !strings.Contains(a.Notices[0], "no Hugging Face token") || !strings.Contains(a.Notices[0], local.URL) {
		t.Errorf("notices %q", a.Notices)
	}
}

func TestDefaultAgentWithoutTokenOrLocalServerSaysWhatToSet(t *testing.T) {
	_, err := Load(context.Background(), "", Options{LookupEnv: fakeEnv(t, nil), LocalServers: []string{closedURL(t)}})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "set HF_TOKEN") || !strings.Contains(err.Error(), "--endpoint-url") {
		t.Fatalf("got %v", err)
	}
}

func TestDefaultAgentOnAnEndpointAsksItForAModel(t *testing.T) {
	local := fakeLocalServer(t, "llama3.2:3b")
	a := mustLoad(t, "", Options{EndpointURL: local.URL + "/v1", LookupEnv: fakeEnv(t, nil)})
	if a.Model != "llama3.2:3b" || a.EndpointURL != local.URL+"/v1" {
		t.Errorf("model %q endpoint %q", a.Model, a.EndpointURL)
	}
	a = mustLoad(t, "", Options{EndpointURL: local.URL + "/v1", Model: "mine", LookupEnv: fakeEnv(t, nil)})
	if a.Model != "mine" {
		t.Errorf("--model must win: %q", a.Model)
	}
}

func TestBundledAgentsByName(t *testing.T) {
	a := mustLoad(t, "builtin:files", Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"})})
	if got := strings.Join(a.Servers[0].AllowedTools, ","); got != "read_file,list_directory" {
		t.Errorf("builtin:files tools %q", got)
	}
	_, err := Load(context.Background(), "builtin:nope", Options{LookupEnv: fakeEnv(t, nil)})
	if err == nil || !strings.Contains(err.Error(), "builtin:default, builtin:files") {
		t.Errorf("got %v", err)
	}
}

func TestConfigWithoutModelAndWithoutTokenUsesLocalServer(t *testing.T) {
	local := fakeLocalServer(t, "local-model")
	a := mustLoad(t, "testdata/corpus/claude/claude_desktop_config.json", Options{LookupEnv: fakeEnv(t, nil), LocalServers: []string{local.URL}})
	if a.Model != "local-model" || a.EndpointURL != local.URL+"/v1" {
		t.Errorf("model %q endpoint %q", a.Model, a.EndpointURL)
	}
}
