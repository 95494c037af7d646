package whatsapp_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/whatsapp"
)

const customerUserID = "US.13491208655302741918"

// requestBody decodes the request the fake recorded.
func requestBody(t *testing.T, m testkit.GraphMessage) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(m.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body
}

// TestAddressing checks where each send puts the customer: a known phone in "to", a BSUID-only customer in
// "recipient", both never at once (wire-formats.md A8).
func TestAddressing(t *testing.T) {
	tests := []struct {
		name          string
		to            conversation.Address
		wantTo        string
		wantRecipient string
	}{
		{"phone", conversation.Address{Phone: customer}, customer, ""},
		{"phone with plus", conversation.Address{Phone: "+" + customer}, "+" + customer, ""},
		{"bsuid only", conversation.Address{UserID: customerUserID}, "", customerUserID},
		{"both: the phone wins", conversation.Address{Phone: customer, UserID: customerUserID}, customer, ""},
		{"a conversation key that is a phone", conversation.AddressOf(customer), customer, ""},
		{"a conversation key that is a bsuid", conversation.AddressOf(customerUserID), "", customerUserID},
	}
	sends := []struct {
		kind string
		send func(c *whatsapp.Client, t *testing.T, to conversation.Address) (whatsapp.Sent, error)
	}{
		{"text", func(c *whatsapp.Client, t *testing.T, to conversation.Address) (whatsapp.Sent, error) {
			return c.SendTextTo(t.Context(), to, "Hello")
		}},
		{"interactive", func(c *whatsapp.Client, t *testing.T, to conversation.Address) (whatsapp.Sent, error) {
			return c.SendButtonsTo(t.Context(), to, "A person?", []conversation.Button{{ID: "handoff_yes", Title: "Yes"}})
		}},
		{"template", func(c *whatsapp.Client, t *testing.T, to conversation.Address) (whatsapp.Sent, error) {
			return c.SendTemplate(t.Context(), to, whatsapp.Template{Name: "order_update_v1", Language: "en_US", BodyText: "Alex"})
		}},
	}
	for _, tt := range tests {
		for _, s := range sends {
			t.Run(tt.name+"/"+s.kind, func(t *testing.T) {
				g := testkit.NewGraph(t)
				sent, err := s.send(newClient(g), t, tt.to)
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				got := g.Messages("")
				if len(got) != 1 || got[0].ID != sent.MessageID || got[0].Type != s.kind {
					t.Fatalf("fake recorded %+v, want one %s with id %s", got, s.kind, sent.MessageID)
				}
				body := requestBody(t, got[0])
				if body["recipient_type"] != "individual" {
					t.Errorf("recipient_type = %v, want individual", body["recipient_type"])
				}
				to, hasTo := body["to"]
				recipient, hasRecipient := body["recipient"]
				if hasTo != (tt.wantTo != "") || hasRecipient != (tt.wantRecipient != "") ||
					(hasTo && to != tt.wantTo) || (hasRecipient && recipient != tt.wantRecipient) {
					t.Errorf("request to=%v recipient=%v, want to=%q recipient=%q", to, recipient, tt.wantTo, tt.wantRecipient)
				}
				if len(g.Dropped()) != 0 {
					t.Errorf("fake dropped %+v", g.Dropped())
				}
			})
		}
	}
}

// TestBSUIDNeverInTo: a BSUID where a phone belongs is refused before sending, whichever function is used.
func TestBSUIDNeverInTo(t *testing.T) {
	g := testkit.NewGraph(t)
	c := newClient(g)
	_, err1 := c.SendText(t.Context(), customerUserID, "Hello")
	_, err2 := c.SendButtons(t.Context(), "+"+customerUserID, "A person?", []conversation.Button{{ID: "y", Title: "Yes"}})
	_, err3 := c.SendTextTo(t.Context(), conversation.Address{Phone: customerUserID, UserID: customerUserID}, "Hello")
	_, err4 := c.SendTemplate(t.Context(), conversation.Address{UserID: "not a bsuid"}, whatsapp.Template{Name: "t", Language: "en"})
	_, err5 := c.SendTextTo(t.Context(), conversation.Address{}, "Hello")
	for i, err := range []error{err1, err2, err3, err4, err5} {
		if !errors.Is(err, whatsapp.ErrInvalidMessage) || whatsapp.IsRetryable(err) || !whatsapp.IsRefused(err) {
			t.Errorf("send %d: error %v, want a refused ErrInvalidMessage", i+1, err)
		}
		if err != nil && strings.Contains(err.Error(), customerUserID) {
			t.Errorf("send %d: error quotes the identifier: %v", i+1, err)
		}
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("fake got %d requests, want none", n)
	}
}

