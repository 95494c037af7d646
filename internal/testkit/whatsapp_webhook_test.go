package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSignWhatsAppVector(t *testing.T) {
	// The test vector of wire-formats.md A3.
	got := SignWhatsApp("test_app_secret", []byte(`{"object":"whatsapp_business_account","entry":[]}`))
	if want := "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"; got != want {
		t.Errorf("SignWhatsApp = %s, want %s", got, want)
	}
}

// decodeValue returns entry[0].changes[0].value of a body.
func decodeWhatsAppValue(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var n struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      string `json:"id"`
			Changes []struct {
				Field string         `json:"field"`
				Value map[string]any `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	if n.Object != "whatsapp_business_account" || n.Entry[0].ID == "" || n.Entry[0].Changes[0].Field != "messages" {
		t.Fatalf("envelope wrong: %s", body)
	}
	return n.Entry[0].Changes[0].Value
}

func TestWhatsAppWebhookEscapesLikeMeta(t *testing.T) {
	w := NewWhatsAppWebhook("secret")
	text := "Héllo 👍 </b> & a/b \"quoted\""
	body := w.Body(w.Text("16505551234", text))
	for _, b := range body {
		if b >= 0x80 {
			t.Fatalf("body has a non-ASCII byte: %s", body)
		}
	}
	for _, want := range []string{`H\u00e9llo \ud83d\udc4d <\/b> & a\/b \"quoted\"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
	value := decodeWhatsAppValue(t, body)
	message := value["messages"].([]any)[0].(map[string]any)
	if got := message["text"].(map[string]any)["body"]; got != text {
		t.Errorf("decoded text = %q, want %q", got, text)
	}
	if _, ok := message["timestamp"].(string); !ok {
		t.Errorf("timestamp %v is not a string", message["timestamp"])
	}
	if !strings.HasPrefix(string(body), `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":`) {
		t.Errorf("fields out of Meta's order:\n%s", body)
	}
}

func TestWhatsAppWebhookShapes(t *testing.T) {
	w := NewWhatsAppWebhook("secret")
	from := "27821234567"
	first, second := w.Text(from, "one"), w.Text(from, "two")
	if first.ID == second.ID || !strings.HasPrefix(first.ID, "wamid.") {
		t.Fatalf("ids %q and %q are not distinct wamids", first.ID, second.ID)
	}
	username := w.Text("", "hello")
	username.UserID = "IN.1410018717833190"
	removed := w.Reaction(from, "wamid.OURS", "")
	button := w.ButtonReply(from, "wamid.OFFER", "handoff_yes", "Yes")
	unsupported := w.Unsupported(from, "poll_update")

	value := decodeWhatsAppValue(t, w.Body(first, second, username, removed, button, unsupported,
		w.Status("wamid.OUT", from, "sent"), w.FailedStatus("wamid.OUT2", from, 131047)))
	contacts := value["contacts"].([]any)
	if len(contacts) != 2 {
		t.Errorf("contacts = %v, want one per sender", contacts)
	}
	if c := contacts[1].(map[string]any); c["user_id"] != "IN.1410018717833190" || c["wa_id"] != nil {
		t.Errorf("username contact = %v, want user_id and no wa_id", c)
	}
	messages := value["messages"].([]any)
	if m := messages[2].(map[string]any); m["from"] != nil || m["from_user_id"] != "IN.1410018717833190" {
		t.Errorf("username message = %v, want from_user_id and no from", m)
	}
	if r := messages[3].(map[string]any)["reaction"].(map[string]any); r["emoji"] != nil || r["message_id"] != "wamid.OURS" {
		t.Errorf("removed reaction = %v, want no emoji", r)
	}
	b := messages[4].(map[string]any)
	if b["context"].(map[string]any)["id"] != "wamid.OFFER" ||
		b["interactive"].(map[string]any)["button_reply"].(map[string]any)["id"] != "handoff_yes" {
		t.Errorf("button reply = %v", b)
	}
	if u := messages[5].(map[string]any); u["errors"].([]any)[0].(map[string]any)["code"] != 131051.0 {
		t.Errorf("unsupported = %v, want error 131051", u)
	}
	statuses := value["statuses"].([]any)
	if s := statuses[0].(map[string]any); s["conversation"] == nil || s["pricing"] == nil {
		t.Errorf("sent status = %v, want conversation and pricing", s)
	}
	if s := statuses[1].(map[string]any); s["status"] != "failed" || s["errors"].([]any)[0].(map[string]any)["code"] != 131047.0 {
		t.Errorf("failed status = %v, want error 131047", s)
	}

	var perEntry struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(w.BodyPerEntry(first, second, w.Status("wamid.OUT", from, "read")), &perEntry); err != nil || len(perEntry.Entry) != 3 {
		t.Errorf("BodyPerEntry gave %d entries (%v), want 3", len(perEntry.Entry), err)
	}
}

func TestWhatsAppWebhookDelivery(t *testing.T) {
	w := NewWhatsAppWebhook("secret")
	body := w.Body(w.Text("16505551234", "hi"))
	var gotSignature, gotType string
	var gotBody []byte
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		gotSignature, gotType = r.Header.Get("X-Hub-Signature-256"), r.Header.Get("Content-Type")
		gotBody, _ = io.ReadAll(r.Body)
		rw.WriteHeader(http.StatusAccepted)
		_, _ = rw.Write([]byte("ok"))
	}))
	defer server.Close()

	status, response := w.Post(t, server.URL+"/webhooks/whatsapp", body)
	if status != http.StatusAccepted || response != "ok" {
		t.Errorf("Post = %d %q", status, response)
	}
	if !bytes.Equal(gotBody, body) || gotSignature != SignWhatsApp("secret", body) || gotType != "application/json" {
		t.Errorf("server got signature %q, type %q, body %s", gotSignature, gotType, gotBody)
	}

	// A request built for a handler directly.
	req := w.SignedRequest("/webhooks/whatsapp", body)
	if req.Header.Get("X-Hub-Signature-256") != SignWhatsApp("secret", body) || req.URL.Path != "/webhooks/whatsapp" {
		t.Errorf("SignedRequest = %v %v", req.URL, req.Header)
	}
}

func TestWhatsAppMessageTimestamp(t *testing.T) {
	w := NewWhatsAppWebhook("secret")
	m := w.Text("1", "hi")
	m.Timestamp = time.Unix(1739321024, 0)
	message := decodeWhatsAppValue(t, w.Body(m))["messages"].([]any)[0].(map[string]any)
	if message["timestamp"] != "1739321024" {
		t.Errorf("timestamp = %v, want \"1739321024\"", message["timestamp"])
	}
}
