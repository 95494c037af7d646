package whatsapp_test

import (
	"reflect"
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestParseTestkitWebhooks checks the parser against the payloads the shared test fake builds, so that
// tests elsewhere exercise the same shapes the parser understands.
func TestParseTestkitWebhooks(t *testing.T) {
	hook := testkit.NewWhatsAppWebhook("test_app_secret")
	const from = "16505551234"
	text := hook.Text(from, "Héllo, where is my order? 👍 </script> & a/b")
	text.Name = "Sheena Nelson"
	button := hook.ButtonReply(from, "wamid.OFFER", "handoff_yes", "Yes, a person")
	image := hook.Image(from, "broken box")
	voice := hook.VoiceNote(from)
	location := hook.Location(from, -33.9249, 18.4241, "Shop", "1 Long St")
	reaction := hook.Reaction(from, "wamid.OURS", "👍")
	unknown := hook.Message(from, "hologram", map[string]int{"depth": 3})
	unsupported := hook.Unsupported(from, "poll_update")
	username := hook.Text("", "hi from a username")
	username.UserID = "IN.1410018717833190"
	username.Name = "Ravi"
	failed := hook.FailedStatus("wamid.OUT", from, whatsapp.CodeWindowClosed)

	body := hook.Body(text, button, image, voice, location, reaction, unknown, unsupported, username, failed)
	req := hook.SignedRequest("/webhooks/whatsapp", body)
	if err := whatsapp.VerifySignature("test_app_secret", body, req.Header.Get(whatsapp.SignatureHeader)); err != nil {
		t.Fatalf("VerifySignature of the fake's signature: %v", err)
	}
	n, err := whatsapp.Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, body)
	}
	got := n.Messages()
	want := []struct{ id, from, name, describe string }{
		{text.ID, from, "Sheena Nelson", "Héllo, where is my order? 👍 </script> & a/b"},
		{button.ID, from, "Sheena Nelson", "[button] Yes, a person"},
		{image.ID, from, "Sheena Nelson", "[image] broken box"},
		{voice.ID, from, "Sheena Nelson", "[voice note]"},
		{location.ID, from, "Sheena Nelson", "[location] Shop, 1 Long St (-33.9249, 18.4241)"},
		{reaction.ID, from, "Sheena Nelson", "[reaction 👍]"},
		{unknown.ID, from, "Sheena Nelson", "[hologram]"},
		{unsupported.ID, from, "Sheena Nelson", "[unsupported message]"},
		{username.ID, "IN.1410018717833190", "Ravi", "hi from a username"},
	}
	if len(got) != len(want) {
		t.Fatalf("Messages() = %d messages, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.id || g.From != w.from || g.Name != w.name || g.Describe() != w.describe || g.PhoneNumberID != hook.PhoneNumberID {
			t.Errorf("message %d = {%s %s %s %q %s}, want {%s %s %s %q %s}", i,
				g.ID, g.From, g.Name, g.Describe(), g.PhoneNumberID, w.id, w.from, w.name, w.describe, hook.PhoneNumberID)
		}
		if g.Timestamp.IsZero() {
			t.Errorf("message %d has no timestamp", i)
		}
	}
	if got[1].ButtonID != "handoff_yes" || got[1].ContextID != "wamid.OFFER" {
		t.Errorf("button reply = %+v, want handoff_yes replying to wamid.OFFER", got[1])
	}
	statuses := n.Statuses()
	if len(statuses) != 1 || !whatsapp.IsWindowClosed(statuses[0].Errors[0]) {
		t.Errorf("Statuses() = %+v, want one failed with 131047", statuses)
	}

	perEntry := hook.BodyPerEntry(text, button, failed)
	n, err = whatsapp.Parse(perEntry)
	if err != nil {
		t.Fatalf("Parse per-entry body: %v", err)
	}
	if len(n.Messages()) != 2 || len(n.Statuses()) != 1 {
		t.Errorf("per-entry body gave %d messages and %d statuses, want 2 and 1", len(n.Messages()), len(n.Statuses()))
	}
}

