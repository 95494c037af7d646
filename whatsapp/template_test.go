package whatsapp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows/conversation"
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
	c := whatsapp.NewClient(srv.URL, "1065", "token", srv.Client())
	sent, err := c.SendTemplate(t.Context(), conversation.Address{Phone: "27821234567"},
		whatsapp.Template{Name: "agent_reply", Language: "en_US", BodyText: whatsapp.TemplateText("Your refund\n\tis    on its way")})
	if err != nil || sent.MessageID != "wamid.T1" {
		t.Fatalf("send: %+v %v", sent, err)
	}
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"27821234567","type":"template","template":{"name":"agent_reply","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Your refund is on its way"}]}]}}`
	if body != want {
		t.Fatalf("payload\n got %s\nwant %s", body, want)
	}
}
