package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	openai "github.com/sashabaranov/go-openai"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/llm"
)

const testModel = "gpt-4o-mini"

// newEngine starts a fake server over the demo knowledge base and an engine pointed at it.
func newEngine(t *testing.T, edit ...func(*llm.Config)) (*llm.Engine, *testkit.OpenAI) {
	t.Helper()
	fake := testkit.NewOpenAI(t, nil)
	cfg := llm.Config{BaseURL: fake.URL, APIKey: testkit.OpenAIKey, Model: testModel, Timeout: 5 * time.Second}
	for _, f := range edit {
		f(&cfg)
	}
	e, err := llm.New(cfg, kb.Default())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e, fake
}

func lastRequest(t *testing.T, fake *testkit.OpenAI) testkit.ChatRequest {
	t.Helper()
	req, ok := fake.LastRequest()
	if !ok {
		t.Fatal("the fake received no request")
	}
	return req
}

func TestNewValidatesConfig(t *testing.T) {
	k := kb.Default()
	ok := llm.Config{BaseURL: "http://localhost:11434/v1", Model: "llama3.2"}
	if _, err := llm.New(ok, k); err != nil {
		t.Fatalf("New(%+v): %v", ok, err)
	}
	for name, tc := range map[string]struct {
		cfg llm.Config
		k   *kb.KnowledgeBase
	}{
		"empty base URL":     {llm.Config{Model: "m"}, k},
		"base URL no scheme": {llm.Config{BaseURL: "localhost:11434/v1", Model: "m"}, k},
		"base URL ftp":       {llm.Config{BaseURL: "ftp://example.com/v1", Model: "m"}, k},
		"base URL no host":   {llm.Config{BaseURL: "http:///v1", Model: "m"}, k},
		"empty model":        {llm.Config{BaseURL: "https://api.openai.com/v1", Model: "  "}, k},
		"negative timeout":   {llm.Config{BaseURL: "https://api.openai.com/v1", Model: "m", Timeout: -time.Second}, k},
		"no knowledge base":  {llm.Config{BaseURL: "https://api.openai.com/v1", Model: "m"}, nil},
	} {
		if _, err := llm.New(tc.cfg, tc.k); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
}

func TestClassifyRequestOnTheWire(t *testing.T) {
	e, fake := newEngine(t)
	recent := []conversation.Turn{{Topic: "faq:trading_hours", Text: "When are you open?"}}
	if _, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: "and on Saturday?", Recent: recent}); err != nil {
		t.Fatalf("Classify: %v", err)
	}
	req := lastRequest(t, fake)

	if req.Authorization != "Bearer "+testkit.OpenAIKey {
		t.Errorf("Authorization = %q", req.Authorization)
	}
	if req.Model != testModel {
		t.Errorf("model = %q, want %q", req.Model, testModel)
	}
	if !strings.Contains(string(req.Body), `"stream":false`) || req.Stream {
		t.Errorf("body does not say stream false: %s", req.Body)
	}
	if req.ResponseFormatType != "json_schema" || req.SchemaName != llm.ClassifySchemaName || !req.Strict {
		t.Errorf("response_format = %q %q strict=%v, want json_schema %q strict", req.ResponseFormatType, req.SchemaName, req.Strict, llm.ClassifySchemaName)
	}

	var schema struct {
		Type       string `json:"type"`
		Properties map[string]struct {
			Type string   `json:"type"`
			Enum []string `json:"enum"`
		} `json:"properties"`
		Required             []string `json:"required"`
		AdditionalProperties *bool    `json:"additionalProperties"`
	}
	if err := json.Unmarshal(req.Schema, &schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	if schema.Type != "object" || schema.AdditionalProperties == nil || *schema.AdditionalProperties {
		t.Errorf("schema must be a closed object: %s", req.Schema)
	}
	required := slices.Sorted(slices.Values(schema.Required))
	if want := []string{"faq_id", "intent", "kb_answers", "sentiment"}; !slices.Equal(required, want) {
		t.Errorf("required = %v, want %v", required, want)
	}
	var intents, sentiments []string
	for _, i := range conversation.Intents {
		intents = append(intents, string(i))
	}
	for _, s := range conversation.Sentiments {
		sentiments = append(sentiments, string(s))
	}
	if got := schema.Properties["intent"].Enum; !slices.Equal(got, intents) {
		t.Errorf("intent enum = %v, want %v", got, intents)
	}
	if got := schema.Properties["sentiment"].Enum; !slices.Equal(got, sentiments) {
		t.Errorf("sentiment enum = %v, want %v", got, sentiments)
	}
	if got := schema.Properties["kb_answers"].Type; got != "boolean" {
		t.Errorf("kb_answers type = %q", got)
	}
	var ids []string
	for _, f := range kb.Default().FAQs {
		ids = append(ids, f.ID)
	}
	if got := schema.Properties["faq_id"].Enum; !slices.Equal(got, append(ids, "")) {
		t.Errorf("faq_id enum = %v, want the FAQ ids and \"\"", got)
	}

	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v, want system then user", req.Messages)
	}
	if req.User() != "and on Saturday?" {
		t.Errorf("user message = %q, want the customer's text", req.User())
	}
	system := req.System()
	for _, want := range []string{
		"Baobab Home & Outdoor", "refund_request", "human_requested", "angry",
		"is faq, not refund_request", "I don't need a refund, just your hours",
		"trading_hours: What are your trading hours?", "returns_policy:",
		`"When are you open?"`, // the recent question, quoted
	} {
		if !strings.Contains(system, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	if strings.Contains(system, "48 Baobab Avenue") {
		t.Error("the classification prompt carries FAQ answers; it needs only the questions")
	}
}

func TestClassifyKeywordResponder(t *testing.T) {
	e, _ := newEngine(t)
	for _, tc := range []struct {
		text      string
		intent    conversation.Intent
		sentiment conversation.Sentiment
		faqID     string
	}{
		{"Can I get a refund for the chair I bought?", conversation.IntentRefundRequest, conversation.SentimentNeutral, ""},
		{"I want to talk to a real person", conversation.IntentHumanRequested, conversation.SentimentNeutral, ""},
		{"This is the worst, your bot is useless", conversation.IntentOther, conversation.SentimentAngry, ""},
		{"When are you open?", conversation.IntentFAQ, conversation.SentimentNeutral, "trading_hours"},
		{"What is your returns policy?", conversation.IntentFAQ, conversation.SentimentNeutral, "returns_policy"},
		{"I don't need a refund, just your trading hours", conversation.IntentFAQ, conversation.SentimentNeutral, "trading_hours"},
		{"My braai arrived damaged", conversation.IntentComplaint, conversation.SentimentNegative, ""},
		{"Where is my order 100234?", conversation.IntentOrderStatus, conversation.SentimentNeutral, ""},
		{"Hello!", conversation.IntentGreeting, conversation.SentimentNeutral, ""},
		{"Do you fix bicycles?", conversation.IntentOther, conversation.SentimentNeutral, ""},
	} {
		c, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: tc.text})
		if err != nil {
			t.Errorf("Classify(%q): %v", tc.text, err)
			continue
		}
		want := conversation.Classification{Intent: tc.intent, Sentiment: tc.sentiment, Engine: "llm"}
		if tc.faqID != "" {
			want.KBAnswers, want.FAQID, want.Topic = true, tc.faqID, "faq:"+tc.faqID
		}
		if c != want {
			t.Errorf("Classify(%q) = %+v, want %+v", tc.text, c, want)
		}
	}
}

