package whatsapp_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/whatsapp"
)

// notification wraps one changes[].value in the envelope WhatsApp sends.
func notification(value string) string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":` +
		value + `}]}]}`
}

// inbound is a value with the standard metadata, one contact and one message.
func inbound(message string) string {
	return `{"messaging_product":"whatsapp",
	  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
	  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
	  "messages":[` + message + `]}`
}

func unix(seconds int64) time.Time { return time.Unix(seconds, 0).UTC() }

// sheena is the sender every inbound() message comes from, at 1739321024.
func sheena(m whatsapp.Message) whatsapp.Message {
	m.From, m.Phone, m.Name, m.PhoneNumberID, m.Timestamp = "16505551234", "16505551234", "Sheena Nelson", "106540352242922", unix(1739321024)
	return m
}

func TestParseMessages(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     whatsapp.Message
		describe string
	}{
		{
			name: "text",
			body: `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
			  "messaging_product":"whatsapp",
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
			  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
			  "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
			               "timestamp":"1739321024","type":"text","text":{"body":"Hi, where is my order?"}}]}}]}]}`,
			want: sheena(whatsapp.Message{ID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
				Type: "text", Text: "Hi, where is my order?"}),
			describe: "Hi, where is my order?",
		},
		{
			name: "interactive button reply",
			body: notification(inbound(`{"context":{"from":"15550783881","id":"wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="},
			  "from":"16505551234","id":"wamid.B","timestamp":"1739321024","type":"interactive",
			  "interactive":{"type":"button_reply","button_reply":{"id":"cancel-button","title":"Cancel"}}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.B", Type: "interactive", ButtonID: "cancel-button", ButtonTitle: "Cancel",
				ContextID: "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="}),
			describe: "[button] Cancel",
		},
		{
			name: "interactive list reply",
			body: notification(inbound(`{"context":{"from":"15550783881","id":"wamid.LIST"},
			  "from":"16505551234","id":"wamid.L","timestamp":"1739321024","type":"interactive",
			  "interactive":{"type":"list_reply","list_reply":{"id":"priority_express","title":"Express Shipping","description":"Next day"}}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.L", Type: "interactive", ButtonID: "priority_express",
				ButtonTitle: "Express Shipping", ContextID: "wamid.LIST"}),
			describe: "[button] Express Shipping",
		},
		{
			name: "template quick-reply button",
			body: notification(inbound(`{"context":{"from":"15550783881","id":"wamid.TPL"},
			  "from":"16505551234","id":"wamid.T","timestamp":"1739321024","type":"button",
			  "button":{"payload":"unsubscribe_payload","text":"Unsubscribe"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.T", Type: "button", ButtonID: "unsubscribe_payload",
				ButtonTitle: "Unsubscribe", ContextID: "wamid.TPL"}),
			describe: "[button] Unsubscribe",
		},
		{
			name: "image with caption",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.I","timestamp":"1739321024","type":"image",
			  "image":{"caption":"The box arrived broken","mime_type":"image\/jpeg","sha256":"abc=","id":"1003383421387256",
			  "url":"https:\/\/lookaside.fbsbx.com\/whatsapp_business\/attachments\/?mid=1003383421387256"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.I", Type: "image", Text: "The box arrived broken",
				Media: &whatsapp.Media{Kind: "image", ID: "1003383421387256", MimeType: "image/jpeg", Caption: "The box arrived broken"}}),
			describe: "[image] The box arrived broken",
		},
		{
			name: "image without caption",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.I2","timestamp":"1739321024","type":"image",
			  "image":{"mime_type":"image/jpeg","sha256":"abc=","id":"77"}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.I2", Type: "image", Media: &whatsapp.Media{Kind: "image", ID: "77", MimeType: "image/jpeg"}}),
			describe: "[image]",
		},
		{
			name: "voice note",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.A","timestamp":"1739321024","type":"audio",
			  "audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"88","url":"https://example","voice":true}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.A", Type: "audio",
				Media: &whatsapp.Media{Kind: "audio", ID: "88", MimeType: "audio/ogg; codecs=opus", Voice: true}}),
			describe: "[voice note]",
		},
		{
			name: "audio file",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.A2","timestamp":"1739321024","type":"audio",
			  "audio":{"mime_type":"audio/mpeg","id":"89","voice":false}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.A2", Type: "audio",
				Media: &whatsapp.Media{Kind: "audio", ID: "89", MimeType: "audio/mpeg"}}),
			describe: "[audio]",
		},
		{
			name: "video",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.V","timestamp":"1739321024","type":"video",
			  "video":{"caption":"unboxing","mime_type":"video/mp4","id":"90"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.V", Type: "video", Text: "unboxing",
				Media: &whatsapp.Media{Kind: "video", ID: "90", MimeType: "video/mp4", Caption: "unboxing"}}),
			describe: "[video] unboxing",
		},
		{
			name: "document",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.D","timestamp":"1739321024","type":"document",
			  "document":{"caption":"my invoice","filename":"INV-1001.pdf","mime_type":"application/pdf","sha256":"s","id":"91"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.D", Type: "document", Text: "my invoice",
				Media: &whatsapp.Media{Kind: "document", ID: "91", MimeType: "application/pdf", Caption: "my invoice", Filename: "INV-1001.pdf"}}),
			describe: "[document] INV-1001.pdf: my invoice",
		},
		{
			name: "sticker",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.S","timestamp":"1739321024","type":"sticker",
			  "sticker":{"mime_type":"image/webp","sha256":"s","id":"92","animated":false}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.S", Type: "sticker", Media: &whatsapp.Media{Kind: "sticker", ID: "92", MimeType: "image/webp"}}),
			describe: "[sticker]",
		},
		{
			name: "location",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.LOC","timestamp":"1739321024","type":"location",
			  "location":{"latitude":37.4,"longitude":-122.1,"name":"Lucky Shrub","address":"1 Hacker Way, Menlo Park","url":"https://luckyshrub.example"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.LOC", Type: "location", Location: &whatsapp.Location{
				Latitude: 37.4, Longitude: -122.1, Name: "Lucky Shrub", Address: "1 Hacker Way, Menlo Park", URL: "https://luckyshrub.example"}}),
			describe: "[location] Lucky Shrub, 1 Hacker Way, Menlo Park (37.4, -122.1)",
		},
		{
			name: "location pin without name",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.LOC2","timestamp":"1739321024","type":"location",
			  "location":{"latitude":"-33.9249","longitude":"18.4241"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.LOC2", Type: "location",
				Location: &whatsapp.Location{Latitude: -33.9249, Longitude: 18.4241}}),
			describe: "[location] (-33.9249, 18.4241)",
		},
		{
			name: "contacts",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.C","timestamp":"1739321024","type":"contacts",
			  "contacts":[{"name":{"formatted_name":"Jane Doe","first_name":"Jane","last_name":"Doe"},
			               "phones":[{"phone":"+1 555 0100","wa_id":"15550100","type":"CELL"}],"emails":[{"email":"jane@example.com"}]}]}`)),
			want: sheena(whatsapp.Message{ID: "wamid.C", Type: "contacts",
				Contacts: []whatsapp.ContactCard{{Name: "Jane Doe", Phones: []string{"+1 555 0100"}}}}),
			describe: "[contact card] Jane Doe +1 555 0100",
		},
		{
			name: "reaction",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.R","timestamp":"1739321024","type":"reaction",
			  "reaction":{"message_id":"wamid.OURS","emoji":"\ud83d\udc4d"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.R", Type: "reaction",
				Reaction: &whatsapp.Reaction{MessageID: "wamid.OURS", Emoji: "👍"}}),
			describe: "[reaction 👍]",
		},
		{
			name: "reaction removed",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.R2","timestamp":"1739321024","type":"reaction",
			  "reaction":{"message_id":"wamid.OURS"}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.R2", Type: "reaction", Reaction: &whatsapp.Reaction{MessageID: "wamid.OURS"}}),
			describe: "[reaction removed]",
		},
		{
			name: "unsupported with errors",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.U","timestamp":"1739321024","type":"unsupported",
			  "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",
			             "error_data":{"details":"Message type is currently not supported."}}],
			  "unsupported":{"type":"poll_update"}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.U", Type: "unsupported"}),
			describe: "[unsupported message]",
		},
		{
			name: "system",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.SYS","timestamp":"1739321024","type":"system",
			  "system":{"body":"Sheena changed from 16505551234 to 16505559999","wa_id":"16505559999","type":"user_changed_number"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.SYS", Type: "system",
				Text: "Sheena changed from 16505551234 to 16505559999",
				System: &whatsapp.SystemChange{Kind: whatsapp.SystemUserChangedNumber, Body: "Sheena changed from 16505551234 to 16505559999",
					OldPhone: "16505551234", NewPhone: "16505559999"}}),
			describe: "[system] Sheena changed from 16505551234 to 16505559999",
		},
		{
			name: "order",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.O","timestamp":"1739321024","type":"order",
			  "order":{"catalog_id":"123","text":"Please gift wrap","product_items":[{"product_retailer_id":"sku1","quantity":"2","item_price":"9.99","currency":"USD"}]}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.O", Type: "order", Text: "Please gift wrap"}),
			describe: "[order] Please gift wrap",
		},
		{
			name: "unknown type",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.NEW","timestamp":"1739321024","type":"hologram",
			  "hologram":{"depth":3}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.NEW", Type: "hologram"}),
			describe: "[hologram]",
		},
		{
			name: "forwarded text",
			body: notification(inbound(`{"context":{"forwarded":true},"from":"16505551234","id":"wamid.F","timestamp":"1739321024",
			  "type":"text","text":{"body":"look at this"}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.F", Type: "text", Text: "look at this", Forwarded: true}),
			describe: "[forwarded] look at this",
		},
		{
			name: "frequently forwarded",
			body: notification(inbound(`{"context":{"frequently_forwarded":true},"from":"16505551234","id":"wamid.FF","timestamp":"1739321024",
			  "type":"text","text":{"body":"chain letter"}}`)),
			want:     sheena(whatsapp.Message{ID: "wamid.FF", Type: "text", Text: "chain letter", Forwarded: true}),
			describe: "[forwarded] chain letter",
		},
		{
			name: "unknown fields and an ad referral",
			body: notification(`{"messaging_product":"whatsapp","brand_new":{"x":[1,2]},
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922","extra":true},
			  "contacts":[{"profile":{"name":"Sheena Nelson","username":"@sheena"},"wa_id":"16505551234","identity_key_hash":"abc","country_code":"US"}],
			  "messages":[{"from":"16505551234","id":"wamid.X","timestamp":"1739321024","type":"text","text":{"body":"hi","extra":1},
			               "referral":{"source_url":"https://fb.me/ad","source_type":"ad","headline":"Sale"},"from_logical_id":"42"}]}`),
			want: sheena(whatsapp.Message{ID: "wamid.X", Type: "text", Text: "hi", Username: "@sheena", CountryCode: "US",
				LogicalID: "42"}),
			describe: "hi",
		},
		{
			name: "username user without from",
			body: notification(`{"messaging_product":"whatsapp",
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
			  "contacts":[{"profile":{"name":"Ravi","username":"ravi.k"},"user_id":"IN.1410018717833190","country_code":"IN"}],
			  "messages":[{"from_user_id":"IN.1410018717833190","from_logical_id":"123","id":"wamid.UN","timestamp":"1739321024",
			               "type":"text","text":{"body":"hello"}}]}`),
			want: whatsapp.Message{ID: "wamid.UN", From: "IN.1410018717833190", UserID: "IN.1410018717833190", Name: "Ravi",
				Username: "ravi.k", CountryCode: "IN", LogicalID: "123", PhoneNumberID: "106540352242922", Timestamp: unix(1739321024), Type: "text", Text: "hello"},
			describe: "hello",
		},
		{
			name: "sender only in contacts",
			body: notification(`{"messaging_product":"whatsapp",
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
			  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234","user_id":"US.99"}],
			  "messages":[{"id":"wamid.NOFROM","timestamp":"1739321024","type":"text","text":{"body":"hi"}}]}`),
			want: sheena(whatsapp.Message{ID: "wamid.NOFROM", UserID: "US.99", Type: "text", Text: "hi"}),
		},
		{
			name: "user id from the matching contact",
			body: notification(`{"messaging_product":"whatsapp",
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
			  "contacts":[{"profile":{"name":"Other"},"wa_id":"1"},{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234","user_id":"US.99"}],
			  "messages":[{"from":"16505551234","id":"wamid.UID","timestamp":"1739321024","type":"text","text":{"body":"hi"}}]}`),
			want: sheena(whatsapp.Message{ID: "wamid.UID", UserID: "US.99", Type: "text", Text: "hi"}),
		},
		{
			name: "no matching contact",
			body: notification(`{"messaging_product":"whatsapp",
			  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
			  "contacts":[{"profile":{"name":"Someone"},"wa_id":"1"},{"profile":{"name":"Else"},"wa_id":"2"}],
			  "messages":[{"from":"16505551234","id":"wamid.NC","timestamp":"1739321024","type":"text","text":{"body":"hi"}}]}`),
			want: whatsapp.Message{ID: "wamid.NC", From: "16505551234", Phone: "16505551234", PhoneNumberID: "106540352242922",
				Timestamp: unix(1739321024), Type: "text", Text: "hi"},
		},
		{
			name: "numeric timestamp",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.N","timestamp":1739321024,"type":"text","text":{"body":"hi"}}`)),
			want: sheena(whatsapp.Message{ID: "wamid.N", Type: "text", Text: "hi"}),
		},
		{
			name: "unparsable timestamp",
			body: notification(inbound(`{"from":"16505551234","id":"wamid.BAD","timestamp":"soon","type":"text","text":{"body":"hi"}}`)),
			want: whatsapp.Message{ID: "wamid.BAD", From: "16505551234", Phone: "16505551234", Name: "Sheena Nelson", PhoneNumberID: "106540352242922",
				Type: "text", Text: "hi"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := whatsapp.Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := n.Messages()
			if len(got) != 1 {
				t.Fatalf("Messages() = %d messages, want 1: %+v", len(got), got)
			}
			if !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("Messages()[0] =\n%+v\nwant\n%+v", got[0], tt.want)
			}
			if tt.describe != "" {
				if d := got[0].Describe(); d != tt.describe {
					t.Errorf("Describe() = %q, want %q", d, tt.describe)
				}
			}
			if s := n.Statuses(); len(s) != 0 {
				t.Errorf("Statuses() = %+v, want none", s)
			}
		})
	}
}

