// Package inference is the Go counterpart of huggingface_hub's InferenceClient for the one
// task an agent needs: chat completion, streamed or not, against Hugging Face Inference
// Providers, Inference Endpoints, or any local OpenAI-compatible server.
//
// It owns everything about talking to a model backend: provider routing (providers.go,
// target.go), the Hub's provider mapping (mapping.go), keys and where they may go (auth.go,
// redact.go), request shaping (request.go, shape.go), the SSE reader (sse.go), streams and the
// accumulation of streamed deltas (stream.go, accumulate.go), whole answers (response.go),
// typed errors (errors.go, errorbody.go), retries (retry.go) and the debug log (log.go).
//
// The environment is read through Config.Getenv: HF_TOKEN, HUGGING_FACE_HUB_TOKEN,
// HF_TOKEN_PATH, HF_HOME, XDG_CACHE_HOME, API_KEY, HF_ROUTER_URL and HF_ENDPOINT.
package inference
