package mcp

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCallEcho measures one tool call round trip to server-everything (echo), the
// overhead the manager and transport add to every tool call of a turn.
func BenchmarkCallEcho(b *testing.B) {
	for _, tr := range []string{"stdio", "http", "sse"} {
		b.Run(tr, func(b *testing.B) {
			m := NewManager(Options{ReadyWait: 30 * time.Second})
			defer m.Close()
			m.Start(context.Background(), []ServerConfig{everythingB(b, tr)})
			if st := m.Servers()[0]; st.Err != nil {
				b.Fatal(st.Err)
			}
			args := map[string]any{"message": "hello"}
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.Call(context.Background(), "echo", args, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStartStdio measures starting server-everything over stdio up to a listed registry.
func BenchmarkStartStdio(b *testing.B) {
	cfg := everythingB(b, "stdio")
	for b.Loop() {
		m := NewManager(Options{ReadyWait: 30 * time.Second})
		m.Start(context.Background(), []ServerConfig{cfg})
		if st := m.Servers()[0]; st.Err != nil {
			b.Fatal(st.Err)
		}
		m.Close()
	}
}
