package whatsapp

import (
	"testing"
	"time"
)

func TestEncodeInboundRoundTrip(t *testing.T) {
	at := time.Unix(1739321024, 0)
	for _, in := range []Inbound{
		{ID: "wamid.1", From: "27820000001", Name: "Thandi", Text: "Hi <there> & \"you\"", Timestamp: at},
		{ID: "wamid.2", From: "27820000001", Name: "Thandi", ButtonID: "handoff_yes", ButtonTitle: "Yes, a person", ContextID: "wamid.out", Timestamp: at},
	} {
		body, err := EncodeInbound("106540352242922", in)
		if err != nil {
			t.Fatal(err)
		}
		n, err := Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		msgs := n.Messages()
		if len(msgs) != 1 {
			t.Fatalf("messages = %+v", msgs)
		}
		m := msgs[0]
		if m.ID != in.ID || m.From != in.From || m.Name != in.Name || !m.Timestamp.Equal(at) || m.PhoneNumberID != "106540352242922" {
			t.Fatalf("round trip lost fields: %+v", m)
		}
		if in.ButtonID != "" {
			if m.Type != "interactive" || m.ButtonID != in.ButtonID || m.ButtonTitle != in.ButtonTitle || m.ContextID != in.ContextID {
				t.Fatalf("button tap: %+v", m)
			}
		} else if m.Type != "text" || m.Text != in.Text {
			t.Fatalf("text: %+v", m)
		}
	}
	if _, err := EncodeInbound("1", Inbound{Text: "x"}); err == nil {
		t.Fatal("a message without id or sender was encoded")
	}
}
