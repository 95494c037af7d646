package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/workflows/conversation"
)

func hasLine(c conversation.Snapshot, from, sub string) bool {
	for _, l := range c.Transcript {
		if l.From == from && strings.Contains(l.Text, sub) {
			return true
		}
	}
	return false
}

// TestReturnWithNoteAsksForARatingAndNotGoodReopens: an agent returns a conversation with a note through the
// API; the customer gets one message, the welcome back with the three rating buttons; tapping Not good hands
// the conversation to a person again, and the rating shows in the API and the metrics.
func TestReturnWithNoteAsksForARatingAndNotGoodReopens(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, "I want a refund for order 5544")
	s.waitStatus(phone, conversation.StatusHandoff)
	s.graph.WaitForMessages(t, phone, 1, 30*time.Second)

	note := "Refund of order 5544 approved, 3-5 working days"
	var c conversation.Snapshot
	body := map[string]string{"agent": "Sipho", "note": note}
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", body, &c); code != http.StatusOK || c.Status != conversation.StatusActive {
		t.Fatalf("return with a note: %d %+v", code, c)
	}
	if !hasLine(c, conversation.FromSystem, "Note for the assistant from Sipho: "+note) {
		t.Errorf("the note is not in the transcript: %+v", c.Transcript)
	}
	msgs := s.graph.WaitForMessages(t, phone, 2, 30*time.Second)
	s.quiet(phone, 2) // one message after the return
	back := msgs[1]
	want := []string{conversation.ButtonCSATGood, conversation.ButtonCSATOK, conversation.ButtonCSATBad}
	if back.Type != "interactive" || len(back.Buttons) != len(want) || !strings.Contains(back.Text, "again") {
		t.Fatalf("welcome back = %+v, want one interactive message with the rating buttons", back)
	}
	for i, b := range back.Buttons {
		if b.ID != want[i] || b.Title == "" || len([]rune(b.Title)) > 20 {
			t.Errorf("button %d = %+v, want id %s and a title of at most 20 characters", i, b, want[i])
		}
	}

	tap := s.hook.ButtonReply(phone, back.ID, conversation.ButtonCSATBad, "Not good")
	if code := s.post(s.hook.Body(tap)); code != http.StatusOK {
		t.Fatalf("rating tap: %d", code)
	}
	c = s.waitStatus(phone, conversation.StatusHandoff)
	if c.HandoffReason != handoff.ReasonCSATBad || c.CSAT != "bad" {
		t.Fatalf("after Not good: reason %q csat %q", c.HandoffReason, c.CSAT)
	}
	s.settle(phone, tap.ID)
	if !hasLine(s.conversation(phone), conversation.FromSystem, "Rated the help: Not good") {
		t.Errorf("no rating in the transcript: %+v", c.Transcript)
	}
	msgs = s.graph.Messages(phone)
	if len(msgs) != 3 || !strings.Contains(msgs[2].Text, "look at this again") {
		t.Fatalf("after Not good the customer got %+v", msgs)
	}
	var raw map[string]any
	if s.api("GET", "/api/conversations/"+phone, nil, &raw); raw["csat"] != "bad" {
		t.Errorf(`GET shows "csat": %v`, raw["csat"])
	}
	eventually(t, 10*time.Second, func() bool {
		_, metrics := s.get("/metrics")
		return strings.Contains(metrics, `supportd_csat_total{score="bad"} 1`)
	}, "the rating in /metrics")
}

// TestCSATOffSendsThePlainWelcomeBack: with CSAT=off the return sends the welcome back without buttons.
func TestCSATOffSendsThePlainWelcomeBack(t *testing.T) {
	t.Parallel()
	s := newStack(t, withEnv("CSAT", "off"))
	phone := newPhone()
	s.say(phone, "I want a refund for order 5544")
	s.waitStatus(phone, conversation.StatusHandoff)
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("return: %d", code)
	}
	msgs := s.graph.WaitForMessages(t, phone, 2, 30*time.Second)
	s.quiet(phone, 2)
	if msgs[1].Type != "text" || len(msgs[1].Buttons) != 0 || !strings.Contains(msgs[1].Text, "again") {
		t.Fatalf("welcome back = %+v, want plain text", msgs[1])
	}
}

// TestSlackReturnLeavesTheLatestNoteForTheBot: a `//` note in the card's thread, then Return to bot, leaves
// the note for the bot; the customer's typed rating is recorded and shown on the card.
func TestSlackReturnLeavesTheLatestNoteForTheBot(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	s.slack.AddUser(alice, "Alice Agent")
	phone, card := s.slackHandoff()
	s.take(alice, phone, card)
	s.waitStatus(phone, conversation.StatusHandoff)
	if code := s.slackEvent(testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS, Text: "// refund approved, customer prefers email"}, 0); code != http.StatusOK {
		t.Fatalf("note answered %d", code)
	}
	hint := s.waitEphemeral(alice, 1)[0]
	if !strings.Contains(hint.Text, "Return to bot") {
		t.Errorf("the note's hint does not say the note is left for the bot: %q", hint.Text)
	}
	if code := s.press(testkit.SlackInteraction{UserID: alice, MessageTS: card.TS, ActionID: slackapp.ActionReturn, Value: phone}); code != http.StatusOK {
		t.Fatalf("return answered %d", code)
	}
	s.waitStatus(phone, conversation.StatusActive)
	msgs := s.graph.WaitForMessages(t, phone, 2, slackWait)
	if len(msgs[1].Buttons) != 3 {
		t.Fatalf("welcome back = %+v", msgs[1])
	}
	id := s.say(phone, "Great!")
	s.settle(phone, id)
	c := s.conversation(phone)
	if c.CSAT != "good" || !hasLine(c, conversation.FromSystem, "Note for the assistant from Alice Agent: refund approved, customer prefers email") {
		t.Fatalf("csat %q, transcript %+v", c.CSAT, c.Transcript)
	}
	s.waitUpdate(card.TS, "the rating on the card", func(call testkit.SlackCall) bool {
		return strings.Contains(strings.Join(call.BlockTexts(), "\n"), "rating after the hand-back: *Great*")
	})
}
