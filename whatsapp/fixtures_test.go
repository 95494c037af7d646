package whatsapp_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// parsed is everything a notification yields.
type parsed struct {
	messages []whatsapp.Message
	echoes   []whatsapp.Echo
	syncs    []whatsapp.Sync
	statuses []whatsapp.Status
	errors   []whatsapp.Error
	// describe is what each message, then each echo, shows in the transcript.
	describe []string
}

func parseAll(t *testing.T, body []byte) parsed {
	t.Helper()
	n, err := whatsapp.Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	p := parsed{messages: n.Messages(), echoes: n.Echoes(), syncs: n.Syncs(), statuses: n.Statuses(), errors: n.Errors()}
	for _, m := range p.messages {
		p.describe = append(p.describe, m.Describe())
	}
	for _, e := range p.echoes {
		p.describe = append(p.describe, e.Describe())
	}
	return p
}

const (
	phoneNumberID = "106540352242922"
	sipho         = "27821234567"
	siphoUserID   = "ZA.13491208655302741918"
)

// TestParseFixtures checks the 2026 shapes (wire-formats.md A2, A8, A9) in testdata, field by field.
func TestParseFixtures(t *testing.T) {
	healthy := whatsapp.Error{Code: 131049, Title: "This message was not delivered to maintain healthy ecosystem engagement.",
		Message: "This message was not delivered to maintain healthy ecosystem engagement.",
		Details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
		Href:    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}
	window := whatsapp.Error{Code: 131047, Title: "Re-engagement message", Message: "Re-engagement message",
		Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."}
	declined := "History sync is turned off by the business from the WhatsApp Business App"
	tests := []struct {
		file string
		want parsed
	}{
		{"bsuid_only.json", parsed{
			messages: []whatsapp.Message{{ID: "wamid.BSUIDONLY", From: "IN.1410018717833190", UserID: "IN.1410018717833190",
				Name: "Ravi", Username: "ravi.k", CountryCode: "IN", LogicalID: "1410018717833190", PhoneNumberID: phoneNumberID,
				Timestamp: unix(1764600000), Type: "text", Text: "Where is my parcel?"}},
			describe: []string{"Where is my parcel?"},
		}},
		{"phone_and_bsuid.json", parsed{
			messages: []whatsapp.Message{{ID: "wamid.BOTH", From: sipho, Phone: sipho, UserID: siphoUserID, Name: "Sipho Dlamini",
				Username: "sipho", CountryCode: "ZA", PhoneNumberID: phoneNumberID, Timestamp: unix(1764600001), Type: "text", Text: "Hi"}},
			describe: []string{"Hi"},
		}},
		{"user_changed_number.json", parsed{
			messages: []whatsapp.Message{{ID: "wamid.NUMBER", From: "27820000001", Phone: "27820000001", UserID: siphoUserID,
				Name: "Sipho Dlamini", PhoneNumberID: phoneNumberID, Timestamp: unix(1764600002), Type: "system",
				Text: "User A changed from 27820000001 to 27830000002",
				System: &whatsapp.SystemChange{Kind: whatsapp.SystemUserChangedNumber, Body: "User A changed from 27820000001 to 27830000002",
					OldPhone: "27820000001", NewPhone: "27830000002", OldUserID: siphoUserID}}},
			describe: []string{"[system] User A changed from 27820000001 to 27830000002"},
		}},
		{"user_changed_user_id.json", parsed{
			messages: []whatsapp.Message{{ID: "wamid.USERID", From: siphoUserID, UserID: siphoUserID, PhoneNumberID: phoneNumberID,
				Timestamp: unix(1764600003), Type: "system", Text: "User changed their business-scoped user ID",
				System: &whatsapp.SystemChange{Kind: whatsapp.SystemUserChangedUserID, Body: "User changed their business-scoped user ID",
					OldUserID: siphoUserID, NewUserID: "ZA.99887766554433221100"}}},
			describe: []string{"[system] User changed their business-scoped user ID"},
		}},
		{"echo_text.json", parsed{
			echoes: []whatsapp.Echo{{ID: "wamid.ECHOTEXT", BusinessPhone: "27215550000", To: conversation.Address{Phone: sipho},
				PhoneNumberID: phoneNumberID, Timestamp: unix(1764600004),
				Content: whatsapp.Message{Type: "text", Text: "Hi, Sipho here, I'll check your order"}}},
			describe: []string{"Hi, Sipho here, I'll check your order"},
		}},
		{"echo_media.json", parsed{
			echoes: []whatsapp.Echo{{ID: "wamid.ECHOIMG", BusinessPhone: "27215550000", To: conversation.Address{Phone: sipho},
				PhoneNumberID: phoneNumberID, Timestamp: unix(1764600005),
				Content: whatsapp.Message{Type: "image", Text: "Your invoice",
					Media: &whatsapp.Media{Kind: "image", ID: "1479537139650973", MimeType: "image/jpeg", Caption: "Your invoice"}}}},
			describe: []string{"[image] Your invoice"},
		}},
		{"echo_edit.json", parsed{
			echoes: []whatsapp.Echo{{ID: "wamid.ECHOEDIT", BusinessPhone: "27215550000", To: conversation.Address{UserID: siphoUserID},
				PhoneNumberID: phoneNumberID, Timestamp: unix(1764600006),
				Content: whatsapp.Message{Type: "edit", OriginalID: "wamid.ECHOTEXT",
					Edit: &whatsapp.Message{Type: "text", Text: "Hi, Sipho here, checking now"}}}},
			describe: []string{"edited: Hi, Sipho here, checking now"},
		}},
		{"echo_revoke.json", parsed{
			echoes: []whatsapp.Echo{{ID: "wamid.ECHOREVOKE", BusinessPhone: "27215550000", To: conversation.Address{UserID: siphoUserID},
				PhoneNumberID: phoneNumberID, Timestamp: unix(1764600007),
				Content: whatsapp.Message{Type: "revoke", OriginalID: "wamid.ECHOTEXT"}}},
			describe: []string{"deleted a message"},
		}},
		{"history.json", parsed{
			syncs: []whatsapp.Sync{{Field: whatsapp.FieldHistory, PhoneNumberID: phoneNumberID, Items: 2}},
		}},
		{"history_declined.json", parsed{
			syncs: []whatsapp.Sync{{Field: whatsapp.FieldHistory, PhoneNumberID: phoneNumberID,
				Errors: []whatsapp.Error{{Code: 2593109, Title: declined, Message: declined, Details: declined}}}},
		}},
		{"smb_app_state_sync.json", parsed{
			syncs: []whatsapp.Sync{{Field: whatsapp.FieldAppStateSync, PhoneNumberID: phoneNumberID, Items: 2}},
		}},
		{"failed_statuses.json", parsed{
			statuses: []whatsapp.Status{
				{ID: "wamid.OUT1", Status: "failed", RecipientUserID: siphoUserID, PhoneNumberID: phoneNumberID,
					Timestamp: unix(1764600010), Errors: []whatsapp.Error{healthy}, CallbackData: "turn-7"},
				{ID: "wamid.OUT2", Status: "failed", RecipientID: sipho, RecipientUserID: siphoUserID, PhoneNumberID: phoneNumberID,
					Timestamp: unix(1764600011), Errors: []whatsapp.Error{window}},
				{ID: "wamid.OUT3", Status: "failed", RecipientID: sipho, PhoneNumberID: phoneNumberID, Timestamp: unix(1764600012),
					Errors: []whatsapp.Error{{Code: 135000, Title: "Generic user error", Details: "Something about the user."}}},
			},
		}},
		{"value_errors.json", parsed{
			errors: []whatsapp.Error{{Code: 130429, Title: "Rate limit hit", Message: "Rate limit hit",
				Details: "Cloud API message throughput has been reached.",
				Href:    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := parseAll(t, body)
			check := func(what string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s =\n%+v\nwant\n%+v", what, got, want)
				}
			}
			check("Messages()", got.messages, tt.want.messages)
			check("Echoes()", got.echoes, tt.want.echoes)
			check("Syncs()", got.syncs, tt.want.syncs)
			check("Statuses()", got.statuses, tt.want.statuses)
			check("Errors()", got.errors, tt.want.errors)
			check("descriptions", got.describe, tt.want.describe)
			for _, m := range got.messages {
				if err := m.Validate(); err != nil {
					t.Errorf("message %s: Validate: %v", m.ID, err)
				}
			}
			for _, e := range got.echoes {
				if err := e.Validate(); err != nil {
					t.Errorf("echo %s: Validate: %v", e.ID, err)
				}
			}
		})
	}
}

func TestStatusReasonAndRecipient(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "failed_statuses.json"))
	if err != nil {
		t.Fatal(err)
	}
	statuses := parseAll(t, body).statuses
	want := []struct {
		reason string
		to     conversation.Address
	}{
		{"not delivered by WhatsApp, to keep a healthy ecosystem", conversation.Address{UserID: siphoUserID}},
		{"the 24-hour window is closed: more than 24 hours since the customer last wrote", conversation.Address{Phone: sipho, UserID: siphoUserID}},
		{"Generic user error: Something about the user.", conversation.Address{Phone: sipho}},
	}
	for i, w := range want {
		if got := statuses[i].Reason(); got != w.reason {
			t.Errorf("status %d: Reason() = %q, want %q", i, got, w.reason)
		}
		if got := statuses[i].Recipient(); got != w.to {
			t.Errorf("status %d: Recipient() = %+v, want %+v", i, got, w.to)
		}
	}
	if !whatsapp.IsWindowClosed(statuses[1].Errors[0]) {
		t.Error("IsWindowClosed(131047 status error) = false")
	}
	if got := (whatsapp.Status{Status: "sent"}).Reason(); got != "" {
		t.Errorf("Reason() of a sent status = %q, want empty", got)
	}
}

