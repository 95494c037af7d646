package integration

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestFAQAnsweredFromKnowledgeBase(t *testing.T) {
	t.Parallel()
	for _, engine := range []struct {
		name string
		opts []stackOption
	}{{"local", nil}, {"llm", []stackOption{withOpenAI()}}} {
		t.Run(engine.name, func(t *testing.T) {
			s := newStack(t, engine.opts...)
			phone := newPhone()
			id := s.say(phone, "What are your trading hours?")
			want, _ := s.kb.FAQ("trading_hours")
			got := s.graph.WaitForMessages(t, phone, 1, 20*time.Second)
			if !strings.Contains(got[0].Text, want.Answer) {
				t.Fatalf("answer %q does not carry the knowledge base's %q", got[0].Text, want.Answer)
			}
			s.settle(phone, id) // the read receipt goes out with the answer's send, or with the model call
			read := false
			for _, r := range s.graph.Reads() {
				read = read || r.MessageID == id
			}
			if !read {
				t.Errorf("the customer's message was not marked read: %+v", s.graph.Reads())
			}
			eventually(t, 10*time.Second, func() bool {
				c := s.conversation(phone)
				return c.Status == conversation.StatusActive && len(c.Transcript) == 2 && c.Transcript[1].From == conversation.FromBot
			}, "the answer in the transcript")
			if v, _ := s.rdb.Get(context.Background(), store.StatusKey(phone)).Result(); v != "active" {
				t.Fatalf("chat_status = %q", v)
			}
			if engine.name == "llm" && len(s.openai.Requests()) != 1 {
				t.Fatalf("one model call per answer, got %d", len(s.openai.Requests()))
			}
		})
	}
}

func TestRefundHandedOffAndNeverAnsweredByBot(t *testing.T) {
	t.Parallel()
	s := newStack(t, withOpenAI())
	phone := newPhone()
	s.say(phone, "I want a refund for order 5544")
	msgs := s.graph.WaitForMessages(t, phone, 1, 20*time.Second)
	if !strings.Contains(msgs[0].Text, "person") {
		t.Fatalf("customer not told a person takes over: %q", msgs[0].Text)
	}
	c := s.waitStatus(phone, conversation.StatusHandoff)
	if c.HandoffReason != handoff.ReasonRefund {
		t.Fatalf("reason %q", c.HandoffReason)
	}
	eventually(t, 20*time.Second, func() bool { return s.conversation(phone).Summary != "" }, "the agent's summary")

	s.say(phone, "What are your trading hours?")
	s.say(phone, "hello??")
	s.quiet(phone, 1)

	ctx := context.Background()
	v, _ := s.rdb.Get(ctx, store.StatusKey(phone)).Result()
	ttl, _ := s.rdb.TTL(ctx, store.StatusKey(phone)).Result()
	if v != "paused" || ttl <= 0 {
		t.Fatalf("chat_status = %q with ttl %v, want paused with an expiry", v, ttl)
	}
	// The Temporal UI can list the conversation by its status.
	eventually(t, 20*time.Second, func() bool {
		var list []conversation.Snapshot
		if s.api("GET", "/api/conversations?status=handoff", nil, &list) != http.StatusOK {
			return false
		}
		for _, c := range list {
			if c.Phone == phone {
				return true
			}
		}
		return false
	}, "the conversation in the handoff list")
	eventually(t, 20*time.Second, func() bool {
		n, err := s.temporal().CountWorkflow(ctx, countRequest{Query: "SupportStatus = 'handoff' AND CustomerPhone = '" + phone + "'"}.proto(s.cfg.TemporalNamespace))
		return err == nil && n.GetCount() == 1
	}, "SupportStatus=handoff in Temporal visibility")
	c = s.conversation(phone)
	var customer int
	for _, e := range c.Transcript {
		if e.From == conversation.FromCustomer {
			customer++
		}
	}
	if customer != 3 {
		t.Fatalf("customer messages lost: %+v", c.Transcript)
	}
}