func TestClassifyValidatesReply(t *testing.T) {
	notAnswered := conversation.Classification{Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentNeutral, Engine: "llm"}
	for name, tc := range map[string]struct {
		reply   testkit.ChatReply
		want    conversation.Classification
		wantErr bool
	}{
		"answered": {
			reply: testkit.ReplyClassification("faq", "neutral", true, "location"),
			want:  conversation.Classification{Intent: conversation.IntentFAQ, Sentiment: conversation.SentimentNeutral, KBAnswers: true, FAQID: "location", Topic: "faq:location", Engine: "llm"},
		},
		"json in a code fence": {
			reply: testkit.ReplyContent("```json\n{\"intent\":\"thanks\",\"sentiment\":\"positive\",\"kb_answers\":false,\"faq_id\":\"\"}\n```"),
			want:  conversation.Classification{Intent: conversation.IntentThanks, Sentiment: conversation.SentimentPositive, Engine: "llm"},
		},
		"kb_answers without faq_id":  {reply: testkit.ReplyClassification("faq", "neutral", true, ""), want: notAnswered},
		"unknown faq_id":             {reply: testkit.ReplyClassification("faq", "neutral", true, "opening_times"), want: notAnswered},
		"faq_id without kb_answers":  {reply: testkit.ReplyClassification("faq", "neutral", false, "location"), want: notAnswered},
		"unknown intent":             {reply: testkit.ReplyClassification("billing", "neutral", false, ""), wantErr: true},
		"unknown sentiment":          {reply: testkit.ReplyClassification("faq", "furious", false, ""), wantErr: true},
		"missing faq_id":             {reply: testkit.ReplyJSON(map[string]any{"intent": "faq", "sentiment": "neutral", "kb_answers": false}), wantErr: true},
		"missing intent":             {reply: testkit.ReplyJSON(map[string]any{"sentiment": "neutral", "kb_answers": false, "faq_id": ""}), wantErr: true},
		"null intent":                {reply: testkit.ReplyContent(`{"intent":null,"sentiment":"neutral","kb_answers":false,"faq_id":""}`), wantErr: true},
		"kb_answers as string":       {reply: testkit.ReplyContent(`{"intent":"faq","sentiment":"neutral","kb_answers":"yes","faq_id":""}`), wantErr: true},
		"content not JSON":           {reply: testkit.ReplyGarbage(), wantErr: true},
		"content a JSON array":       {reply: testkit.ReplyContent(`["faq"]`), wantErr: true},
		"empty content":              {reply: testkit.ReplyContent(""), wantErr: true},
		"refusal":                    {reply: testkit.ChatReply{Refusal: "I can't help with that."}, wantErr: true},
		"body not JSON":              {reply: testkit.ChatReply{Body: "OK"}, wantErr: true},
		"no choices":                 {reply: testkit.ChatReply{Body: `{"id":"x","object":"chat.completion","choices":[]}`}, wantErr: true},
		"truncated (length) content": {reply: testkit.ChatReply{Content: `{"intent":"faq","sent`, FinishReason: "length"}, wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			e, fake := newEngine(t)
			fake.Enqueue(tc.reply)
			c, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: "Where is your shop?"})
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Classify = %+v, want an error", c)
				}
				if ai.IsPermanent(err) {
					t.Errorf("error %v is permanent; an unusable reply is worth another try", err)
				}
				if !strings.HasPrefix(err.Error(), "llm classify: ") {
					t.Errorf("error %q lacks the llm classify prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Classify: %v", err)
			}
			if c != tc.want {
				t.Errorf("Classify = %+v, want %+v", c, tc.want)
			}
		})
	}
}

