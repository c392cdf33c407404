package redact

import (
	"strings"
	"testing"
)

func TestStringMasksSecretsAndCredentialShapes(t *testing.T) {
	Reset()
	Secret("correct horse battery staple", "abc", "")
	cases := []struct{ in, want string }{
		{"password is correct horse battery staple!", "password is ***!"},
		{"short abc stays", "short abc stays"},
		{"token hf_abcdefghijKLMNOPqrstuvwxyz12345678 used", "token *** used"},
		{"code hf_tokenizer_config stays", "code hf_tokenizer_config stays"},
		{"key sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa", "key ***"},
		{"Authorization: Bearer eyJhbGciOi.J9xyz", "Authorization: Bearer ***"},
		{"nothing here", "nothing here"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkStringOnToolOutput(b *testing.B) {
	Reset()
	Secret("a-registered-secret-value")
	text := strings.Repeat("plain tool output line with no credentials in it\n", 20000) // ~1 MB
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		String(text)
	}
}
