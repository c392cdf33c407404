// Package redact is the one place that removes secrets from text before it is written
// anywhere: tokens, API keys and password inputs registered with Secret, and anything that
// looks like a credential (Hugging Face and OpenAI-style keys, bearer tokens).
package redact

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "***"

var (
	mu      sync.RWMutex
	secrets []string
)

// minSecretLen keeps very short values (an input of "1", "yes") from masking ordinary text.
const minSecretLen = 6

// Secret registers values that must never be written out. Empty and very short values are
// ignored.
func Secret(values ...string) {
	mu.Lock()
	defer mu.Unlock()
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) < minSecretLen {
			continue
		}
		dup := false
		for _, s := range secrets {
			if s == v {
				dup = true
				break
			}
		}
		if !dup {
			secrets = append(secrets, v)
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
}

var patterns = []*regexp.Regexp{
	// Hugging Face tokens are hf_ and 34 letters or digits; shorter matches are code
	// (hf_tokenizer_config), not tokens.
	regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,}`),
	regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{20,}`),
	regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}`),
}

// String returns s with every registered secret and credential-like token masked.
func String(s string) string {
	mu.RLock()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Mask)
		}
	}
	mu.RUnlock()
	// The regular expressions are slow on megabytes of tool output; each runs only when
	// its literal part is there.
	if strings.Contains(s, "hf_") {
		s = patterns[0].ReplaceAllString(s, Mask)
	}
	if strings.Contains(s, "sk-") {
		s = patterns[1].ReplaceAllString(s, Mask)
	}
	if containsFold(s, "bearer") {
		s = patterns[2].ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}

// SecretEnv registers the values of configuration entries (server env, headers) whose names
// say they hold a credential.
func SecretEnv(m map[string]string) {
	for k, v := range m {
		if LooksSecret(k) {
			Secret(v)
		}
	}
}

// LooksSecret reports whether a variable or header name names a credential.
func LooksSecret(name string) bool {
	n := strings.ToUpper(name)
	for _, w := range []string{"TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "AUTH", "CREDENTIAL", "COOKIE", "SESSION"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w in any case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i]|0x20 == w[0] && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// Reset forgets the registered secrets (for tests).
func Reset() {
	mu.Lock()
	secrets = nil
	mu.Unlock()
}