// TestParseTestkitCoexistenceWebhooks checks the parser against the 2026 shapes the test fake builds:
// BSUID senders with usernames, identifier changes, echoes, history, app state sync, failed statuses and
// value-level errors.
func TestParseTestkitCoexistenceWebhooks(t *testing.T) {
	hook := testkit.NewWhatsAppWebhook("test_app_secret")
	const (
		phone   = "27821234567"
		userID  = "ZA.13491208655302741918"
		userID2 = "ZA.99887766554433221100"
	)
	bsuidOnly := hook.Text("", "hi from a username").WithUser(userID, "sipho")
	both := hook.Text(phone, "hi with both").WithUser(userID, "sipho")
	number := hook.ChangedNumber(phone, "27830000002")
	newID := hook.ChangedUserID("", userID, userID2)
	edit := hook.Edit(phone, "wamid.FIRST", "order 42")
	revoke := hook.Revoke(phone, "wamid.FIRST")
	echoText := hook.Echo(hook.Text(phone, "Hi, Sipho here"))
	echoImage := hook.Echo(hook.Image("", "invoice").WithUser(userID, ""))
	echoEdit := hook.Echo(hook.Edit(phone, echoText.Message.ID, "Hi, Sipho here, checking"))
	echoRevoke := hook.Echo(hook.Revoke(phone, echoText.Message.ID))
	failed := hook.FailedStatus("wamid.OUT", "", whatsapp.CodeHealthyEcosystem)
	failed.RecipientUserID = userID

	body := hook.Body(bsuidOnly, both, number, newID, edit, revoke, echoText, echoImage, echoEdit, echoRevoke,
		hook.History(phone, hook.Text(phone, "old"), hook.Text(phone, "older")),
		hook.ContactSync(phone, "Sipho Dlamini", "add"),
		failed, hook.ValueError(whatsapp.CodeThroughput))
	n, err := whatsapp.Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, body)
	}

	messages := n.Messages()
	type sender struct{ from, phone, userID, username, describe string }
	wantMessages := []sender{
		{userID, "", userID, "sipho", "hi from a username"},
		{phone, phone, userID, "sipho", "hi with both"},
		// The contacts of one change serve every message in it: the phone's contact carries the BSUID.
		{phone, phone, userID, "sipho", "[system] User Customer 4567 changed from 27821234567 to 27830000002"},
		{userID, "", userID, "sipho", "[system] User changed their business-scoped user ID"},
		{phone, phone, userID, "sipho", "edited: order 42"},
		{phone, phone, userID, "sipho", "deleted a message"},
	}
	if len(messages) != len(wantMessages) {
		t.Fatalf("Messages() = %d messages, want %d: %+v", len(messages), len(wantMessages), messages)
	}
	for i, w := range wantMessages {
		m := messages[i]
		got := sender{m.From, m.Phone, m.UserID, m.Username, m.Describe()}
		if got != w {
			t.Errorf("message %d = %+v, want %+v", i, got, w)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if s := messages[2].System; s == nil || s.Kind != whatsapp.SystemUserChangedNumber || s.OldPhone != phone || s.NewPhone != "27830000002" {
		t.Errorf("user_changed_number: System = %+v", s)
	}
	if s := messages[3].System; s == nil || s.Kind != whatsapp.SystemUserChangedUserID || s.OldUserID != userID || s.NewUserID != userID2 {
		t.Errorf("user_changed_user_id: System = %+v", s)
	}
	if messages[0].CountryCode != "ZA" || messages[4].OriginalID != "wamid.FIRST" {
		t.Errorf("country code %q, edit of %q", messages[0].CountryCode, messages[4].OriginalID)
	}

	echoes := n.Echoes()
	wantEchoes := []struct {
		id       string
		to       conversation.Address
		describe string
	}{
		{echoText.Message.ID, conversation.Address{Phone: phone}, "Hi, Sipho here"},
		{echoImage.Message.ID, conversation.Address{UserID: userID}, "[image] invoice"},
		{echoEdit.Message.ID, conversation.Address{Phone: phone}, "edited: Hi, Sipho here, checking"},
		{echoRevoke.Message.ID, conversation.Address{Phone: phone}, "deleted a message"},
	}
	if len(echoes) != len(wantEchoes) {
		t.Fatalf("Echoes() = %+v, want %d", echoes, len(wantEchoes))
	}
	for i, w := range wantEchoes {
		e := echoes[i]
		if e.ID != w.id || e.To != w.to || e.Describe() != w.describe || e.BusinessPhone != hook.DisplayPhoneNumber || e.Validate() != nil {
			t.Errorf("echo %d = %+v (%q), want %s to %+v %q", i, e, e.Describe(), w.id, w.to, w.describe)
		}
	}
	if e := echoes[3]; e.Content.OriginalID != echoText.Message.ID {
		t.Errorf("revoke echo of %q, want %q", e.Content.OriginalID, echoText.Message.ID)
	}

	syncs := n.Syncs()
	want := []whatsapp.Sync{
		{Field: whatsapp.FieldHistory, PhoneNumberID: hook.PhoneNumberID, Items: 2},
		{Field: whatsapp.FieldAppStateSync, PhoneNumberID: hook.PhoneNumberID, Items: 1},
	}
	if !reflect.DeepEqual(syncs, want) {
		t.Errorf("Syncs() = %+v, want %+v", syncs, want)
	}
	statuses := n.Statuses()
	if len(statuses) != 1 || statuses[0].Recipient() != (conversation.Address{UserID: userID}) ||
		statuses[0].Reason() != "not delivered by WhatsApp, to keep a healthy ecosystem" {
		t.Errorf("Statuses() = %+v", statuses)
	}
	if errs := n.Errors(); len(errs) != 1 || errs[0].Code != whatsapp.CodeThroughput || errs[0].Title != "Rate limit hit" {
		t.Errorf("Errors() = %+v", errs)
	}
}
