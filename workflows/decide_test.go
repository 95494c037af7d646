package workflows

import (
	"strings"
	"testing"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestDecideButton(t *testing.T) {
	t.Parallel()
	offer := &conversation.State{Offer: conversation.Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}}
	cases := []struct {
		name    string
		s       *conversation.State
		m       conversation.Message
		decided bool
		action  conversation.Action
		reason  handoff.Reason
		text    string
	}{
		{"yes to an offer", offer, conversation.Message{Kind: conversation.KindButton, ButtonID: ButtonHandoffYes}, true, conversation.ActHandoff, handoff.ReasonRepeatedQuestion, ""},
		{"yes without an offer on record", &conversation.State{}, conversation.Message{Kind: conversation.KindButton, ButtonID: ButtonHandoffYes}, true, conversation.ActHandoff, handoff.ReasonHumanRequested, ""},
		{"no thanks", offer, conversation.Message{Kind: conversation.KindButton, ButtonID: ButtonHandoffNo}, true, conversation.ActSay, "", "No problem"},
		{"another button is read as text", offer, conversation.Message{Kind: conversation.KindButton, ButtonID: "menu_1", Text: "Delivery"}, false, 0, "", ""},
		{"text is classified", offer, conversation.Message{Kind: conversation.KindText, Text: "hi"}, false, 0, "", ""},
		{"a reaction needs nothing", &conversation.State{}, conversation.Message{Kind: conversation.KindReaction}, true, conversation.ActNothing, "", ""},
		{"a voice note", &conversation.State{}, conversation.Message{Kind: conversation.KindVoice}, true, conversation.ActSay, "", "voice notes"},
		{"a photo", &conversation.State{}, conversation.Message{Kind: conversation.KindMedia}, true, conversation.ActSay, "", "attachment"},
		{"a location", &conversation.State{}, conversation.Message{Kind: conversation.KindLocation}, true, conversation.ActSay, "", "location"},
		{"something unreadable", &conversation.State{}, conversation.Message{Kind: conversation.KindUnsupported}, true, conversation.ActSay, "", "can't read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := decideButton(tc.s, tc.m)
			if ok != tc.decided || d.Action != tc.action || d.Reason != tc.reason || !strings.Contains(d.Text, tc.text) {
				t.Fatalf("decideButton = %+v, %v", d, ok)
			}
		})
	}
}
