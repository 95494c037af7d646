package testkit

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

const (
	bsuidPhone = "27821234567"
	bsuid      = "ZA.13491208655302741918"
)

// TestGraphDropsBSUIDInTo: a BSUID in "to" is answered 200 with a message id, as Meta does, and never
// delivered: not among Messages, no status webhook, but in Dropped.
func TestGraphDropsBSUIDInTo(t *testing.T) {
	sink := &statusSink{secret: "app-secret"}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	g := NewGraph(t)
	g.DeliverStatuses(GraphStatuses{URL: srv.URL, AppSecret: "app-secret"})

	for _, to := range []string{bsuid, "+" + bsuid} {
		status, resp := postGraph(t, g, g.AccessToken(), graphTextBody(to, "into the void"))
		if status != http.StatusOK {
			t.Fatalf("to %s: %d %v, want 200", to, status, resp)
		}
		contact := resp["contacts"].([]any)[0].(map[string]any)
		if contact["wa_id"] != "13491208655302741918" {
			t.Errorf("to %s: contacts = %v, want the BSUID read as a phone number", to, contact)
		}
		if id, _ := resp["messages"].([]any)[0].(map[string]any)["id"].(string); id == "" {
			t.Errorf("to %s: no message id in %v", to, resp)
		}
	}
	if got := g.Messages(""); len(got) != 0 {
		t.Errorf("Messages() = %+v, want none delivered", got)
	}
	if got := g.Messages(bsuid); len(got) != 0 {
		t.Errorf("Messages(bsuid) = %+v, want none delivered", got)
	}
	dropped := g.Dropped()
	if len(dropped) != 2 || dropped[0].To != bsuid || dropped[0].Text != "into the void" {
		t.Errorf("Dropped() = %+v, want the two sends", dropped)
	}
	// A message that is delivered afterwards gets its status; the dropped ones never do.
	if status, resp := postGraph(t, g, g.AccessToken(), graphTextBody(bsuidPhone, "delivered")); status != http.StatusOK {
		t.Fatalf("to a phone: %d %v", status, resp)
	}
	got := g.WaitForStatuses(t, 10*time.Second, "the delivered message's status", func(s []GraphStatusDelivery) bool { return len(s) > 0 })
	for _, st := range got {
		for _, d := range dropped {
			if st.MessageID == d.ID {
				t.Errorf("status %+v for a dropped message", st)
			}
		}
	}
}

func TestGraphRecipient(t *testing.T) {
	g := NewGraph(t)
	send := func(body string) (int, map[string]any) {
		t.Helper()
		return postGraph(t, g, g.AccessToken(), body)
	}
	status, resp := send(`{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"` + bsuid + `","type":"text","text":{"body":"Hi"}}`)
	if status != http.StatusOK {
		t.Fatalf("recipient send: %d %v", status, resp)
	}
	if contact := resp["contacts"].([]any)[0].(map[string]any); contact["user_id"] != bsuid || contact["wa_id"] != nil {
		t.Errorf("contacts = %v, want user_id only", contact)
	}
	got := g.Messages(bsuid)
	if len(got) != 1 || got[0].Recipient != bsuid || got[0].To != "" || got[0].Text != "Hi" {
		t.Errorf("Messages(bsuid) = %+v", got)
	}

	refusals := map[string]string{
		"business_scoped_user_id recipient_type": `{"messaging_product":"whatsapp","recipient_type":"business_scoped_user_id","recipient":"` + bsuid + `","type":"text","text":{"body":"Hi"}}`,
		"recipient that is no BSUID":             `{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"27821234567","type":"text","text":{"body":"Hi"}}`,
		"neither to nor recipient":               `{"messaging_product":"whatsapp","recipient_type":"individual","type":"text","text":{"body":"Hi"}}`,
		"template without language":              `{"messaging_product":"whatsapp","to":"27821234567","type":"template","template":{"name":"t"}}`,
		"template parameter with a new line": `{"messaging_product":"whatsapp","to":"27821234567","type":"template","template":{"name":"t","language":{"code":"en"},` +
			`"components":[{"type":"body","parameters":[{"type":"text","text":"a\nb"}]}]}}`,
	}
	for name, body := range refusals {
		if status, resp := send(body); status != http.StatusBadRequest || graphErrorCode(resp) != 100 {
			t.Errorf("%s: %d %v, want 400 with code 100", name, status, resp)
		}
	}
	if n := len(g.Messages("")); n != 1 {
		t.Errorf("%d messages recorded, want 1", n)
	}
}

