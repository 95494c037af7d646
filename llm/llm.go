// Package llm is the language engine backed by any OpenAI-compatible chat-completions server (OpenAI, a
// local Ollama or vLLM): it classifies customer messages, answers them from the knowledge base only and
// summarises conversations for the person taking over.
//
// Every method makes exactly one HTTP call and never retries: the activity retry policy decides. Failures
// that retrying cannot fix (a rejected key, an unknown model, a malformed request) are marked with
// ai.Permanent; rate limits, server errors, timeouts and unusable replies are plain errors.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/kb"
)

// Names of the structured-output schemas sent as response_format.json_schema.name. Fakes and tests use them
// to tell a classification request from an answer request.
const (
	ClassifySchemaName = "supportd_classification"
	AnswerSchemaName   = "supportd_answer"
	ReplySchemaName    = "supportd_reply"
)

// EngineName is the value of conversation.Classification.Engine for verdicts from this engine.
const EngineName = "llm"

// DefaultTimeout bounds one call when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config configures the engine. BaseURL includes the API version path, e.g. https://api.openai.com/v1.
type Config struct {
	BaseURL string
	// APIKey is sent as a bearer token. It may be empty for a local server that needs none.
	APIKey string
	Model  string
	// Timeout bounds each call, including reading the reply; zero means DefaultTimeout.
	Timeout time.Duration
	// HTTPClient is used when set; otherwise a client with Timeout is created.
	HTTPClient *http.Client
}

// Engine implements ai.Engine over an OpenAI-compatible server. It is safe for concurrent use.
type Engine struct {
	client  *openai.Client
	model   string
	timeout time.Duration
	apiKey  string // kept only to scrub it from error messages

	kb     *kb.KnowledgeBase
	faqIDs map[string]bool

	classifyFormat *openai.ChatCompletionResponseFormat
	answerFormat   *openai.ChatCompletionResponseFormat
	replyFormat    *openai.ChatCompletionResponseFormat
	classifyPrompt string
	answerPrompt   string
	replyPrompt    string
	summaryPrompt  string
}

var _ ai.Engine = (*Engine)(nil)

// New validates cfg and returns an engine that grounds its answers in k.
func New(cfg Config, k *kb.KnowledgeBase) (*Engine, error) {
	if k == nil {
		return nil, errors.New("llm: knowledge base is required")
	}
	if err := validateBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	model := strings.TrimSpace(cfg.Model)
	if model == "" {
		return nil, errors.New("llm: model is required")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("llm: timeout %s is negative", cfg.Timeout)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		oc.HTTPClient = &http.Client{Timeout: timeout}
	}

	ids := make([]string, 0, len(k.FAQs))
	faqIDs := make(map[string]bool, len(k.FAQs))
	for _, f := range k.FAQs {
		ids = append(ids, f.ID)
		faqIDs[f.ID] = true
	}
	return &Engine{
		client:         openai.NewClientWithConfig(oc),
		model:          model,
		timeout:        timeout,
		apiKey:         cfg.APIKey,
		kb:             k,
		faqIDs:         faqIDs,
		classifyFormat: jsonSchemaFormat(ClassifySchemaName, classifySchema(ids)),
		answerFormat:   jsonSchemaFormat(AnswerSchemaName, answerSchema(ids)),
		replyFormat:    jsonSchemaFormat(ReplySchemaName, replySchema(ids)),
		classifyPrompt: classifyPrompt(k),
		answerPrompt:   answerPrompt(k),
		replyPrompt:    replyPrompt(k),
		summaryPrompt:  summaryPrompt(k),
	}, nil
}

func validateBaseURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("llm: base URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("llm: base URL %q: want an http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("llm: base URL %q: no host", raw)
	}
	return nil
}

func jsonSchemaFormat(name string, schema json.RawMessage) *openai.ChatCompletionResponseFormat {
	return &openai.ChatCompletionResponseFormat{
		Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
			Name:   name,
			Schema: schema,
			Strict: true,
		},
	}
}