func TestSameWebhookThreeTimesAtOnceAnsweredOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	body := s.hook.Body(s.hook.Text(phone, "How much is delivery?"))
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = s.post(body)
		}(i)
	}
	wg.Wait()
	for _, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("codes %v", codes)
		}
	}
	s.graph.WaitForMessages(t, phone, 1, 20*time.Second)
	s.post(body) // and once more, later
	s.quiet(phone, 1)
}

func TestBadSignatureRefusedWithNothingSent(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	body := s.hook.Body(s.hook.Text(phone, "I want a refund"))
	for name, sig := range map[string]string{
		"missing":   "",
		"wrong":     "sha256=" + strings.Repeat("ab", 32),
		"other key": testkitSign("not-the-secret", body),
		"no prefix": strings.TrimPrefix(testkitSign(appSecret, body), "sha256="),
	} {
		req, _ := http.NewRequest("POST", s.base+"/webhooks/whatsapp", bytes.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signature: %d", name, resp.StatusCode)
		}
	}
	// A body signed before it was tampered with.
	tampered := bytes.Replace(body, []byte("refund"), []byte("rufund"), 1)
	req, _ := http.NewRequest("POST", s.base+"/webhooks/whatsapp", bytes.NewReader(tampered))
	req.Header.Set("X-Hub-Signature-256", testkitSign(appSecret, body))
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered body: %d", resp.StatusCode)
	}
	// The refusals were final: the gateway does nothing more after answering them.
	if n := len(s.graph.Messages("")); n != 0 {
		t.Fatalf("%d messages sent after refused webhooks", n)
	}
	_, err := s.temporal().DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(phone), "")
	var nf *serviceerror.NotFound
	if !errorsAs(err, &nf) {
		t.Fatalf("a conversation was started by a refused webhook: %v", err)
	}
}

