package localtools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

// files are the file tools, confined to root.
type files struct{ root string }

// resolve turns a path the model gave into a real path inside root. It refuses anything
// that ends up outside: "..", absolute paths elsewhere, and symlinks that lead out (the
// check is made on the path with every link resolved).
func (f *files) resolve(p string) (string, error) {
	root, err := filepath.Abs(f.root)
	if err != nil {
		return "", err
	}
	root, err = filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("the working directory cannot be read: %w", err)
	}
	if p == "" {
		p = "."
	}
	var full string
	if filepath.IsAbs(p) {
		full = filepath.Clean(p)
	} else {
		full = filepath.Join(root, p)
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if !within(root, full) {
				return "", fmt.Errorf("%s is outside the working directory", p)
			}
			return "", fmt.Errorf("%s does not exist", p)
		}
		return "", err
	}
	if !within(root, real) {
		return "", fmt.Errorf("%s is outside the working directory (%s): refused", p, root)
	}
	return real, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	return rel == "." || !(rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel))
}

func (f *files) readFile(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := req.RequireString("path")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	real, err := f.resolve(p)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	st, err := os.Stat(real)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	if st.IsDir() {
		return mcp.NewToolResultError(p + " is a folder: use list_directory"), nil
	}
	if !st.Mode().IsRegular() {
		return mcp.NewToolResultError(p + " is not a regular file"), nil
	}
	file, err := os.Open(real)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxFileBytes))
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	if isBinary(data) {
		return mcp.NewToolResultError(fmt.Sprintf("%s is not a text file (%d bytes)", p, st.Size())), nil
	}
	text := string(data)
	if st.Size() > MaxFileBytes {
		// Do not cut a UTF-8 sequence in two.
		for i := 0; i < 3 && len(text) > 0 && !utf8.ValidString(text[max(0, len(text)-4):]); i++ {
			text = text[:len(text)-1]
		}
		text += fmt.Sprintf("\n[cut: the file has %d bytes, only the first %d were read]", st.Size(), MaxFileBytes)
	}
	return mcp.NewToolResultText(text), nil
}

// isBinary says a file is not text: a NUL byte, or mostly invalid UTF-8, in its start.
func isBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if strings.IndexByte(string(head), 0) >= 0 {
		return true
	}
	bad := 0
	for len(head) > 0 {
		r, size := utf8.DecodeRune(head)
		if r == utf8.RuneError && size == 1 && len(head) > 3 {
			bad++
		}
		head = head[size:]
	}
	return bad > 16
}

func (f *files) listDirectory(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p := req.GetString("path", ".")
	real, err := f.resolve(p)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var b strings.Builder
	for i, e := range entries {
		if i == MaxListEntries {
			fmt.Fprintf(&b, "[%d more entries not shown]\n", len(entries)-MaxListEntries)
			break
		}
		switch {
		case e.IsDir():
			b.WriteString(e.Name() + "/\n")
		case e.Type()&os.ModeSymlink != 0:
			b.WriteString(e.Name() + " (link)\n")
		default:
			size := int64(-1)
			if info, err := e.Info(); err == nil {
				size = info.Size()
			}
			fmt.Fprintf(&b, "%s (%d bytes)\n", e.Name(), size)
		}
	}
	if len(entries) == 0 {
		b.WriteString("(empty folder)\n")
	}
	return mcp.NewToolResultText(b.String()), nil
}