func TestParseStatuses(t *testing.T) {
	body := notification(`{"messaging_product":"whatsapp",
	  "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
	  "statuses":[
	    {"id":"wamid.SENT","status":"sent","timestamp":"1750857384","recipient_id":"16505551234",
	     "conversation":{"id":"a75d","expiration_timestamp":"1750943820","origin":{"type":"service"}},
	     "pricing":{"billable":true,"pricing_model":"PMP","category":"service","type":"regular"},
	     "biz_opaque_callback_data":"ref-1"},
	    {"id":"wamid.READ","status":"read","timestamp":"1750857390","recipient_id":"16505551234"},
	    {"id":"wamid.FAIL","status":"failed","timestamp":"1750857400","recipient_id":"16505551234",
	     "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
	                "error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	                "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]}`)
	n, err := whatsapp.Parse([]byte(body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if m := n.Messages(); len(m) != 0 {
		t.Errorf("Messages() = %+v, want none", m)
	}
	want := []whatsapp.Status{
		{ID: "wamid.SENT", Status: "sent", RecipientID: "16505551234", PhoneNumberID: "106540352242922", Timestamp: unix(1750857384), CallbackData: "ref-1"},
		{ID: "wamid.READ", Status: "read", RecipientID: "16505551234", PhoneNumberID: "106540352242922", Timestamp: unix(1750857390)},
		{ID: "wamid.FAIL", Status: "failed", RecipientID: "16505551234", PhoneNumberID: "106540352242922", Timestamp: unix(1750857400),
			Errors: []whatsapp.Error{{Code: 131047, Title: "Re-engagement message", Message: "Re-engagement message",
				Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
				Href:    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}}},
	}
	got := n.Statuses()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Statuses() =\n%+v\nwant\n%+v", got, want)
	}
	if !whatsapp.IsWindowClosed(got[2].Errors[0]) {
		t.Errorf("IsWindowClosed(%v) = false, want true", got[2].Errors[0])
	}
	if !strings.Contains(got[2].Errors[0].Error(), "131047") {
		t.Errorf("Error() = %q, want the code", got[2].Errors[0].Error())
	}
}

func TestParseBatch(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[
	  {"id":"102290129340398","changes":[
	    {"field":"messages","value":{"messaging_product":"whatsapp",
	      "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
	      "contacts":[{"profile":{"name":"Ann"},"wa_id":"27820000001"},{"profile":{"name":"Bob"},"wa_id":"27820000002"}],
	      "messages":[
	        {"from":"27820000002","id":"wamid.1","timestamp":"1739321001","type":"text","text":{"body":"from Bob"}},
	        {"from":"27820000001","id":"wamid.2","timestamp":"1739321002","type":"text","text":{"body":"from Ann"}}]}},
	    {"field":"account_update","value":{"phone_number":"15550783881","event":"VERIFIED_ACCOUNT","messages":"not a list"}},
	    {"field":"messages","value":{"messaging_product":"whatsapp",
	      "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
	      "statuses":[{"id":"wamid.OUT","status":"delivered","timestamp":"1739321003","recipient_id":"27820000001"}]}}]},
	  {"id":"102290129340399","changes":[
	    {"field":"messages","value":{"messaging_product":"whatsapp",
	      "metadata":{"display_phone_number":"15550000000","phone_number_id":"222"},
	      "contacts":[{"profile":{"name":"Cy"},"wa_id":"27820000003"}],
	      "messages":[{"from":"27820000003","id":"wamid.3","timestamp":"1739321004","type":"text","text":{"body":"from Cy"}}],
	      "errors":[{"code":130429,"title":"Rate limit hit","message":"Rate limit hit","error_data":{"details":"slow down"}}]}}]}]}`
	n, err := whatsapp.Parse([]byte(body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []string
	for _, m := range n.Messages() {
		got = append(got, m.ID+" "+m.From+" "+m.Name+" "+m.PhoneNumberID+" "+m.Text)
	}
	want := []string{
		"wamid.1 27820000002 Bob 106540352242922 from Bob",
		"wamid.2 27820000001 Ann 106540352242922 from Ann",
		"wamid.3 27820000003 Cy 222 from Cy",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Messages() = %q, want %q", got, want)
	}
	if s := n.Statuses(); len(s) != 1 || s[0].ID != "wamid.OUT" || s[0].Status != "delivered" {
		t.Errorf("Statuses() = %+v, want the one delivered status", s)
	}
	if e := n.Errors(); len(e) != 1 || e[0].Code != 130429 || e[0].Details != "slow down" {
		t.Errorf("Errors() = %+v, want the 130429 rate limit", e)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"empty body":            ``,
		"malformed JSON":        `{"object":"whatsapp_business_account","entry":[`,
		"not an object":         `[1,2,3]`,
		"null":                  `null`,
		"missing object":        `{"entry":[]}`,
		"another object":        `{"object":"page","entry":[]}`,
		"messages not a list":   notification(`{"messages":{"id":"x"}}`),
		"message id not string": notification(`{"messages":[{"id":12,"type":"text"}]}`),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if n, err := whatsapp.Parse([]byte(body)); err == nil {
				t.Errorf("Parse(%q) = %+v, want an error", body, n)
			}
		})
	}
}

func TestParseAcceptsEmptyNotifications(t *testing.T) {
	for _, body := range []string{
		`{"object":"whatsapp_business_account","entry":[]}`,
		`{"object":"whatsapp_business_account"}`,
		`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":null}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages"}]}]}`,
	} {
		n, err := whatsapp.Parse([]byte(body))
		if err != nil {
			t.Errorf("Parse(%s): %v", body, err)
			continue
		}
		if len(n.Messages())+len(n.Statuses())+len(n.Errors()) != 0 {
			t.Errorf("Parse(%s) found events in an empty notification", body)
		}
	}
}

func TestDescribeWithoutType(t *testing.T) {
	tests := []struct {
		msg  whatsapp.Message
		want string
	}{
		{whatsapp.Message{}, "[message]"},
		{whatsapp.Message{Type: "request_welcome"}, "[request_welcome]"},
		{whatsapp.Message{Type: "interactive", Text: "Sent"}, "[interactive] Sent"},
		{whatsapp.Message{Type: "interactive", ButtonID: "only-id"}, "[button] only-id"},
		{whatsapp.Message{Type: "contacts", Contacts: []whatsapp.ContactCard{{Name: "A"}, {Name: "B", Phones: []string{"+1"}}}}, "[contact card] A, B +1"},
		{whatsapp.Message{Type: "location", Location: &whatsapp.Location{Latitude: 1, Longitude: 2, Address: "Main Rd"}}, "[location] Main Rd (1, 2)"},
	}
	for _, tt := range tests {
		if got := tt.msg.Describe(); got != tt.want {
			t.Errorf("%+v.Describe() = %q, want %q", tt.msg, got, tt.want)
		}
	}
}
