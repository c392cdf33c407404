package serve_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// BenchmarkServe50Clients is the load figure of serve: 50 clients at once, each sending
// requests back to back to the handler in front of the scripted model (loopback HTTP both
// ways, an agent turn of one model request each). It reports requests per second and the
// median and 99th-percentile latency of one request.
func BenchmarkServe50Clients(b *testing.B) {
	for _, stream := range []bool{true, false} {
		b.Run(fmt.Sprintf("stream=%t", stream), func(b *testing.B) {
			f := newFixture(b, []fakemodel.Reply{{When: "user", Echo: true, Text: "You said: "}})
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
			const clients = 50
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							return
						}
						body := fmt.Sprintf(`{"model":"m","stream":%t,"messages":[{"role":"user","content":"request-%d"}]}`, stream, i)
						t0 := time.Now()
						resp, err := client.Post(f.srv.URL+"/v1/chat/completions", "application/json", bytes.NewReader([]byte(body)))
						if err != nil {
							b.Error(err)
							return
						}
						out, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						lat[i] = time.Since(t0)
						if resp.StatusCode != 200 || !bytes.Contains(out, []byte(fmt.Sprintf("request-%d", i))) {
							b.Errorf("request %d: %d %s", i, resp.StatusCode, out)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
