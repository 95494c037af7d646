package simulator

import (
	"context"
	"github.com/supportd/supportd/workflows/conversation"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/whatsapp"
)

func newOutbox(t *testing.T) (*Outbox, *miniredis.Miniredis) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return NewOutbox(rdb), mr
}

func TestOutboxKeepsWhatsAppLimits(t *testing.T) {
	o, _ := newOutbox(t)
	ctx := context.Background()
	if _, err := o.SendText(ctx, conversation.AddressOf("27820000001"), strings.Repeat("a", 4097)); o.Classify(err) != conversation.SendRejected {
		t.Fatalf("over-long text: %v", err)
	}
	four := []conversation.Button{{ID: "a", Title: "a"}, {ID: "b", Title: "b"}, {ID: "c", Title: "c"}, {ID: "d", Title: "d"}}
	if _, err := o.SendButtons(ctx, conversation.AddressOf("27820000001"), "pick", four); o.Classify(err) != conversation.SendRejected {
		t.Fatalf("four buttons: %v", err)
	}
	if _, err := o.SendButtons(ctx, conversation.AddressOf("27820000001"), "pick", []conversation.Button{{ID: "a", Title: "a title over twenty chars"}}); err == nil {
		t.Fatal("long button title accepted")
	}
	if _, err := o.SendText(ctx, conversation.AddressOf("27820000001"), "hello"); err != nil {
		t.Fatal(err)
	}
	msgs, err := o.Messages(ctx, "27820000001", 0)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "hello" || msgs[0].From != "business" {
		t.Fatalf("messages %+v %v", msgs, err)
	}
}

func TestSequenceGrowsAcrossRestarts(t *testing.T) {
	o, mr := newOutbox(t)
	ctx := context.Background()
	if _, err := o.SendText(ctx, conversation.AddressOf("27820000001"), "before"); err != nil {
		t.Fatal(err)
	}
	before, _ := o.Messages(ctx, "27820000001", 0)
	mr.FlushAll() // an embedded Redis starts empty after a restart
	if _, err := o.SendText(ctx, conversation.AddressOf("27820000001"), "after"); err != nil {
		t.Fatal(err)
	}
	after, _ := o.Messages(ctx, "27820000001", before[0].Seq)
	if len(after) != 1 || after[0].Text != "after" {
		t.Fatalf("a page polling after %d misses the new message: %+v", before[0].Seq, after)
	}
}

func TestSendDrivesTheWebhookPath(t *testing.T) {
	o, _ := newOutbox(t)
	var got *whatsapp.Notification
	webhook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := whatsapp.VerifySignature("secret", body, r.Header.Get(whatsapp.SignatureHeader)); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		n, err := whatsapp.Parse(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got = n
	})
	h := &Handler{Page: http.NotFoundHandler(), Outbox: o, AppSecret: "secret", Webhook: webhook}
	post := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/send", strings.NewReader(body)))
		return rec
	}
	if rec := post(`{"phone":"27820000001","name":"Thandi","text":"hi"}`); rec.Code != http.StatusOK {
		t.Fatalf("send: %d %s", rec.Code, rec.Body)
	}
	if m := got.Messages(); len(m) != 1 || m[0].Text != "hi" || m[0].From != "27820000001" || m[0].Name != "Thandi" {
		t.Fatalf("webhook carried %+v", m)
	}
	if rec := post(`{"phone":"27820000001","button_id":"handoff_yes","button_title":"Yes, a person"}`); rec.Code != http.StatusOK {
		t.Fatalf("button: %d", rec.Code)
	}
	if m := got.Messages(); m[0].ButtonID != "handoff_yes" {
		t.Fatalf("button tap carried %+v", m)
	}
	for _, bad := range []string{`{"phone":"abc","text":"hi"}`, `{"phone":"27820000001","text":"  "}`, `not json`} {
		if rec := post(bad); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
	h.AppSecret = "wrong"
	if rec := post(`{"phone":"27820000001","text":"hi"}`); rec.Code != http.StatusBadGateway {
		t.Fatalf("a refused webhook must be reported: %d", rec.Code)
	}
}
