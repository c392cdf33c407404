package serve

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"time"
)

// Serve answers on ln until ctx is done, then shuts down gracefully: it stops accepting,
// lets the requests in flight finish for up to drain, then cancels their runs (their
// clients get an error), waits a moment for them to end, and closes what is left.
func (h *Handler) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	srv := &http.Server{
		Handler: h,
		// A slow client may not hold a connection open by trickling its headers; bodies
		// and streamed answers may take as long as they need.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(h.opts.Log, "http: ", log.LstdFlags),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	h.draining.Store(true)
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		h.log.Printf("shutdown: requests still running after %s: cancelling them", drain)
		h.cancelRuns()
		// Cancelled runs end quickly (their model request and tool call are cancelled);
		// give them a moment to write their error before the connections are closed.
		for wait := time.Now().Add(5 * time.Second); h.inflight.Load() > 0 && time.Now().Before(wait); {
			time.Sleep(20 * time.Millisecond)
		}
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Draining reports whether shutdown has begun.
func (h *Handler) Draining() bool { return h.draining.Load() }