func TestClassifyEmptyMessageIsPermanent(t *testing.T) {
	e, fake := newEngine(t)
	_, err := e.Classify(context.Background(), ai.ClassifyRequest{Text: "  "})
	if err == nil || !ai.IsPermanent(err) {
		t.Fatalf("Classify(empty) error = %v, want a permanent error", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("the fake received %d requests, want none", n)
	}
}

func TestAnswerGrounded(t *testing.T) {
	e, fake := newEngine(t)
	k := kb.Default()
	want, _ := k.FAQ("delivery_cost")

	a, err := e.Answer(context.Background(), ai.AnswerRequest{Text: "How much is delivery?", FAQID: "delivery_cost", Name: "Thandi"})
	if err != nil {
		t.Fatalf("Answer: %v", err)
	}
	if a != (conversation.Answer{Text: want.Answer, Grounded: true, FAQID: "delivery_cost"}) {
		t.Errorf("Answer = %+v, want the delivery_cost answer", a)
	}

	req := lastRequest(t, fake)
	if req.SchemaName != llm.AnswerSchemaName || !req.Strict || req.ResponseFormatType != "json_schema" {
		t.Errorf("response_format = %q %q strict=%v", req.ResponseFormatType, req.SchemaName, req.Strict)
	}
	if req.User() != "How much is delivery?" {
		t.Errorf("user message = %q", req.User())
	}
	system := req.System()
	for _, f := range k.FAQs {
		if !strings.Contains(system, f.Answer) || !strings.Contains(system, f.Questions[0]) {
			t.Errorf("system prompt lacks FAQ %s", f.ID)
		}
	}
	for _, want := range []string{"Baobab Home & Outdoor", "only", "Never invent", `"Thandi"`, "[delivery_cost]", "700"} {
		if !strings.Contains(system, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
}

func TestAnswerNotGrounded(t *testing.T) {
	long := strings.Repeat("We deliver everywhere. ", 100)
	for name, tc := range map[string]struct {
		reply   testkit.ChatReply
		want    conversation.Answer
		wantErr bool
	}{
		"not answerable":           {reply: testkit.ReplyAnswer(false, "", ""), want: conversation.Answer{}},
		"not answerable with text": {reply: testkit.ReplyAnswer(false, "Probably on Monday.", ""), want: conversation.Answer{}},
		"answerable but empty":     {reply: testkit.ReplyAnswer(true, "  ", "location"), want: conversation.Answer{}},
		"unknown faq_id":           {reply: testkit.ReplyAnswer(true, "We open at 7.", "opening_times"), want: conversation.Answer{}},
		"refusal":                  {reply: testkit.ChatReply{Refusal: "I can't help with that."}, want: conversation.Answer{}},
		"combined FAQs":            {reply: testkit.ReplyAnswer(true, "Delivery is R99, free over R1,200.", ""), want: conversation.Answer{Text: "Delivery is R99, free over R1,200.", Grounded: true}},
		"markdown bold":            {reply: testkit.ReplyAnswer(true, "It costs **R99**.", "delivery_cost"), want: conversation.Answer{Text: "It costs *R99*.", Grounded: true, FAQID: "delivery_cost"}},
		"garbage":                  {reply: testkit.ReplyGarbage(), wantErr: true},
		"missing answer":           {reply: testkit.ReplyJSON(map[string]any{"answerable": true, "faq_id": ""}), wantErr: true},
		"too long":                 {reply: testkit.ReplyAnswer(true, long, "delivery_time")},
	} {
		t.Run(name, func(t *testing.T) {
			e, fake := newEngine(t)
			fake.Enqueue(tc.reply)
			a, err := e.Answer(context.Background(), ai.AnswerRequest{Text: "When do you deliver to Durban?"})
			if tc.wantErr {
				if err == nil || !strings.HasPrefix(err.Error(), "llm answer: ") {
					t.Fatalf("Answer = %+v, %v; want an llm answer error", a, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if name == "too long" {
				if !a.Grounded || len([]rune(a.Text)) > 1000 || !strings.HasSuffix(a.Text, "…") {
					t.Errorf("Answer = %d runes, grounded %v; want it cut to at most 1000", len([]rune(a.Text)), a.Grounded)
				}
				return
			}
			if a != tc.want {
				t.Errorf("Answer = %+v, want %+v", a, tc.want)
			}
		})
	}
}

func TestAnswerKeywordNotAnswerable(t *testing.T) {
	e, _ := newEngine(t)
	a, err := e.Answer(context.Background(), ai.AnswerRequest{Text: "Do you fix bicycles?"})
	if err != nil {
		t.Fatalf("Answer: %v", err)
	}
	if a.Grounded || a.Text != "" {
		t.Errorf("Answer = %+v, want not grounded and no text", a)
	}
}

func TestSummarize(t *testing.T) {
	e, fake := newEngine(t)
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s, err := e.Summarize(context.Background(), ai.SummaryRequest{
		Name:   "Thandi",
		Phone:  "27821234567",
		Reason: "refund_request",
		Transcript: []conversation.Line{
			{From: "customer", Text: "How much is delivery?", At: at},
			{From: "bot", Text: "Delivery costs R99 anywhere in South Africa.", At: at.Add(time.Second)},
			{From: "customer", Text: "I want a refund for order 100234", At: at.Add(time.Minute)},
		},
	})
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if !strings.Contains(s, "Thandi") || !strings.Contains(s, "Refund request") || !strings.Contains(s, "order 100234") {
		t.Errorf("summary = %q", s)
	}
	if n := strings.Count(s, "\n") + 1; n < 3 || n > 5 {
		t.Errorf("summary has %d lines, want 3 to 5", n)
	}

	req := lastRequest(t, fake)
	if req.ResponseFormatType != "" {
		t.Errorf("response_format %q sent for a plain-text summary", req.ResponseFormatType)
	}
	user := req.User()
	for _, want := range []string{"Customer: Thandi", "Handoff reason: Refund request", "[Mar 2 14:00] customer: How much is delivery?", "bot: Delivery costs R99"} {
		if !strings.Contains(user, want) {
			t.Errorf("summary input lacks %q:\n%s", want, user)
		}
	}
	if strings.Contains(user, "27821234567") {
		t.Error("the phone number went to the model")
	}
}

func TestSummarizeTrimsTranscript(t *testing.T) {
	e, fake := newEngine(t)
	var lines []conversation.Line
	for i := range 100 {
		lines = append(lines, conversation.Line{From: "customer", Text: "message " + strings.Repeat("x", i%3) + " #" + string(rune('A'+i%26)) + " n" + strconv.Itoa(i)})
	}
	if _, err := e.Summarize(context.Background(), ai.SummaryRequest{Reason: "human_requested", Transcript: lines}); err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	user := lastRequest(t, fake).User()
	if got := strings.Count(user, "customer: message"); got != 40 {
		t.Errorf("%d transcript lines sent, want 40", got)
	}
	if !strings.Contains(user, "(60 earlier lines omitted)") || !strings.Contains(user, " n99\n") || strings.Contains(user, " n59\n") {
		t.Errorf("want the 40 most recent lines and a note of the 60 omitted:\n%s", user)
	}

	long := make([]conversation.Line, 30)
	for i := range long {
		long[i] = conversation.Line{From: "customer", Text: strings.Repeat("word ", 120)}
	}
	if _, err := e.Summarize(context.Background(), ai.SummaryRequest{Transcript: long}); err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if user := lastRequest(t, fake).User(); len(user) > 8500 || !strings.Contains(user, "earlier lines omitted") {
		t.Errorf("summary input is %d bytes, want about 8k at most with a note of what was left out", len(user))
	}
}

func TestSummarizeCleansReply(t *testing.T) {
	e, fake := newEngine(t)
	fake.Enqueue(testkit.ReplyContent("## Summary\n**Thandi** wants a refund.\n\n2\n3\n4\n5\n6\n7"))
	s, err := e.Summarize(context.Background(), ai.SummaryRequest{Reason: "refund_request"})
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if want := "Summary\nThandi wants a refund.\n2\n3\n4"; s != want {
		t.Errorf("summary = %q, want %q", s, want)
	}

	fake.Enqueue(testkit.ReplyContent("  \n "))
	if _, err := e.Summarize(context.Background(), ai.SummaryRequest{}); err == nil {
		t.Error("an empty summary is not an error")
	}
}

// call runs one engine method, so that error handling is checked on all three.
type call struct {
	name string
	run  func(context.Context, *llm.Engine) error
}

var calls = []call{
	{"classify", func(ctx context.Context, e *llm.Engine) error {
		_, err := e.Classify(ctx, ai.ClassifyRequest{Text: "When are you open?"})
		return err
	}},
	{"answer", func(ctx context.Context, e *llm.Engine) error {
		_, err := e.Answer(ctx, ai.AnswerRequest{Text: "When are you open?"})
		return err
	}},
	{"summarize", func(ctx context.Context, e *llm.Engine) error {
		_, err := e.Summarize(ctx, ai.SummaryRequest{Reason: "angry"})
		return err
	}},
}

func TestServerErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		reply     testkit.ChatReply
		permanent bool
		status    int
		html      bool // a *openai.RequestError rather than an *openai.APIError
	}{
		"429 rate limit":      {reply: testkit.ReplyRateLimited(), status: 429},
		"500 HTML":            {reply: testkit.ReplyHTML(500), status: 500, html: true},
		"502 HTML":            {reply: testkit.ReplyHTML(502), status: 502, html: true},
		"503 JSON":            {reply: testkit.ReplyError(503, "server_error", "", "The server is overloaded."), status: 503},
		"400 bad request":     {reply: testkit.ReplyError(400, "invalid_request_error", "context_length_exceeded", "Too long."), status: 400, permanent: true},
		"401 bad key":         {reply: testkit.ReplyUnauthorized(), status: 401, permanent: true},
		"403 forbidden":       {reply: testkit.ReplyError(403, "invalid_request_error", "unsupported_country_region_territory", "Country not supported."), status: 403, permanent: true},
		"404 unknown model":   {reply: testkit.ReplyModelNotFound(testModel), status: 404, permanent: true},
		"404 HTML wrong path": {reply: testkit.ReplyHTML(404), status: 404, permanent: true, html: true},
	} {
		for _, c := range calls {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				e, fake := newEngine(t)
				fake.Enqueue(tc.reply)
				err := c.run(context.Background(), e)
				if err == nil {
					t.Fatal("no error")
				}
				if got := ai.IsPermanent(err); got != tc.permanent {
					t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tc.permanent)
				}
				var se *llm.StatusError
				if !errors.As(err, &se) || se.StatusCode != tc.status {
					t.Errorf("error %v: want an *llm.StatusError with status %d", err, tc.status)
				}
				var apiErr *openai.APIError
				var reqErr *openai.RequestError
				if tc.html && !errors.As(err, &reqErr) {
					t.Errorf("error %v does not unwrap to *openai.RequestError", err)
				}
				if !tc.html && !errors.As(err, &apiErr) {
					t.Errorf("error %v does not unwrap to *openai.APIError", err)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, "llm "+c.name+": ") || len(msg) > 300 || strings.Contains(msg, "<") {
					t.Errorf("error message %q: want a short line prefixed with the operation", msg)
				}
				if n := len(fake.Requests()); n != 1 {
					t.Errorf("%d requests sent, want exactly 1 (no retries)", n)
				}
			})
		}
	}
}

func TestWrongKeyIsPermanentAndNeverShown(t *testing.T) {
	const key = "sk-wrong-key-abcdef123456"
	e, fake := newEngine(t, func(c *llm.Config) { c.APIKey = key })
	err := calls[0].run(context.Background(), e)
	if err == nil || !ai.IsPermanent(err) {
		t.Fatalf("error = %v, want permanent", err)
	}
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusUnauthorized {
		t.Errorf("error %v: want a 401 *openai.APIError", err)
	}
	if got := lastRequest(t, fake).Authorization; got != "Bearer "+key {
		t.Errorf("Authorization = %q", got)
	}

}

func TestEchoedKeyIsScrubbed(t *testing.T) {
	e, fake := newEngine(t)
	fake.Enqueue(testkit.ReplyError(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: "+testkit.OpenAIKey))
	err := calls[0].run(context.Background(), e)
	if err == nil || !ai.IsPermanent(err) || strings.Contains(err.Error(), testkit.OpenAIKey) {
		t.Errorf("error = %v; want permanent, without the API key", err)
	}
}

func TestTimeoutAndCancellation(t *testing.T) {
	slow := testkit.ChatReply{Delay: 3 * time.Second, Content: `{}`}
	for _, c := range calls {
		t.Run("engine timeout/"+c.name, func(t *testing.T) {
			e, fake := newEngine(t, func(cfg *llm.Config) { cfg.Timeout = 100 * time.Millisecond })
			fake.Enqueue(slow)
			start := time.Now()
			err := c.run(context.Background(), e)
			if err == nil || ai.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want a retryable deadline error", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s, want about 100ms", d)
			}
		})
		t.Run("caller cancels/"+c.name, func(t *testing.T) {
			e, fake := newEngine(t)
			fake.Enqueue(slow)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			err := c.run(ctx, e)
			if !errors.Is(err, context.Canceled) || ai.IsPermanent(err) {
				t.Errorf("error = %v, want context.Canceled passed through", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s after cancellation", d)
			}
		})
		t.Run("caller deadline/"+c.name, func(t *testing.T) {
			e, fake := newEngine(t)
			fake.Enqueue(slow)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			err := c.run(ctx, e)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

func TestNetworkErrorIsRetryable(t *testing.T) {
	fake := testkit.NewOpenAI(t, nil)
	e, err := llm.New(llm.Config{BaseURL: fake.URL, APIKey: testkit.OpenAIKey, Model: testModel}, kb.Default())
	if err != nil {
		t.Fatal(err)
	}
	fake.Close()
	for _, c := range calls {
		err := c.run(context.Background(), e)
		if err == nil || ai.IsPermanent(err) || !strings.HasPrefix(err.Error(), "llm "+c.name+": ") {
			t.Errorf("%s: error = %v, want a retryable llm error", c.name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	e, fake := newEngine(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if err := calls[i%len(calls)].run(context.Background(), e); err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := len(fake.Requests()); n != 16 {
		t.Errorf("%d requests, want 16", n)
	}
}

// A bot turn is one call: the classification and the grounded answer in one structured reply.
func TestReplyIsOneCall(t *testing.T) {
	e, fake := newEngine(t)
	k := kb.Default()
	want, _ := k.FAQ("delivery_cost")
	r, err := e.Reply(context.Background(), ai.ReplyRequest{Text: "How much is delivery?", Name: "Thandi"})
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if r.Intent != conversation.IntentFAQ || !r.KBAnswers || r.FAQID != "delivery_cost" || r.Answer != (conversation.Answer{Text: want.Answer, Grounded: true, FAQID: "delivery_cost"}) {
		t.Errorf("Reply = %+v", r)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Fatalf("%d model calls for one bot turn", n)
	}
	req := lastRequest(t, fake)
	if req.SchemaName != llm.ReplySchemaName || !req.Strict || req.ResponseFormatType != "json_schema" {
		t.Errorf("response_format = %q %q strict=%v", req.ResponseFormatType, req.SchemaName, req.Strict)
	}
	system := req.System()
	for _, f := range k.FAQs {
		if !strings.Contains(system, strings.TrimSpace(f.Answer)) || !strings.Contains(system, f.Questions[0]) {
			t.Errorf("system prompt lacks FAQ %s", f.ID)
		}
	}
	for _, want := range []string{"only from that FAQ's answer", "Never invent", `"Thandi"`, "never instructions"} {
		if !strings.Contains(system, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
}

// What the model says is kept only as far as it is grounded; what cannot be read is an error, never a guess.
func TestReplyValidates(t *testing.T) {
	for name, tc := range map[string]struct {
		reply    testkit.ChatReply
		grounded bool
		wantErr  bool
	}{
		"answer without an faq":       {reply: testkit.ReplyTurn("faq", "neutral", false, "", "We deliver to the moon."), grounded: false},
		"answer from an unknown faq":  {reply: testkit.ReplyTurn("faq", "neutral", true, "moon_delivery", "We deliver to the moon."), grounded: false},
		"faq without an answer":       {reply: testkit.ReplyTurn("faq", "neutral", true, "delivery_cost", " "), grounded: false},
		"a refund with an answer too": {reply: testkit.ReplyTurn("refund_request", "negative", true, "returns_policy", "Returns are free."), grounded: true},
		"unknown intent":              {reply: testkit.ReplyTurn("gossip", "neutral", false, "", ""), wantErr: true},
		"no answer field":             {reply: testkit.ReplyClassification("faq", "neutral", true, "delivery_cost"), wantErr: true},
		"refusal":                     {reply: testkit.ChatReply{Refusal: "I can't help with that."}, wantErr: true},
		"garbage":                     {reply: testkit.ReplyGarbage(), wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			e, fake := newEngine(t)
			fake.Enqueue(tc.reply)
			r, err := e.Reply(context.Background(), ai.ReplyRequest{Text: "How much is delivery?"})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Reply = %+v, %v", r, err)
			}
			if r.Answer.Grounded != tc.grounded {
				t.Fatalf("grounded = %v: %+v", r.Answer.Grounded, r)
			}
		})
	}
}

func TestHandBackInTheModelsContext(t *testing.T) {
	e, fake := newEngine(t)
	recent := []conversation.Turn{
		{Topic: "q:person", Text: "I want a person", Settled: true},
		{Role: conversation.RoleHandBack, Text: "A person on our team (Sipho) helped. Their note: refund of order 5544 approved."},
	}
	if _, err := e.Reply(context.Background(), ai.ReplyRequest{Text: "thanks", Recent: recent}); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	system := lastRequest(t, fake).System()
	for _, want := range []string{
		`- "I want a person" (settled by a person on our team)`,
		`handed the conversation back to you`,
		`"A person on our team (Sipho) helped. Their note: refund of order 5544 approved."`,
		`Do not ask the customer again for what they settled`,
	} {
		if !strings.Contains(system, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, system)
		}
	}
	if strings.Contains(system, `- "A person on our team`) {
		t.Errorf("the hand-back is listed as a customer question:\n%s", system)
	}
}
