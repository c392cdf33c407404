package tui

import (
	"fmt"
	"testing"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// newSlowModel is the scripted model streaming slowly, for cancellation.
func newSlowModel(t *testing.T) *inference.Client {
	t.Helper()
	srv := fakemodel.New(fakemodel.Reply{Text: "tick tock tick tock tick tock tick tock tick tock tick tock", Delay: fakemodel.Duration(50e6)})
	t.Cleanup(srv.Close)
	c, err := inference.New(inference.Config{Model: "fake", EndpointURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fmtMsg(v any) string { return fmt.Sprintf("%v", v) }