func TestErrorReasons(t *testing.T) {
	tests := []struct {
		err  whatsapp.Error
		want string
	}{
		{whatsapp.Error{Code: 131026, Title: "Message Undeliverable"}, "undeliverable: the customer cannot receive WhatsApp messages from this number"},
		{whatsapp.Error{Code: 131056}, "too many messages to this customer in a short time"},
		{whatsapp.Error{Code: 130429}, "rate limit: too many messages per second from this number"},
		{whatsapp.Error{Code: 131051}, "message type not supported"},
		{whatsapp.Error{Code: 131053}, "the media could not be uploaded or downloaded"},
		{whatsapp.Error{Code: 131000}, "something went wrong at WhatsApp"},
		{whatsapp.Error{Code: 1, Message: "An unknown error occurred"}, "An unknown error occurred"},
		{whatsapp.Error{Code: 470}, "whatsapp error 470"},
	}
	for _, tt := range tests {
		if got := tt.err.Reason(); got != tt.want {
			t.Errorf("Error{Code: %d}.Reason() = %q, want %q", tt.err.Code, got, tt.want)
		}
	}
	apiErr := &whatsapp.APIError{Code: 131047, HTTPStatus: 400}
	if got := apiErr.Reason(); got != "the 24-hour window is closed: more than 24 hours since the customer last wrote" {
		t.Errorf("APIError.Reason() = %q", got)
	}
}

