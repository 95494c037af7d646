package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestConversationLifecycle walks one conversation through every state: the bot answers, notices a repeated
// question and offers a person, the customer accepts, the agents go quiet, an agent keeps it, replies and
// hands back, and the bot answers again. Its history is the recorded history of the replay test.
func TestConversationLifecycle(t *testing.T) {
	t.Parallel()
	s := newStack(t, withEnv("HANDOFF_IDLE_TIMEOUT", "3s"))
	phone := newPhone()
	wait := func(n int) []string {
		t.Helper()
		var out []string
		for _, m := range s.graph.WaitForMessages(t, phone, n, 30*time.Second) {
			out = append(out, m.Text)
		}
		return out
	}
	s.say(phone, "Hi there")
	wait(1)
	s.say(phone, "How much is delivery?")
	if got := wait(2); !strings.Contains(got[1], "R99") {
		t.Fatalf("delivery answer: %q", got[1])
	}
	s.say(phone, "What does shipping cost?")
	msgs := s.graph.WaitForMessages(t, phone, 3, 30*time.Second)
	if len(msgs[2].Buttons) != 2 || msgs[2].Buttons[0].ID != workflows.ButtonHandoffYes {
		t.Fatalf("a question asked again right after its answer must bring the offer of a person: %+v", msgs[2])
	}
	tap := s.hook.ButtonReply(phone, msgs[2].ID, workflows.ButtonHandoffYes, "Yes, a person")
	if code := s.post(s.hook.Body(tap)); code != http.StatusOK {
		t.Fatalf("button tap: %d", code)
	}
	wait(4)
	c := s.waitStatus(phone, conversation.StatusHandoff)
	if c.HandoffReason != handoff.ReasonRepeatedQuestion {
		t.Fatalf("reason %q", c.HandoffReason)
	}
	s.say(phone, "It's for order 7781")
	s.waitStatus(phone, conversation.StatusAwaitingConfirmation)
	if code := s.api("POST", "/api/conversations/"+phone+"/keep", map[string]string{"agent": "Lerato"}, nil); code != http.StatusOK {
		t.Fatalf("keep: %d", code)
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Lerato", "text": "Order 7781 ships free: a coupon was applied."}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	wait(5)
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Lerato"}, nil); code != http.StatusOK {
		t.Fatalf("return: %d", code)
	}
	s.say(phone, "Thanks! When are you open on Saturday?")
	got := wait(7)
	if !strings.Contains(got[6], "Saturday") {
		t.Fatalf("bot after the return: %q", got)
	}
	s.recordHistory(phone, "lifecycle")
}
