// Command fakemodel serves a scripted OpenAI-compatible model on loopback, for end-to-end
// tests in a real terminal and for benchmarks: fakemodel -script script.json -addr 127.0.0.1:0.
// It prints the base URL on the first line of stdout and serves until killed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

func main() {
	script := flag.String("script", "", "JSON file with an array of replies")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()
	var replies []fakemodel.Reply
	if *script != "" {
		b, err := os.ReadFile(*script)
		if err == nil {
			err = json.Unmarshal(b, &replies)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "fakemodel:", err)
			os.Exit(2)
		}
	}
	s, err := fakemodel.Listen(*addr, replies...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakemodel:", err)
		os.Exit(1)
	}
	fmt.Println(s.URL)
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
	s.Close()
}