// complete makes the one chat-completions call of an operation and returns the reply's message. op names
// the operation in errors ("classify", "answer", "summarize").
func (e *Engine) complete(ctx context.Context, op, system, user string, format *openai.ChatCompletionResponseFormat) (openai.ChatCompletionMessage, error) {
	callCtx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()

	resp, err := e.client.CreateChatCompletion(callCtx, openai.ChatCompletionRequest{
		Model: e.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		ResponseFormat: format,
	})
	if err != nil {
		return openai.ChatCompletionMessage{}, e.callError(ctx, op, err)
	}
	if len(resp.Choices) == 0 {
		return openai.ChatCompletionMessage{}, fmt.Errorf("llm %s: reply has no choices", op)
	}
	return resp.Choices[0].Message, nil
}

// isPreflight reports whether err is one go-openai returns before sending anything, for a request no server
// would accept.
func isPreflight(err error) bool {
	for _, pre := range [...]error{
		openai.ErrChatCompletionInvalidModel,
		openai.ErrChatCompletionStreamNotSupported,
		openai.ErrContentFieldsMisused,
		openai.ErrReasoningModelMaxTokensDeprecated,
		openai.ErrReasoningModelLimitationsLogprobs,
		openai.ErrReasoningModelLimitationsOther,
		openai.ErrReasoningEffortUnsupported,
		openai.ErrReasoningToolsRequireResponses,
		openai.ErrReasoningSamplingUnsupported,
	} {
		if errors.Is(err, pre) {
			return true
		}
	}
	return false
}

// callError turns a failed call into an error for the retry policy: cancellation of ctx passes through,
// 400/401/403/404 and other client errors are permanent, and 408, 409, 429, 5xx, network failures and the
// engine's own timeout stay retryable.
func (e *Engine) callError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("llm %s: %w", op, ctxErr)
	}

	var apiErr *openai.APIError
	if errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0 {
		msg := apiErr.Message
		if apiErr.Code != nil && fmt.Sprint(apiErr.Code) != "" {
			msg = fmt.Sprint(apiErr.Code) + ": " + msg // e.g. "rate_limit_exceeded: Rate limit reached"
		}
		return e.statusError(op, apiErr.HTTPStatusCode, msg, err)
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0 {
		return e.statusError(op, reqErr.HTTPStatusCode, bodySnippet(reqErr.Body), err)
	}

	if isPreflight(err) {
		return ai.Permanent(fmt.Errorf("llm %s: model %q: %w", op, e.model, err))
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) {
		return fmt.Errorf("llm %s: reply is not a chat completion: %w", op, err)
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Errorf("llm %s: no reply within %s: %w", op, e.timeout, err)
	}
	// A refused connection, a reset, a DNS failure: worth another try.
	return fmt.Errorf("llm %s: %w", op, err)
}

// statusError wraps a non-2xx reply, permanent unless retrying can help.
func (e *Engine) statusError(op string, status int, msg string, err error) error {
	se := &StatusError{Op: op, StatusCode: status, Message: e.scrub(msg), err: err}
	if retryableStatus(status) {
		return se
	}
	return ai.Permanent(se)
}

// retryableStatus reports whether a reply with status may succeed when sent again.
func retryableStatus(status int) bool {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusConflict, status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return true
	case status >= 400:
		return false
	}
	// A 1xx or 3xx the client did not follow is a misbehaving proxy, worth another try.
	return true
}

// StatusError is a non-2xx reply from the server. Its message is one short line: a server's HTML error page
// is cut to a snippet and an echoed API key is removed. It unwraps to the go-openai error
// (*openai.APIError or *openai.RequestError), whose own message is not cleaned.
type StatusError struct {
	Op         string
	StatusCode int
	Message    string
	err        error
}