func TestGraphLinkedUserAndFailures(t *testing.T) {
	g := NewGraph(t)
	g.LinkUser("+"+bsuidPhone, bsuid)
	g.Fail(GraphFailure{To: bsuid, Times: 1, Code: 131047})
	// The rule for the BSUID catches a send to the linked phone.
	if status, resp := postGraph(t, g, g.AccessToken(), graphTextBody(bsuidPhone, "one")); graphErrorCode(resp) != 131047 {
		t.Fatalf("send to the linked phone: %d %v, want 131047", status, resp)
	}
	status, resp := postGraph(t, g, g.AccessToken(), graphTextBody(bsuidPhone, "two"))
	if status != http.StatusOK {
		t.Fatalf("second send: %d %v", status, resp)
	}
	if contact := resp["contacts"].([]any)[0].(map[string]any); contact["wa_id"] != bsuidPhone || contact["user_id"] != bsuid {
		t.Errorf("contacts = %v, want wa_id and user_id", contact)
	}
	postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","recipient":"`+bsuid+`","type":"text","text":{"body":"three"}}`)
	for _, key := range []string{bsuidPhone, "+" + bsuidPhone, bsuid} {
		if got := graphTexts(g.Messages(key)); !reflect.DeepEqual(got, []string{"two", "three"}) {
			t.Errorf("Messages(%s) = %q, want two and three", key, got)
		}
	}
	if got := g.Messages("27820000000"); len(got) != 0 {
		t.Errorf("Messages(other) = %+v", got)
	}
	g.WaitForMessages(t, bsuid, 2, time.Second)
}

// TestGraphStatusesForBSUIDAndFailures: status webhooks name the BSUID (recipient_user_id) and, when told,
// report a failure in the real errors[] shape.
func TestGraphStatusesForBSUIDAndFailures(t *testing.T) {
	sink := &statusSink{secret: "app-secret"}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	g := NewGraph(t)
	g.LinkUser(bsuidPhone, bsuid)
	g.DeliverStatuses(GraphStatuses{URL: srv.URL, AppSecret: "app-secret"})
	g.FailNextStatus(bsuid, 131049)

	postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","recipient":"`+bsuid+`","type":"text","text":{"body":"one"}}`)
	postGraph(t, g, g.AccessToken(), `{"messaging_product":"whatsapp","recipient":"`+bsuid+`","type":"text","text":{"body":"two"}}`)
	postGraph(t, g, g.AccessToken(), graphTextBody(bsuidPhone, "three"))
	delivered := g.WaitForStatuses(t, 5*time.Second, "three statuses", func(s []GraphStatusDelivery) bool { return len(s) == 3 })
	byStatus := map[string]int{}
	for _, d := range delivered {
		byStatus[d.Status]++
		if d.RecipientUserID != bsuid {
			t.Errorf("delivery %+v, want recipient_user_id %s", d, bsuid)
		}
		if (d.Status == "failed") != (d.ErrorCode == 131049) {
			t.Errorf("delivery %+v: failed iff 131049", d)
		}
	}
	if byStatus["failed"] != 1 || byStatus["sent"] != 2 {
		t.Errorf("statuses %v, want one failed and two sent", byStatus)
	}

	sink.mu.Lock()
	defer sink.mu.Unlock()
	for _, st := range sink.received {
		_, hasPhone := st["recipient_id"]
		if st["recipient_user_id"] != bsuid {
			t.Errorf("status %v has no recipient_user_id", st)
		}
		if st["status"] == "failed" {
			if hasPhone {
				t.Errorf("failed status of a BSUID send names a phone: %v", st)
			}
			e := st["errors"].([]any)[0].(map[string]any)
			if e["code"] != float64(131049) || e["title"] == "" || e["error_data"].(map[string]any)["details"] == "" {
				t.Errorf("failed status errors = %v", st["errors"])
			}
		}
	}
}

func graphTexts(messages []GraphMessage) []string {
	var out []string
	for _, m := range messages {
		out = append(out, m.Text)
	}
	return out
}