// TestSenderIdentifiers covers how From is chosen and when a sender is invalid: a valid phone first, then a
// valid BSUID, and neither valid means ErrInvalidSender.
func TestSenderIdentifiers(t *testing.T) {
	tests := []struct {
		name, message string
		from          string
		valid         bool
		replyTo       conversation.Address
	}{
		{"phone", `{"from":"27821234567","id":"wamid.A","type":"text","text":{"body":"x"}}`, sipho, true, conversation.Address{Phone: sipho}},
		{"bsuid", `{"from_user_id":"ZA.13491208655302741918","id":"wamid.A","type":"text","text":{"body":"x"}}`, siphoUserID, true,
			conversation.Address{UserID: siphoUserID}},
		{"bad phone, good bsuid", `{"from":"27-82","from_user_id":"ZA.13491208655302741918","id":"wamid.A","type":"text","text":{"body":"x"}}`,
			siphoUserID, true, conversation.Address{UserID: siphoUserID}},
		{"good phone, bad bsuid", `{"from":"27821234567","from_user_id":"za.1","id":"wamid.A","type":"text","text":{"body":"x"}}`,
			sipho, true, conversation.Address{Phone: sipho}},
		{"neither valid", `{"from":"27-82","from_user_id":"za.1","id":"wamid.A","type":"text","text":{"body":"x"}}`, "27-82", false,
			conversation.Address{Phone: "27-82"}},
		{"none", `{"id":"wamid.A","type":"text","text":{"body":"x"}}`, "", false, conversation.Address{Phone: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[` + tt.message + `]}}]}]}`
			messages := parseAll(t, []byte(body)).messages
			if len(messages) != 1 {
				t.Fatalf("%d messages, want 1", len(messages))
			}
			m := messages[0]
			if m.From != tt.from {
				t.Errorf("From = %q, want %q", m.From, tt.from)
			}
			if err := m.Validate(); (err == nil) != tt.valid {
				t.Errorf("Validate() = %v, want valid %v", err, tt.valid)
			}
			if got := m.ReplyTo(); got != tt.replyTo {
				t.Errorf("ReplyTo() = %+v, want %+v", got, tt.replyTo)
			}
		})
	}
}

// TestCustomerEdits covers a customer's own edit and revoke, which arrive as inbound messages.
func TestCustomerEdits(t *testing.T) {
	body := notification(inbound(`{"from":"16505551234","id":"wamid.E","timestamp":"1739321024","type":"edit",
	  "edit":{"original_message_id":"wamid.FIRST","message":{"type":"text","text":{"body":"order 42, not 24"}}}},
	  {"from":"16505551234","id":"wamid.R","timestamp":"1739321024","type":"revoke","revoke":{"original_message_id":"wamid.FIRST"}},
	  {"from":"16505551234","id":"wamid.E2","timestamp":"1739321024","type":"edit","context":{"id":"wamid.CTX"},"edit":{}}`))
	got := parseAll(t, []byte(body))
	want := []whatsapp.Message{
		sheena(whatsapp.Message{ID: "wamid.E", Type: "edit", OriginalID: "wamid.FIRST", Edit: &whatsapp.Message{Type: "text", Text: "order 42, not 24"}}),
		sheena(whatsapp.Message{ID: "wamid.R", Type: "revoke", OriginalID: "wamid.FIRST"}),
		sheena(whatsapp.Message{ID: "wamid.E2", Type: "edit", OriginalID: "wamid.CTX", ContextID: "wamid.CTX"}),
	}
	if !reflect.DeepEqual(got.messages, want) {
		t.Errorf("Messages() =\n%+v\nwant\n%+v", got.messages, want)
	}
	if d := []string{"edited: order 42, not 24", "deleted a message", "edited"}; !reflect.DeepEqual(got.describe, d) {
		t.Errorf("descriptions = %q, want %q", got.describe, d)
	}
}