// Error returns "llm <op>: server answered <status>: <message>".
func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("llm %s: server answered %d", e.Op, e.StatusCode)
	}
	return fmt.Sprintf("llm %s: server answered %d: %s", e.Op, e.StatusCode, e.Message)
}

// Unwrap returns the go-openai error.
func (e *StatusError) Unwrap() error { return e.err }

// scrub removes the API key from text bound for an error message, in case a server or proxy echoes it.
func (e *Engine) scrub(s string) string {
	if len(e.apiKey) < 6 {
		return s
	}
	return strings.ReplaceAll(s, e.apiKey, "[redacted]")
}

// bodySnippet shortens an error body (often an HTML page from a proxy) to one readable line.
func bodySnippet(body []byte) string {
	s := strings.Join(strings.Fields(stripTags(string(body))), " ")
	return truncate(s, 200)
}

func stripTags(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
			b.WriteRune(' ')
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// truncate cuts s to at most n runes, preferring a word boundary, and marks the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n,;:") + "…"
}

// replyContent returns the model's text with wrappers some servers add around JSON removed: a leading
// reasoning block (<think>…</think>) and a Markdown code fence.
func replyContent(m openai.ChatCompletionMessage) string {
	s := strings.TrimSpace(m.Content)
	if strings.HasPrefix(s, "<think>") {
		if i := strings.Index(s, "</think>"); i >= 0 {
			s = strings.TrimSpace(s[i+len("</think>"):])
		}
	}
	if strings.HasPrefix(s, "```") && strings.HasSuffix(s, "```") && len(s) >= 6 {
		s = strings.TrimSuffix(s[3:], "```")
		if i := strings.IndexByte(s, '\n'); i >= 0 && !strings.ContainsAny(s[:i], "{[") {
			s = s[i+1:] // the fence's language tag
		}
		s = strings.TrimSpace(s)
	}
	return s
}

// decodeObject parses a JSON object reply and checks that every key in required is present.
func decodeObject(content string, required ...string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &obj); err != nil {
		return nil, fmt.Errorf("reply is not a JSON object: %w (content %q)", err, truncate(content, 80))
	}
	if obj == nil {
		return nil, errors.New("reply is JSON null, not an object")
	}
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			return nil, fmt.Errorf("reply has no %q", k)
		}
	}
	return obj, nil
}

// stringField decodes a string field; JSON null reads as "".
func stringField(obj map[string]json.RawMessage, key string) (string, error) {
	var s *string
	if err := json.Unmarshal(obj[key], &s); err != nil {
		return "", fmt.Errorf("reply field %q: %w", key, err)
	}
	if s == nil {
		return "", nil
	}
	return strings.TrimSpace(*s), nil
}

func boolField(obj map[string]json.RawMessage, key string) (bool, error) {
	var b bool
	if err := json.Unmarshal(obj[key], &b); err != nil {
		return false, fmt.Errorf("reply field %q: %w", key, err)
	}
	return b, nil
}

// property is one property of an object schema.
type property struct {
	name   string
	schema jsonschema.Definition
}

// objectSchema renders a closed JSON-schema object with every property required, as strict mode demands,
// keeping the properties in the given order: models fill them in in that order, so that a bot turn's answer
// comes after the verdict it is written from. A jsonschema.Definition of the object would hold its properties
// in a map, which encoding/json writes sorted by name.
func objectSchema(props ...property) json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"type":"object","properties":{`)
	names := make([]string, len(props))
	for i, p := range props {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustJSON(p.name))
		b.WriteByte(':')
		b.Write(mustJSON(p.schema))
		names[i] = p.name
	}
	b.WriteString(`},"required":`)
	b.Write(mustJSON(names))
	b.WriteString(`,"additionalProperties":false}`)
	return b.Bytes()
}

// stringEnum is the schema of a string restricted to values.
func stringEnum(values []string) jsonschema.Definition {
	return jsonschema.Definition{Type: jsonschema.String, Enum: values}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("llm: schema does not marshal: " + err.Error())
	}
	return b
}
