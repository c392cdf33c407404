package redact

import "testing"

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