func TestSendTemplateBody(t *testing.T) {
	g := testkit.NewGraph(t)
	sent, err := newClient(g).SendTemplate(t.Context(), conversation.Address{Phone: customer},
		whatsapp.Template{Name: "order_update_v1", Language: "en_US", BodyText: "Alex"})
	if err != nil {
		t.Fatalf("SendTemplate: %v", err)
	}
	if sent.MessageStatus != "accepted" || sent.WaID != customer {
		t.Errorf("Sent = %+v, want accepted for %s", sent, customer)
	}
	m := g.Messages(customer)[0]
	if m.Template != "order_update_v1" || m.TemplateLanguage != "en_US" || !reflect.DeepEqual(m.TemplateParams, []string{"Alex"}) {
		t.Errorf("fake recorded %+v", m)
	}
	want := map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": customer, "type": "template",
		"template": map[string]any{"name": "order_update_v1", "language": map[string]any{"code": "en_US"},
			"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Alex"}}}}},
	}
	if body := requestBody(t, m); !reflect.DeepEqual(body, want) {
		t.Errorf("request body = %v, want %v", body, want)
	}

	// Without a parameter the template goes without components.
	if _, err := newClient(g).SendTemplate(t.Context(), conversation.Address{UserID: customerUserID},
		whatsapp.Template{Name: "hello_world", Language: "en_US"}); err != nil {
		t.Fatalf("SendTemplate without parameter: %v", err)
	}
	if body := requestBody(t, g.Messages(customerUserID)[0]); body["template"].(map[string]any)["components"] != nil {
		t.Errorf("template without parameter has components: %v", body)
	}
}

func TestTemplateLimitsAreRefusedBeforeSending(t *testing.T) {
	g := testkit.NewGraph(t)
	to := conversation.Address{Phone: customer}
	for name, tpl := range map[string]whatsapp.Template{
		"no name":            {Language: "en_US"},
		"long name":          {Name: strings.Repeat("a", whatsapp.MaxTemplateNameLength+1), Language: "en_US"},
		"no language":        {Name: "t"},
		"long parameter":     {Name: "t", Language: "en_US", BodyText: strings.Repeat("é", whatsapp.MaxTemplateParameterLength+1)},
		"new line":           {Name: "t", Language: "en_US", BodyText: "a\nb"},
		"tab":                {Name: "t", Language: "en_US", BodyText: "a\tb"},
		"five spaces in row": {Name: "t", Language: "en_US", BodyText: "a     b"},
		"blank parameter":    {Name: "t", Language: "en_US", BodyText: "   "},
	} {
		if _, err := newClient(g).SendTemplate(t.Context(), to, tpl); !errors.Is(err, whatsapp.ErrInvalidMessage) {
			t.Errorf("%s: error %v, want ErrInvalidMessage", name, err)
		}
	}
	if n := g.Requests(); n != 0 {
		t.Errorf("fake got %d requests, want none", n)
	}
	if _, err := newClient(g).SendTemplate(t.Context(), to, whatsapp.Template{Name: "t", Language: "en_US",
		BodyText: strings.Repeat("é", whatsapp.MaxTemplateParameterLength)}); err != nil {
		t.Errorf("parameter at the limit: %v", err)
	}
}

// TestSentCarriesTheResolvedContact: the send response's contacts[] (wa_id, user_id) reach the caller.
func TestSentCarriesTheResolvedContact(t *testing.T) {
	g := testkit.NewGraph(t)
	g.LinkUser(customer, customerUserID)
	sent, err := newClient(g).SendTextTo(t.Context(), conversation.Address{Phone: customer}, "Hello")
	if err != nil {
		t.Fatal(err)
	}
	if sent.WaID != customer || sent.UserID != customerUserID {
		t.Errorf("Sent = %+v, want wa_id %s and user_id %s", sent, customer, customerUserID)
	}
	sent, err = newClient(g).SendTextTo(t.Context(), conversation.Address{UserID: customerUserID}, "Hello")
	if err != nil {
		t.Fatal(err)
	}
	if sent.WaID != "" || sent.UserID != customerUserID {
		t.Errorf("Sent to the BSUID = %+v, want user_id %s only", sent, customerUserID)
	}
	// Either identifier finds both messages.
	if a, b := len(g.Messages(customer)), len(g.Messages(customerUserID)); a != 2 || b != 2 {
		t.Errorf("Messages(phone) = %d, Messages(bsuid) = %d, want 2 and 2", a, b)
	}
}
