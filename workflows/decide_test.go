package workflows

import (
	"strings"
	"testing"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

func TestDecideButton(t *testing.T) {
	t.Parallel()
	offer := &State{Offer: conversation.Offer{Pending: true, Reason: handoff.ReasonRepeatedQuestion}}
	cases := []struct {
		name    string
		s       *State
		m       CustomerMessage
		decided bool
		action  conversation.Action
		reason  handoff.Reason
		text    string
	}{
		{"yes to an offer", offer, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffYes}, true, conversation.ActHandoff, handoff.ReasonRepeatedQuestion, ""},
		{"yes without an offer on record", &State{}, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffYes}, true, conversation.ActHandoff, handoff.ReasonHumanRequested, ""},
		{"no thanks", offer, CustomerMessage{Kind: KindButton, ButtonID: ButtonHandoffNo}, true, conversation.ActSay, "", "No problem"},
		{"another button is read as text", offer, CustomerMessage{Kind: KindButton, ButtonID: "menu_1", Text: "Delivery"}, false, 0, "", ""},
		{"text is classified", offer, CustomerMessage{Kind: KindText, Text: "hi"}, false, 0, "", ""},
		{"a reaction needs nothing", &State{}, CustomerMessage{Kind: KindReaction}, true, conversation.ActNothing, "", ""},
		{"a voice note", &State{}, CustomerMessage{Kind: KindVoice}, true, conversation.ActSay, "", "voice notes"},
		{"a photo", &State{}, CustomerMessage{Kind: KindMedia}, true, conversation.ActSay, "", "attachment"},
		{"a location", &State{}, CustomerMessage{Kind: KindLocation}, true, conversation.ActSay, "", "location"},
		{"something unreadable", &State{}, CustomerMessage{Kind: KindUnsupported}, true, conversation.ActSay, "", "can't read"},
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
