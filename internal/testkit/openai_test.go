package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/llm"
)

func postChat(t *testing.T, f *OpenAI, path, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(f.URL, "/v1")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOpenAIRejectsAsOpenAIDoes(t *testing.T) {
	f := NewOpenAI(t, nil)
	const msgs = `"messages":[{"role":"user","content":"hi"}]`
	for name, tc := range map[string]struct {
		path, auth, body string
		status           int
		want             string
	}{
		"no key":       {"/v1/chat/completions", "", `{"model":"m",` + msgs + `}`, 401, "invalid_api_key"},
		"wrong key":    {"/v1/chat/completions", "Bearer sk-nope", `{"model":"m",` + msgs + `}`, 401, "invalid_api_key"},
		"unknown path": {"/v1/completions", "Bearer " + OpenAIKey, `{}`, 404, "Invalid URL"},
		"bad JSON":     {"/v1/chat/completions", "Bearer " + OpenAIKey, `{`, 400, "parse the JSON"},
		"no model":     {"/v1/chat/completions", "Bearer " + OpenAIKey, `{` + msgs + `}`, 400, "model"},
		"strict schema missing a required key": {"/v1/chat/completions", "Bearer " + OpenAIKey,
			`{"model":"m",` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,` +
				`"schema":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}}}}`,
			400, "Missing 'b'"},
		"strict schema open object": {"/v1/chat/completions", "Bearer " + OpenAIKey,
			`{"model":"m",` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,` +
				`"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}}`,
			400, "additionalProperties"},
	} {
		status, body := postChat(t, f, tc.path, tc.auth, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d with %q", name, status, body, tc.status, tc.want)
		}
	}
}

func TestOpenAIChatCompletionShape(t *testing.T) {
	f := NewOpenAI(t, nil)
	f.Enqueue(ReplyContent(`{"x":1}`))
	status, body := postChat(t, f, "/v1/chat/completions", "Bearer "+OpenAIKey,
		`{"model":"gpt-4o-mini","stream":false,"messages":[{"role":"system","content":"s"},{"role":"user","content":"hello there"}]}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		Model   string `json:"model"`
		Choices []struct {
			Index   int `json:"index"`
			Message struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.Object != "chat.completion" || got.Created == 0 || got.Model != "gpt-4o-mini" ||
		len(got.Choices) != 1 || got.Choices[0].Message.Role != "assistant" || got.Choices[0].Message.Content != `{"x":1}` ||
		got.Choices[0].FinishReason != "stop" || got.Usage.TotalTokens == 0 {
		t.Errorf("reply = %s", body)
	}
	req, _ := f.LastRequest()
	if req.System() != "s" || req.User() != "hello there" || req.Model != "gpt-4o-mini" {
		t.Errorf("recorded %+v", req)
	}
}

func TestKeywordResponder(t *testing.T) {
	k := kb.Default()
	respond := KeywordResponder(k)
	classify := func(text string) map[string]any {
		r := respond(ChatRequest{SchemaName: llm.ClassifySchemaName, Messages: []ChatMessage{{Role: "user", Content: text}}})
		var v map[string]any
		if err := json.Unmarshal([]byte(r.Content), &v); err != nil {
			t.Fatalf("classify %q: %v", text, err)
		}
		return v
	}
	for text, want := range map[string][3]string{
		"I want my money back":                  {"refund_request", "neutral", ""},
		"Can I speak to a human please":         {"human_requested", "neutral", ""},
		"WHY HAS NOBODY ANSWERED ME YET":        {"other", "angry", ""},
		"Are you open on public holidays?":      {"faq", "neutral", "public_holidays"},
		"Do you take SnapScan?":                 {"faq", "neutral", "payment_methods"},
		"I do not need a refund, where are you": {"other", "neutral", ""},
		"The box was missing a leg":             {"complaint", "negative", ""},
		"Thanks so much, great service":         {"thanks", "positive", ""},
	} {
		v := classify(text)
		got := [3]string{v["intent"].(string), v["sentiment"].(string), v["faq_id"].(string)}
		if got != want || v["kb_answers"] != (want[2] != "") {
			t.Errorf("classify %q = %v, want %v", text, v, want)
		}
	}

	r := respond(ChatRequest{SchemaName: llm.AnswerSchemaName, Messages: []ChatMessage{{Role: "user", Content: "What is your address?"}}})
	if loc, _ := k.FAQ("location"); !strings.Contains(r.Content, `"answer":"`+loc.Answer+`"`) {
		t.Errorf("answer = %s", r.Content)
	}
	r = respond(ChatRequest{Messages: []ChatMessage{{Role: "user", Content: "Customer: Sipho\nHandoff reason: Angry customer\n\nTranscript, oldest first:\n[Mar 2 14:00] customer: this is useless\n"}}})
	if want := "Sipho needs a person.\nLast message: \"this is useless\"\nHanded off: Angry customer."; r.Content != want {
		t.Errorf("summary = %q, want %q", r.Content, want)
	}
	if r := respond(ChatRequest{SchemaName: "other"}); r.Status != http.StatusBadRequest {
		t.Errorf("unknown schema answered %+v, want 400", r)
	}
}
