package testkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/kb"
)

// OpenAIKey is the API key a fake OpenAI server accepts unless told otherwise.
const OpenAIKey = "sk-test-supportd-0123456789"

// OpenAI is a fake OpenAI-compatible server. It serves POST /v1/chat/completions in the wire format
// go-openai expects, requires "Authorization: Bearer <APIKey>", rejects strict JSON schemas that OpenAI
// would reject (a property missing from "required", additionalProperties not false), records every
// request, and answers through a programmable handler: by default KeywordResponder over the knowledge base.
type OpenAI struct {
	// URL is the API base including /v1, ready for llm.Config.BaseURL.
	URL string
	// APIKey is the bearer token the fake accepts.
	APIKey string

	srv *httptest.Server

	mu       sync.Mutex
	handler  func(ChatRequest) ChatReply
	queue    []ChatReply
	requests []ChatRequest
	served   int
}

// ChatRequest is one chat-completions request as the fake received it.
type ChatRequest struct {
	Model    string
	Messages []ChatMessage
	Stream   bool
	// ResponseFormatType is "json_schema", "json_object", "text", or "" when no response_format was sent.
	ResponseFormatType string
	// SchemaName, Strict and Schema come from response_format.json_schema.
	SchemaName string
	Strict     bool
	Schema     json.RawMessage
	// Authorization is the header as sent.
	Authorization string
	// Body is the raw request body.
	Body []byte
}

// ChatMessage is one message of a request, with multi-part content joined into text.
type ChatMessage struct {
	Role    string
	Content string
}

// System returns the content of the first system message.
func (r ChatRequest) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" || m.Role == "developer" {
			return m.Content
		}
	}
	return ""
}

// User returns the content of the last user message.
func (r ChatRequest) User() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// ChatReply is what the fake answers to one request. The zero value is an empty assistant message.
type ChatReply struct {
	// Content is the assistant message's content in a chat.completion reply.
	Content string
	// Refusal is the assistant message's refusal, if any.
	Refusal string
	// FinishReason defaults to "stop".
	FinishReason string
	// Status is the HTTP status; zero means 200.
	Status int
	// Body, when set, is sent verbatim instead of a chat.completion object (error pages, garbage).
	Body string
	// ContentType defaults to application/json.
	ContentType string
	// Header holds extra response headers, e.g. Retry-After.
	Header http.Header
	// Delay holds the reply back; a client that gives up first finds the connection closed.
	Delay time.Duration
}

// ReplyContent answers with a chat.completion whose assistant content is s.
func ReplyContent(s string) ChatReply { return ChatReply{Content: s} }

// ReplyJSON answers with a chat.completion whose assistant content is v as JSON.
func ReplyJSON(v any) ChatReply {
	b, err := json.Marshal(v)
	if err != nil {
		panic("testkit: ReplyJSON: " + err.Error())
	}
	return ChatReply{Content: string(b)}
}

// ReplyClassification answers a classification request with the given verdict.
func ReplyClassification(intent, sentiment string, kbAnswers bool, faqID string) ChatReply {
	return ReplyJSON(map[string]any{"intent": intent, "sentiment": sentiment, "kb_answers": kbAnswers, "faq_id": faqID})
}

// ReplyTurn answers a bot-turn request (schema llm.ReplySchemaName): the verdict and the answer.
func ReplyTurn(intent, sentiment string, kbAnswers bool, faqID, answer string) ChatReply {
	return ReplyJSON(map[string]any{"intent": intent, "sentiment": sentiment, "kb_answers": kbAnswers, "faq_id": faqID, "answer": answer})
}

// ReplyAnswer answers an answer request.
func ReplyAnswer(answerable bool, answer, faqID string) ChatReply {
	return ReplyJSON(map[string]any{"answerable": answerable, "answer": answer, "faq_id": faqID})
}

