package inference

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"
)

// BenchmarkStreamParse reads the fireworks 100 KB recording (deepseek-r1, 400+ chunks)
// through the SSE reader, the chunk decoder and the Accumulator, as the agent does.
// It reports throughput (MB/s) and allocations per chunk.
func BenchmarkStreamParse(b *testing.B) {
	body := []byte(loadRecording(b, "hfjs_fireworks_direct_stream_large.json").ResponseBody)
	chunks := 0
	for s := streamOf(string(body)); s.Next(); {
		chunks++
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		s := newStream(ctx, cancel, io.NopCloser(bytes.NewReader(body)), nil, "")
		var acc Accumulator
		for s.Next() {
			acc.Add(s.Chunk())
		}
		if s.Err() != nil || acc.FinishReason() != "stop" {
			b.Fatal(s.Err())
		}
		s.Close()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*chunks), "allocs/chunk")
	b.ReportMetric(float64(chunks), "chunks")
}
