package inference

import "maps"

// shapeRequest applies what a provider needs of the body (inference spec §1.3). The caller's
// maps are copied, never changed. Endpoint URLs get the body as written: whatever server is
// behind one decides what it accepts.
func shapeRequest(provider string, endpoint bool, req *ChatRequest) {
	if endpoint {
		return
	}
	schema, hasSchema := jsonSchemaOf(req.ResponseFormat)
	switch provider {
	case "cohere", "fireworks-ai":
		if hasSchema {
			req.ResponseFormat = map[string]any{"type": "json_object", "schema": schema}
		}
	case "together":
		if hasSchema {
			req.ResponseFormat = map[string]any{"type": "json_schema", "schema": schema}
		}
	case "hf-inference":
		// TGI's grammar: {"type":"json_object","value":S}.
		if hasSchema {
			req.ResponseFormat = map[string]any{"type": "json_object", "value": schema}
		}
	case "nebius":
		// nebius (vLLM) takes the schema as guided_json beside response_format.
		if hasSchema {
			req.Extra = maps.Clone(req.Extra)
			if req.Extra == nil {
				req.Extra = map[string]any{}
			}
			req.Extra["guided_json"] = schema
		}
	case "sambanova":
		// sambanova rejects strict schemas: strict true or unset becomes false.
		if js, ok := req.ResponseFormat["json_schema"].(map[string]any); ok && req.ResponseFormat["type"] == "json_schema" {
			if strict, set := js["strict"]; !set || strict == true || strict == nil {
				js = maps.Clone(js)
				js["strict"] = false
				req.ResponseFormat = maps.Clone(req.ResponseFormat)
				req.ResponseFormat["json_schema"] = js
			}
		}
	case "cerebras":
		// cerebras refuses the OpenAI `store` field (huggingface.js drops it).
		if _, ok := req.Extra["store"]; ok {
			req.Extra = maps.Clone(req.Extra)
			delete(req.Extra, "store")
		}
	}
}

// jsonSchemaOf returns S of {"type":"json_schema","json_schema":{"schema":S}}.
func jsonSchemaOf(rf map[string]any) (any, bool) {
	if rf == nil || rf["type"] != "json_schema" {
		return nil, false
	}
	js, ok := rf["json_schema"].(map[string]any)
	if !ok {
		return nil, false
	}
	s, ok := js["schema"]
	return s, ok && s != nil
}