// ReplyError answers with status and an OpenAI error object; an empty code is sent as null.
func ReplyError(status int, typ, code, message string) ChatReply {
	e := map[string]any{"message": message, "type": typ, "param": nil, "code": nil}
	if code != "" {
		e["code"] = code
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return ChatReply{Status: status, Body: string(b)}
}

// ReplyRateLimited answers 429 with OpenAI's rate-limit error.
func ReplyRateLimited() ChatReply {
	return ChatReply{
		Status: http.StatusTooManyRequests,
		Body:   `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
		Header: http.Header{"Retry-After": {"1"}},
	}
}

// ReplyUnauthorized answers 401 as OpenAI does for a wrong key.
func ReplyUnauthorized() ChatReply {
	return ReplyError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
}

// ReplyModelNotFound answers 404 as OpenAI does for an unknown model.
func ReplyModelNotFound(model string) ChatReply {
	return ReplyError(http.StatusNotFound, "invalid_request_error", "model_not_found",
		fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model))
}

// ReplyHTML answers status with an HTML page, as a proxy in front of the model server does (502, 503).
func ReplyHTML(status int) ChatReply {
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	return ChatReply{
		Status:      status,
		ContentType: "text/html",
		Body: "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
			"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
	}
}

// ReplyGarbage answers 200 with assistant content that is not JSON.
func ReplyGarbage() ChatReply {
	return ReplyContent("Sure! The customer seems to want help with their order.")
}

// NewOpenAI starts a fake OpenAI server that answers with KeywordResponder(k), or kb.Default() when k is
// nil, and stops it when the test ends.
func NewOpenAI(t testing.TB, k *kb.KnowledgeBase) *OpenAI {
	t.Helper()
	if k == nil {
		k = kb.Default()
	}
	f := &OpenAI{APIKey: OpenAIKey, handler: KeywordResponder(k)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	f.URL = f.srv.URL + "/v1"
	t.Cleanup(f.Close)
	return f
}

// Close stops the server. It is safe to call more than once.
func (f *OpenAI) Close() {
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// Handle makes h answer every request that no queued reply answers.
func (f *OpenAI) Handle(h func(ChatRequest) ChatReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handler = h
}

// Enqueue queues replies for the next requests, in order, ahead of the handler.
func (f *OpenAI) Enqueue(replies ...ChatReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, replies...)
}

// Requests returns the chat-completions requests received so far, oldest first.
func (f *OpenAI) Requests() []ChatRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// LastRequest returns the most recent chat-completions request, and false when there was none.
func (f *OpenAI) LastRequest() (ChatRequest, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return ChatRequest{}, false
	}
	return f.requests[len(f.requests)-1], true
}

func (f *OpenAI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		writeReply(w, ReplyError(http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)), "")
		return
	}
	if r.Method != http.MethodPost {
		writeReply(w, ReplyError(http.StatusMethodNotAllowed, "invalid_request_error", "",
			fmt.Sprintf("Method %s not allowed on %s", r.Method, r.URL.Path)), "")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	req, err := decodeChatRequest(body)
	req.Authorization = r.Header.Get("Authorization")
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.served++
	n := f.served
	key := f.APIKey
	f.mu.Unlock()

	if req.Authorization != "Bearer "+key {
		writeReply(w, ReplyUnauthorized(), "")
		return
	}
	if err != nil {
		writeReply(w, ReplyError(http.StatusBadRequest, "invalid_request_error", "",
			"We could not parse the JSON body of your request: "+err.Error()), "")
		return
	}
	if msg := checkRequest(req); msg != "" {
		writeReply(w, ReplyError(http.StatusBadRequest, "invalid_request_error", "", msg), "")
		return
	}

	reply := f.next(req)
	if reply.Delay > 0 {
		t := time.NewTimer(reply.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	writeReply(w, reply, completionJSON(n, req, reply))
}

func (f *OpenAI) next(req ChatRequest) ChatReply {
	f.mu.Lock()
	if len(f.queue) > 0 {
		reply := f.queue[0]
		f.queue = f.queue[1:]
		f.mu.Unlock()
		return reply
	}
	h := f.handler
	f.mu.Unlock()
	if h == nil {
		return ChatReply{}
	}
	return h(req)
}

func writeReply(w http.ResponseWriter, reply ChatReply, completion string) {
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	ct := reply.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if reply.Body != "" || status != http.StatusOK {
		_, _ = io.WriteString(w, reply.Body)
		return
	}
	_, _ = io.WriteString(w, completion)
}

// completionJSON renders a chat.completion object as OpenAI sends it.
func completionJSON(n int, req ChatRequest, reply ChatReply) string {
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
	}
	var refusal any
	if reply.Refusal != "" {
		refusal = reply.Refusal
	}
	var content any = reply.Content
	if reply.Content == "" && reply.Refusal != "" {
		content = nil
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	completion := len(strings.Fields(reply.Content))
	b, _ := json.Marshal(map[string]any{
		"id":      fmt.Sprintf("chatcmpl-fake%06d", n),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content, "refusal": refusal},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens":     prompt,
			"completion_tokens": completion,
			"total_tokens":      prompt + completion,
		},
		"system_fingerprint": "fp_fake",
	})
	return string(b)
}

// decodeChatRequest decodes what the fake needs from a request body; the request keeps the raw body even
// when decoding fails.
func decodeChatRequest(body []byte) (ChatRequest, error) {
	req := ChatRequest{Body: body}
	var wire struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		ResponseFormat *struct {
			Type       string `json:"type"`
			JSONSchema *struct {
				Name   string          `json:"name"`
				Strict bool            `json:"strict"`
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return req, err
	}
	req.Model = wire.Model
	req.Stream = wire.Stream
	for _, m := range wire.Messages {
		req.Messages = append(req.Messages, ChatMessage{Role: m.Role, Content: messageText(m.Content)})
	}
	if rf := wire.ResponseFormat; rf != nil {
		req.ResponseFormatType = rf.Type
		if rf.JSONSchema != nil {
			req.SchemaName = rf.JSONSchema.Name
			req.Strict = rf.JSONSchema.Strict
			req.Schema = rf.JSONSchema.Schema
		}
	}
	return req, nil
}

// messageText reads message content given as a string or as an array of parts.
func messageText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var texts []string
	for _, p := range parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n")
}

// checkRequest returns the error message OpenAI would give for a request it rejects, or "".
func checkRequest(req ChatRequest) string {
	switch {
	case req.Model == "":
		return "you must provide a model parameter"
	case len(req.Messages) == 0:
		return "[] is too short - 'messages'"
	case req.Stream:
		return "the fake does not stream"
	}
	if req.ResponseFormatType == "json_schema" {
		if req.SchemaName == "" || len(req.Schema) == 0 {
			return "Missing required parameter: 'response_format.json_schema'."
		}
		if req.Strict {
			var schema any
			if err := json.Unmarshal(req.Schema, &schema); err != nil {
				return "Invalid schema for response_format '" + req.SchemaName + "': " + err.Error()
			}
			if msg := checkStrictSchema(schema, nil); msg != "" {
				return "Invalid schema for response_format '" + req.SchemaName + "': " + msg
			}
		}
	}
	return ""
}

// checkStrictSchema applies OpenAI's strict-mode rules for objects: additionalProperties is false and
// every property is required.
func checkStrictSchema(node any, path []string) string {
	m, ok := node.(map[string]any)
	if !ok {
		return ""
	}
	context := "In context=(" + strings.Join(path, ", ") + "), "
	if props, ok := m["properties"].(map[string]any); ok || m["type"] == "object" {
		if m["additionalProperties"] != false {
			return context + "'additionalProperties' is required to be supplied and to be false."
		}
		required := map[string]bool{}
		if list, ok := m["required"].([]any); ok {
			for _, r := range list {
				if s, ok := r.(string); ok {
					required[s] = true
				}
			}
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !required[k] {
				return context + "'required' is required to be supplied and to be an array including every key in properties. Missing '" + k + "'."
			}
			if msg := checkStrictSchema(props[k], append(slices.Clip(path), "'properties'", "'"+k+"'")); msg != "" {
				return msg
			}
		}
	}
	if items, ok := m["items"]; ok {
		return checkStrictSchema(items, append(slices.Clip(path), "'items'"))
	}
	return ""
}
