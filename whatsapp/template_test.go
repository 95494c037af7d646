package whatsapp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSendTemplatePayload(t *testing.T) {
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"27821234567","wa_id":"27821234567"}],"messages":[{"id":"wamid.T1","message_status":"accepted"}]}`)
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "1065", "token", srv.Client())
	id, err := c.SendTemplate(context.Background(), "27821234567", "agent_reply", "en_US", []string{"Your refund\n\tis    on its way"})
	if err != nil || id != "wamid.T1" {
		t.Fatalf("send: %q %v", id, err)
	}
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"27821234567","type":"template","template":{"name":"agent_reply","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Your refund is on its way"}]}]}}`
	if body != want {
		t.Fatalf("payload\n got %s\nwant %s", body, want)
	}
	for _, bad := range [][]string{{""}, {string(make([]rune, MaxTemplateParamLength+1))}} {
		if _, err := c.SendTemplate(context.Background(), "27821234567", "agent_reply", "en", bad); !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("param %q: %v", bad, err)
		}
	}
	if _, err := c.SendTemplate(context.Background(), "27821234567", "", "en", nil); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("no name: %v", err)
	}
}
