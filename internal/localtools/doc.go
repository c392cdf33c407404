// Package localtools is the MCP server of safe everyday tools that tiny-agents carries
// inside itself (in-process transport): read a text file and list a folder under the working
// directory, tell the time, fetch a web page. It makes the default agent useful on a
// machine where nothing else is installed.
package localtools
