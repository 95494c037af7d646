package whatsapp_test

import (
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/whatsapp"
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