func TestMalformedAndOversizedBodies(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for name, tc := range map[string]struct {
		body []byte
		want int
	}{
		"not json":     {[]byte(`{"object":`), http.StatusBadRequest},
		"wrong object": {[]byte(`{"object":"page","entry":[]}`), http.StatusBadRequest},
		"over 4 MiB":   {append([]byte(`{"object":"whatsapp_business_account","entry":[],"pad":"`), append(bytes.Repeat([]byte("a"), 4<<20), '"', '}')...), http.StatusRequestEntityTooLarge},
	} {
		if got := s.post(tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
}

func TestSubscriptionCheck(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", 403, ""},
		{"hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
	} {
		resp, err := http.Get(s.base + "/webhooks/whatsapp?" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || (tc.body != "" && b.String() != tc.body) {
			t.Errorf("%s: %d %q", tc.query, resp.StatusCode, b.String())
		}
		if tc.code == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("challenge served as %q", resp.Header.Get("Content-Type"))
		}
	}
}

func TestBatchStatusesAndOtherTypes(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	a, b := newPhone(), newPhone()
	body := s.hook.BodyPerEntry(
		s.hook.Text(a, "Where are you located?"),
		s.hook.Status("wamid.HBgLold", a, "delivered"),
		s.hook.VoiceNote(b),
		s.hook.Message(b, "poll_update", map[string]any{"x": 1}),
		s.hook.Reaction(a, "wamid.HBgLold", "👍"),
	)
	if code := s.post(body); code != http.StatusOK {
		t.Fatalf("batch answered %d", code)
	}
	if got := s.graph.WaitForMessages(t, a, 1, 20*time.Second); !strings.Contains(got[0].Text, "Baobab Avenue") {
		t.Fatalf("location answer: %q", got[0].Text)
	}
	got := s.graph.WaitForMessages(t, b, 2, 20*time.Second)
	if !strings.Contains(got[0].Text, "voice notes") || !strings.Contains(got[1].Text, "can't read that kind of message") {
		t.Fatalf("non-text replies: %q / %q", got[0].Text, got[1].Text)
	}
	s.quiet(a, 1) // the status and the reaction are not answered
}

func TestGraphErrorsRetriedOrNot(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.graph.FailNext(2, http.StatusInternalServerError, 131000)
	s.say(phone, "What are your trading hours?")
	s.graph.WaitForMessages(t, phone, 1, 30*time.Second)
	if n := s.graph.Requests(); n < 3 {
		t.Fatalf("500s not retried: %d requests", n)
	}

	closed := newPhone()
	s.graph.CloseWindow(closed)
	before, readsBefore := s.graph.Requests(), len(s.graph.Reads())
	sends := func() int { return s.graph.Requests() - before - (len(s.graph.Reads()) - readsBefore) }
	s.settle(closed, s.say(closed, "What are your trading hours?"))
	if n := sends(); n != 1 {
		t.Fatalf("131047 retried: %d attempts", n)
	}
}

func TestAgentAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, "Hi")
	s.graph.WaitForMessages(t, phone, 1, 20*time.Second)

	var e struct{ Error string }
	// Authentication.
	req, _ := http.NewRequest("GET", s.base+"/api/conversations", nil)
	req.Header.Set("Authorization", "Bearer nope")
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	if code := s.api("GET", "/api/conversations/27000000000", nil, &e); code != http.StatusNotFound {
		t.Fatalf("unknown number: %d %q", code, e.Error)
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "hello"}, &e); code != http.StatusConflict {
		t.Fatalf("reply while the bot holds it: %d %q", code, e.Error)
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/takeover", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("takeover: %d", code)
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/takeover", map[string]string{"agent": "Lerato"}, &e); code != http.StatusConflict || !strings.Contains(e.Error, "Sipho") {
		t.Fatalf("second takeover: %d %q", code, e.Error)
	}
	for name, body := range map[string]map[string]string{
		"empty":    {"agent": "Sipho", "text": "   "},
		"too long": {"agent": "Sipho", "text": strings.Repeat("é", 4097)},
		"no agent": {"text": "hello"},
	} {
		if code := s.api("POST", "/api/conversations/"+phone+"/reply", body, &e); code != http.StatusBadRequest {
			t.Errorf("%s reply: %d %q", name, code, e.Error)
		}
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "Hi, Sipho here"}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	msgs := s.graph.WaitForMessages(t, phone, 3, 20*time.Second)
	if msgs[2].Text != "Hi, Sipho here" {
		t.Fatalf("agent reply not sent: %+v", msgs)
	}
	var list []conversation.Snapshot
	if code := s.api("GET", "/api/conversations?status=handoff", nil, &list); code != http.StatusOK || !hasPhone(list, phone) {
		t.Fatalf("handoff list: %d %+v", code, list)
	}
	if code := s.api("GET", "/api/conversations?status=bogus", nil, &e); code != http.StatusBadRequest {
		t.Fatalf("bad status filter: %d", code)
	}
	var c conversation.Snapshot
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, &c); code != http.StatusOK || c.Status != conversation.StatusActive {
		t.Fatalf("return: %d %+v", code, c)
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, &e); code != http.StatusConflict {
		t.Fatalf("second return: %d", code)
	}
	s.say(phone, "How much is delivery?")
	msgs = s.graph.WaitForMessages(t, phone, 5, 20*time.Second)
	if !strings.Contains(msgs[4].Text, "R99") {
		t.Fatalf("bot did not answer after the return: %+v", msgs[4])
	}
}

// TestSimulatorNotServedWithWhatsAppCredentials: with a WhatsApp access token the simulator, which signs
// webhooks with the app secret, must not be reachable.
func TestSimulatorNotServedWithWhatsAppCredentials(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, path := range []string{"/simulator/", "/simulator/api/messages?phone=27820000001"} {
		if code, _ := s.get(path); code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	if code, body := s.get("/agent/"); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Errorf("GET /agent/: %d", code)
	}
}

func hasPhone(list []conversation.Snapshot, phone string) bool {
	for _, c := range list {
		if c.Phone == phone {
			return true
		}
	}
	return false
}
