package agents

import (
	"context"
	"testing"
)

// BenchmarkLoad is the start-up cost of reading, checking and substituting a config.
func BenchmarkLoad(b *testing.B) {
	env := map[string]string{"HF_TOKEN": "hf_x", "HF_HOME": b.TempDir(), "WEATHER_API_KEY": "k", "HOME": "/home/b", "UNITS": "metric", "LINEAR_API_KEY": "l"}
	opts := Options{
		Inputs:    map[string]string{"hf-token": "hf_y", "github_token": "g"},
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	}
	for _, c := range []struct{ name, arg string }{
		{"agent.json", "testdata/corpus/weather-agent"},
		{"vscode", "testdata/corpus/vscode/.vscode/mcp.json"},
		{"default", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(context.Background(), c.arg, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
