//go:build !linux

// Command bench runs tiny-agents and the JS tiny-agents peer side by side; it reads /proc for
// peak RSS, so it runs on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "bench: runs on Linux only (it reads /proc for peak RSS)")
	os.Exit(2)
}
