// Package inference is the Go counterpart of huggingface_hub's InferenceClient for the one
// task an agent needs: chat completion, streamed or not, against Hugging Face Inference
// Providers, Inference Endpoints, or any local OpenAI-compatible server.
//
// It owns everything about talking to a model backend: provider routing, auth, request
// shaping, the SSE reader, the accumulation of streamed deltas, and typed errors.
package inference
