package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// statusSink is a business webhook endpoint that checks signatures and keeps the statuses it accepts.
type statusSink struct {
	mu       sync.Mutex
	secret   string
	refuse   int // answer this many posts 500 first
	posts    int
	received []map[string]any
}

func (s *statusSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	if r.Header.Get("X-Hub-Signature-256") != SignWhatsApp(s.secret, body) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if s.refuse > 0 {
		s.refuse--
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	var n struct {
		Entry []struct {
			Changes []struct {
				Value struct {
					Metadata struct {
						PhoneNumberID string `json:"phone_number_id"`
					} `json:"metadata"`
					Statuses []map[string]any `json:"statuses"`
				} `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			for _, st := range c.Value.Statuses {
				st["phone_number_id"] = c.Value.Metadata.PhoneNumberID
				s.received = append(s.received, st)
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

func sendTagged(t *testing.T, g *Graph, to, tag string) string {
	t.Helper()
	status, resp := postGraph(t, g, g.AccessToken(),
		`{"messaging_product":"whatsapp","to":"`+to+`","type":"text","text":{"body":"hi"},"biz_opaque_callback_data":"`+tag+`"}`)
	if status != http.StatusOK {
		t.Fatalf("send: %d %v", status, resp)
	}
	return resp["messages"].([]any)[0].(map[string]any)["id"].(string)
}

func TestGraphDeliversSignedStatusesEchoingCallbackData(t *testing.T) {
	sink := &statusSink{secret: "app-secret", refuse: 2}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	g := NewGraph(t)
	g.DeliverStatuses(GraphStatuses{URL: srv.URL, AppSecret: "app-secret", Statuses: []string{"sent", "delivered", "read"}})

	id := sendTagged(t, g, "+16505551234", "tag-1")
	got := g.WaitForStatuses(t, 10*time.Second, "three statuses", func(d []GraphStatusDelivery) bool { return len(d) == 3 })
	for i, want := range []string{"sent", "delivered", "read"} {
		if got[i].Status != want || got[i].MessageID != id || got[i].CallbackData != "tag-1" || got[i].RecipientID != "16505551234" {
			t.Errorf("delivery %d = %+v, want %s of %s", i, got[i], want, id)
		}
	}
	if got[0].Attempts != 3 {
		t.Errorf("first status took %d attempts, want 3 (two refused)", got[0].Attempts)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.received) != 3 {
		t.Fatalf("sink accepted %d statuses, want 3", len(sink.received))
	}
	first := sink.received[0]
	if first["id"] != id || first["status"] != "sent" || first["recipient_id"] != "16505551234" ||
		first["biz_opaque_callback_data"] != "tag-1" || first["phone_number_id"] != g.PhoneNumberID() {
		t.Errorf("sent status on the wire = %v", first)
	}
	if _, ok := first["timestamp"].(string); !ok {
		t.Errorf("timestamp %v is not a string", first["timestamp"])
	}
}

func TestGraphStatusesReversedAndRedirected(t *testing.T) {
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusServiceUnavailable)
	}))
	defer old.Close()
	sink := &statusSink{secret: "s"}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	g := NewGraph(t)
	g.DeliverStatuses(GraphStatuses{URL: old.URL, AppSecret: "s", Statuses: []string{"sent", "read"}, Reverse: true})
	sendTagged(t, g, "16505551234", "tag-2")
	g.SetStatusURL(srv.URL)
	got := g.WaitForStatuses(t, 10*time.Second, "two statuses", func(d []GraphStatusDelivery) bool { return len(d) == 2 })
	if got[0].Status != "read" || got[1].Status != "sent" {
		t.Errorf("order = %s, %s; want read, sent", got[0].Status, got[1].Status)
	}
}

func TestGraphHangsAfterRecordingTheMessage(t *testing.T) {
	sink := &statusSink{secret: "s"}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	g := NewGraph(t)
	g.DeliverStatuses(GraphStatuses{URL: srv.URL, AppSecret: "s"})
	g.HangNext(1)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, g.URL()+"/"+g.PhoneNumberID()+"/messages",
		strings.NewReader(`{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"},"biz_opaque_callback_data":"tag-3"}`))
	req.Header.Set("Authorization", "Bearer "+g.AccessToken())
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the hung send was answered %d", resp.StatusCode)
	}
	if n := len(g.Messages("16505551234")); n != 1 || g.Hung() != 1 {
		t.Fatalf("recorded %d messages, %d hung; want 1 and 1", n, g.Hung())
	}
	g.WaitForStatuses(t, 10*time.Second, "the sent status", func(d []GraphStatusDelivery) bool {
		return len(d) == 1 && d[0].CallbackData == "tag-3"
	})
	// Only the next message hangs.
	sendTagged(t, g, "16505551234", "tag-4")
}
