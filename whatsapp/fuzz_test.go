package whatsapp_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows/conversation"
)

// parseSeeds are notification bodies of every shape the parser knows, plus broken ones.
func parseSeeds() [][]byte {
	hook := testkit.NewWhatsAppWebhook(vectorSecret)
	const from = "16505551234"
	username := hook.Text("", "hi")
	username.UserID = "IN.1410018717833190"
	seeds := [][]byte{
		[]byte(vectorBody),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":null}]}]}`),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"event":"x"}}]}]}`),
		[]byte(notification(inbound(`{"from":"16505551234","id":"wamid.N","timestamp":1739321024,"type":"text","text":{"body":"hi"}}`))),
		[]byte(notification(inbound(`{"from":"16505551234","id":"wamid.L","timestamp":"1","type":"location","location":{"latitude":"1e400","longitude":-0}}`))),
		[]byte(notification(inbound(`{"from":"16505551234","id":"wamid.C","timestamp":"1","type":"contacts","contacts":[{"name":{},"phones":[{}]}]}`))),
		[]byte(notification(`{"statuses":[{"id":"x","status":"failed","errors":[{"code":"131047"}]}],"errors":[{"code":130429}]}`)),
		[]byte(`{"object":"whatsapp_business_account","entry":[`),
		[]byte(`{"object":"page"}`),
		[]byte(`null`),
		[]byte(``),
		hook.Body(
			hook.Text(from, "Héllo 👍"),
			hook.ButtonReply(from, "wamid.OFFER", "handoff_yes", "Yes"),
			hook.ListReply(from, "wamid.LIST", "row", "Row", "desc"),
			hook.TemplateButton(from, "wamid.TPL", "stop", "Stop"),
			hook.Image(from, "caption"),
			hook.VoiceNote(from),
			hook.Document(from, "a.pdf", ""),
			hook.Sticker(from),
			hook.Location(from, 1.5, -2.5, "n", "a"),
			hook.Contacts(from, "Jane", "+1 555"),
			hook.Reaction(from, "wamid.X", ""),
			hook.Unsupported(from, "poll_update"),
			hook.Message(from, "hologram", nil),
			username,
			hook.Status("wamid.OUT", from, "sent"),
			hook.FailedStatus("wamid.OUT", from, whatsapp.CodeWindowClosed),
		),
		hook.Body(
			hook.Text(from, "both").WithUser("US.99", "sheena"),
			hook.ChangedNumber(from, "16505559999"),
			hook.ChangedUserID("", "US.99", "US.100"),
			hook.Edit(from, "wamid.X", "new"),
			hook.Revoke(from, "wamid.X"),
			hook.Echo(hook.Text(from, "from the app")),
			hook.Echo(hook.Image("", "").WithUser("US.99", "")),
			hook.Echo(hook.Edit(from, "wamid.E", "fixed")),
			hook.Echo(hook.Revoke(from, "wamid.E")),
			hook.History(from, hook.Text(from, "old")),
			hook.ContactSync(from, "Sheena", "add"),
			hook.FailedStatus("wamid.OUT", "", whatsapp.CodeHealthyEcosystem),
			hook.ValueError(whatsapp.CodeThroughput),
		),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"history","value":{"history":{"not":"a list"}}}]}]}`),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"smb_message_echoes","value":{"message_echoes":[{"to":"+ZA.1","type":"edit","edit":{"message":{"type":"edit","edit":{}}}}]}}]}]}`),
	}
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range fixtures {
		if body, err := os.ReadFile(name); err == nil {
			seeds = append(seeds, body)
		}
	}
	return seeds
}

func FuzzParse(f *testing.F) {
	for _, seed := range parseSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := whatsapp.Parse(body)
		if err != nil {
			if n != nil {
				t.Fatalf("Parse returned a notification with error %v", err)
			}
			return
		}
		for _, m := range n.Messages() {
			_ = m.Describe()
			if m.Validate() == nil && whatsapp.CheckAddress(m.ReplyTo()) != nil {
				t.Fatalf("valid message %+v cannot be answered: %v", m, whatsapp.CheckAddress(m.ReplyTo()))
			}
		}
		for _, e := range n.Echoes() {
			_ = e.Describe()
			if e.Validate() == nil && !whatsapp.ValidWaID(e.Customer()) && !conversation.IsUserID(e.Customer()) {
				t.Fatalf("valid echo %+v has customer %q", e, e.Customer())
			}
		}
		_ = n.Syncs()
		for _, s := range n.Statuses() {
			_ = s.Reason()
			for _, e := range s.Errors {
				_ = e.Error()
				_ = whatsapp.IsWindowClosed(e)
			}
		}
		for _, e := range n.Errors() {
			_ = e.Error() + e.Reason()
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	f.Add(vectorSecret, []byte(vectorBody), vectorSignature)
	f.Add(vectorSecret, []byte(vectorBody), "sha256=")
	f.Add(vectorSecret, []byte(vectorBody), "sha256=zz")
	f.Add("", []byte(vectorBody), vectorSignature)
	f.Add("s", []byte{}, "")
	f.Add("s", []byte("\x00\xff"), "sha1=abc")
	f.Add(vectorSecret, []byte(vectorBody), strings.ToUpper(vectorSignature))
	f.Fuzz(func(t *testing.T, secret string, body []byte, header string) {
		err := whatsapp.VerifySignature(secret, body, header)
		if err != nil {
			if !errors.Is(err, whatsapp.ErrBadSignature) {
				t.Fatalf("error %v does not wrap ErrBadSignature", err)
			}
		} else {
			if secret == "" {
				t.Fatal("verified with an empty secret")
			}
			want := whatsapp.Sign(secret, body)
			if got := strings.TrimSpace(header); got[:7] != "sha256=" || !strings.EqualFold(got, want) {
				t.Fatalf("verified header %q, want %q", header, want)
			}
		}
		if secret != "" {
			if err := whatsapp.VerifySignature(secret, body, whatsapp.Sign(secret, body)); err != nil {
				t.Fatalf("own signature rejected: %v", err)
			}
		}
	})
}
