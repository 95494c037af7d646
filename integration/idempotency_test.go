package integration

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supportd/supportd/gateway"
	"github.com/supportd/supportd/workflows/conversation"
)

// sendResult is an agent API answer to a reply or a message.
type sendResult struct {
	Code      int
	MessageID string `json:"message_id"`
	Error     string `json:"error"`
}

// sendWithKey posts an agent's reply or message (path under the conversation) with an Idempotency-Key header
// (none when key is empty).
func (s *stack) sendWithKey(path, key string, body any) sendResult {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.base+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+agentToken)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(gateway.IdempotencyKeyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Errorf("POST %s: %v", path, err)
		return sendResult{}
	}
	defer resp.Body.Close()
	out := sendResult{Code: resp.StatusCode}
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return out
}

// sentTexts counts the messages with text that reached the Graph API for phone.
func (s *stack) sentTexts(phone, text string) int {
	n := 0
	for _, m := range s.graph.Messages(phone) {
		if m.Text == text {
			n++
		}
	}
	return n
}

// A reply retried with its Idempotency-Key, one request after the other or both at once, reaches WhatsApp
// once, and every answer is the first one: 200 with the same message id.
func TestReplyRetriedWithOneKeySentOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, refundRequest)
	s.waitStatus(phone, conversation.StatusHandoff)
	if code := s.api("POST", "/api/conversations/"+phone+"/takeover", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("takeover: %d", code)
	}
	path := "/api/conversations/" + phone + "/reply"

	// One after the other.
	reply := map[string]string{"agent": "Sipho", "text": "Your refund is on its way", "source": "console"}
	first := s.sendWithKey(path, "7c0e5d8e-3f0b-4d55-9a43-0d1f6b2a9c11", reply)
	again := s.sendWithKey(path, "7c0e5d8e-3f0b-4d55-9a43-0d1f6b2a9c11", reply)
	if first.Code != http.StatusOK || again.Code != http.StatusOK || first.MessageID == "" || again.MessageID != first.MessageID {
		t.Fatalf("reply and its retry: %+v, %+v; want 200 twice with one message id", first, again)
	}

	// Both at once, while WhatsApp is slow to answer.
	s.graph.SetLatency(300 * time.Millisecond)
	concurrent := map[string]string{"agent": "Sipho", "text": "Could you send a photo of the box?", "source": "console"}
	const tries = 4
	results := make([]sendResult, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Go(func() {
			<-start
			results[i] = s.sendWithKey(path, `"b6f1c2a0-concurrent"`, concurrent)
		})
	}
	close(start)
	wg.Wait()
	s.graph.SetLatency(0)
	for i, r := range results {
		if r.Code != http.StatusOK || r.MessageID == "" || r.MessageID != results[0].MessageID {
			t.Fatalf("concurrent retries with one key: %d: %+v; all: %+v", i, r, results)
		}
	}

	// Another key is another message, even with the same text; no key, likewise.
	if r := s.sendWithKey(path, "second-message", reply); r.Code != http.StatusOK || r.MessageID == first.MessageID {
		t.Fatalf("the same text under a new key: %+v, first %s", r, first.MessageID)
	}
	s.settle(phone, "")
	if n := s.sentTexts(phone, reply["text"]); n != 2 {
		t.Errorf("%q reached WhatsApp %d times, want twice (two keys)", reply["text"], n)
	}
	if n := s.sentTexts(phone, concurrent["text"]); n != 1 {
		t.Errorf("%q, posted %d times at once with one key, reached WhatsApp %d times", concurrent["text"], tries, n)
	}

	// A key that is no key is refused before anything is sent.
	for name, key := range map[string]string{
		"too long":  strings.Repeat("k", 256),
		"not ASCII": "clé-1",
		"a space":   "two words",
		"empty":     `""`,
	} {
		if r := s.sendWithKey(path, key, map[string]string{"agent": "Sipho", "text": "refused: " + name}); r.Code != http.StatusBadRequest {
			t.Errorf("Idempotency-Key %s: %d %q, want 400", name, r.Code, r.Error)
		}
	}
	s.settle(phone, "")
	for _, m := range s.graph.Messages(phone) {
		if strings.HasPrefix(m.Text, "refused: ") {
			t.Errorf("sent despite a malformed key: %q", m.Text)
		}
	}
}

// The message an agent starts a conversation with (POST .../message, an update-with-start) is sent once
// for one Idempotency-Key, as a reply is.
func TestAgentMessageRetriedWithOneKeySentOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	q := s.say(phone, "What are your trading hours?") // opens the 24-hour window
	s.settle(phone, q)
	path := "/api/conversations/" + phone + "/message"
	body := map[string]string{"agent": "Lerato", "text": "Hi, Lerato here: your order shipped today"}
	results := make([]sendResult, 3)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range results {
		wg.Go(func() {
			<-start
			results[i] = s.sendWithKey(path, "msg-2f9d", body)
		})
	}
	close(start)
	wg.Wait()
	again := s.sendWithKey(path, "msg-2f9d", body)
	for i, r := range append(results, again) {
		if r.Code != http.StatusOK || r.MessageID == "" || r.MessageID != results[0].MessageID {
			t.Fatalf("message %d with one key: %+v; all: %+v, then %+v", i, r, results, again)
		}
	}
	s.settle(phone, "")
	if n := s.sentTexts(phone, body["text"]); n != 1 {
		t.Errorf("the agent's message reached WhatsApp %d times, want once", n)
	}
	if c := s.conversation(phone); c.Status != conversation.StatusHandoff || c.Assignee != "Lerato" {
		t.Errorf("after the agent's message: %s %q", c.Status, c.Assignee)
	}
	if r := s.sendWithKey(path, strings.Repeat("k", 300), body); r.Code != http.StatusBadRequest {
		t.Errorf("a key of 300 characters: %d, want 400", r.Code)
	}
}
