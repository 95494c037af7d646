package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows/conversation"
)

// newUserID is a business-scoped user ID no other test uses.
func newUserID() string { return fmt.Sprintf("ZA.%d%d", time.Now().UnixNano(), phoneSeq.Add(1)) }

// transcriptOf counts a conversation's lines by who wrote them.
func transcriptOf(c conversation.Snapshot) map[string]int {
	n := map[string]int{}
	for _, l := range c.Transcript {
		n[l.From]++
	}
	return n
}

func TestUsernameCustomerAnsweredThroughRecipient(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	user := newUserID()
	m := s.hook.Text("", "What are your trading hours?").WithUser(user, "thandi_m")
	if code := s.post(s.hook.Body(m)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	msgs := s.graph.WaitForMessages(t, user, 1, 20*time.Second)
	if msgs[0].Recipient != user || msgs[0].To != "" || !strings.Contains(msgs[0].Text, "08:00") {
		t.Fatalf("answer sent to=%q recipient=%q: %q", msgs[0].To, msgs[0].Recipient, msgs[0].Text)
	}
	if d := s.graph.Dropped(); len(d) != 0 {
		t.Fatalf("messages dropped by WhatsApp: %+v", d)
	}
	c := s.conversation(user)
	if c.Phone != user || c.UserID != user || c.Username != "thandi_m" || c.WaID != "" {
		t.Fatalf("conversation identifiers: %+v", c)
	}
	// The agents' replies go the same way.
	if code := s.api("POST", "/api/conversations/"+user+"/takeover", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("takeover: %d", code)
	}
	if code := s.api("POST", "/api/conversations/"+user+"/reply", map[string]string{"agent": "Sipho", "text": "Hi Thandi"}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	msgs = s.graph.WaitForMessages(t, user, 3, 20*time.Second) // answer, takeover notice, reply
	for _, m := range msgs {
		if m.To != "" || m.Recipient != user {
			t.Fatalf("a message went to=%q recipient=%q", m.To, m.Recipient)
		}
	}
	if d := s.graph.Dropped(); len(d) != 0 {
		t.Fatalf("messages dropped by WhatsApp: %+v", d)
	}
}

func TestIdentifiersKeepOneConversation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone, user, newNumber := newPhone(), newUserID(), newPhone()
	s.graph.LinkUser(phone, user)
	first := s.hook.Text(phone, "I want a refund for order 5544").WithUser(user, "")
	if code := s.post(s.hook.Body(first)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	s.waitStatus(phone, conversation.StatusHandoff)
	s.settle(phone, first.ID)
	sent := len(s.graph.Messages(phone))

	// The same customer with the user ID only: same conversation, still with a person, bot silent.
	second := s.hook.Text("", "hello? what are your trading hours").WithUser(user, "")
	if code := s.post(s.hook.Body(second)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	s.settle(phone, second.ID)
	if c := s.conversation(user); c.Phone != phone || c.Status != conversation.StatusHandoff || transcriptOf(c)[conversation.FromCustomer] != 2 {
		t.Fatalf("by user ID: key %s status %s transcript %+v", c.Phone, c.Status, c.Transcript)
	}

	// A new number (user_changed_number), then a message from it alone.
	change := s.hook.ChangedNumber(phone, newNumber)
	if code := s.post(s.hook.Body(change)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	s.settle(phone, change.ID)
	third := s.hook.Text(newNumber, "it's me, on my new number")
	if code := s.post(s.hook.Body(third)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	s.settle(phone, third.ID)
	c := s.conversation(newNumber)
	if c.Phone != phone || c.WaID != newNumber || c.Status != conversation.StatusHandoff || transcriptOf(c)[conversation.FromCustomer] != 4 {
		t.Fatalf("by the new number: key %s wa_id %s status %s transcript %+v", c.Phone, c.WaID, c.Status, c.Transcript)
	}
	if got := len(s.graph.Messages(phone)); got != sent {
		t.Fatalf("the bot answered during the handoff: %d messages, had %d", got, sent)
	}
	// The agent's reply goes to the customer's number now.
	if code := s.api("POST", "/api/conversations/"+user+"/reply", map[string]string{"agent": "Sipho", "text": "Got it"}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	msgs := s.graph.WaitForMessages(t, newNumber, 1, 20*time.Second)
	if msgs[0].To != newNumber || msgs[0].Text != "Got it" {
		t.Fatalf("reply went to %q: %q", msgs[0].To, msgs[0].Text)
	}
	// The search attributes know the conversation by its current identifiers.
	eventually(t, 20*time.Second, func() bool {
		n, err := s.temporal().CountWorkflow(context.Background(), countRequest{
			Query: "CustomerPhone = '" + newNumber + "' AND CustomerUserID = '" + user + "'"}.proto(s.cfg.TemporalNamespace))
		return err == nil && n.GetCount() == 1
	}, "CustomerPhone and CustomerUserID in Temporal visibility")
}

// TestLinksLostInRedis: Redis loses the customer's links (and the mark that it holds them all); a message
// with the user ID alone still reaches the conversation, found by its search attributes.
func TestLinksLostInRedis(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone, user := newPhone(), newUserID()
	first := s.hook.Text(phone, "I want a refund for order 77").WithUser(user, "")
	if code := s.post(s.hook.Body(first)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	s.waitStatus(phone, conversation.StatusHandoff)
	eventually(t, 20*time.Second, func() bool {
		n, err := s.temporal().CountWorkflow(context.Background(), countRequest{
			Query: "CustomerUserID = '" + user + "'"}.proto(s.cfg.TemporalNamespace))
		return err == nil && n.GetCount() == 1
	}, "the user ID in Temporal visibility")
	ctx := context.Background()
	if err := s.rdb.Del(ctx, "wa_link:"+phone, "wa_link:"+user, "wa_links:complete").Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	second := s.hook.Text("", "any news?").WithUser(user, "")
	if code := s.post(s.hook.Body(second)); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	t.Logf("webhook with lost links answered in %v", time.Since(start))
	s.settle(phone, second.ID)
	if c := s.conversation(phone); transcriptOf(c)[conversation.FromCustomer] != 2 || c.Status != conversation.StatusHandoff {
		t.Fatalf("the user ID started another conversation: %+v", c)
	}
	eventually(t, 20*time.Second, func() bool {
		key, _ := s.rdb.Get(ctx, "wa_link:"+user).Result()
		return key == phone
	}, "the link back in Redis")
}

func TestEchoDuringABotAnswerStopsTheBot(t *testing.T) {
	t.Parallel()
	s := newStack(t, withOpenAI())
	answer := testkit.KeywordResponder(s.kb)
	thinking := make(chan struct{}, 1)
	s.openai.Handle(func(req testkit.ChatRequest) testkit.ChatReply {
		r := answer(req)
		select {
		case thinking <- struct{}{}:
			r.Delay = 3 * time.Second // the model is still writing when the owner replies from the app
		default:
		}
		return r
	})
	phone := newPhone()
	q := s.say(phone, "What are your trading hours?")
	select {
	case <-thinking:
	case <-time.After(20 * time.Second):
		t.Fatal("the model was never asked")
	}
	e := s.hook.Echo(s.hook.Text(phone, "Hi, Sipho here from the shop: we open at 8"))
	if code := s.post(s.hook.Body(e)); code != http.StatusOK {
		t.Fatalf("echo answered %d", code)
	}
	s.settle(phone, q)
	s.settle(phone, e.Message.ID)
	s.quiet(phone, 0)
	c := s.conversation(phone)
	if c.Status != conversation.StatusHandoff || c.HandoffReason != handoff.ReasonBusinessAppReply || c.Assignee != conversation.BusinessAppAgent {
		t.Fatalf("after the echo: %s %s %q", c.Status, c.HandoffReason, c.Assignee)
	}
	var echoed bool
	for _, l := range c.Transcript {
		echoed = echoed || l.From == conversation.FromAgent && l.Source == conversation.SourceBusinessApp && strings.Contains(l.Text, "Sipho here")
	}
	if !echoed {
		t.Fatalf("the echo is not an agent line: %+v", c.Transcript)
	}
	// Coexistence syncs are accepted and never answered.
	if code := s.post(s.hook.Body(s.hook.History(phone, s.hook.Text(phone, "old chat")), s.hook.ContactSync(phone, "Thandi", "add"))); code != http.StatusOK {
		t.Fatalf("syncs answered %d", code)
	}
	s.quiet(phone, 0)
}

func TestFailedDeliveryShownAndToldInSlack(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack())
	phone, card := s.slackHandoff()
	s.settle(phone, "")
	s.graph.FailNextStatus(phone, 131026)
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "Which order was it?", "source": "console"}, nil); code != http.StatusOK {
		t.Fatalf("reply: %d", code)
	}
	var line conversation.Line
	eventually(t, 20*time.Second, func() bool {
		for _, l := range s.conversation(phone).Transcript {
			if l.From == conversation.FromAgent && l.Text == "Which order was it?" {
				line = l
				return l.Delivery == conversation.DeliveryFailed
			}
		}
		return false
	}, "the failed reply marked on its line")
	if line.Error == "" || line.Source != conversation.SourceConsole || line.Agent != "Sipho" {
		t.Fatalf("failed line %+v", line)
	}
	s.waitSlack(func() bool {
		for _, r := range s.slack.Replies(slackChannel, card.TS) {
			if strings.Contains(r.Text, "not delivered") && strings.Contains(r.Text, "Which order was it?") {
				return true
			}
		}
		return false
	}, "the failure told in the card's thread")
	// Other outbound lines show what WhatsApp reported (the fake reports sent and delivered).
	eventually(t, 20*time.Second, func() bool {
		for _, l := range s.conversation(phone).Transcript {
			if l.From == conversation.FromBot && l.Delivery == conversation.DeliveryDelivered {
				return true
			}
		}
		return false
	}, "the handoff notice marked delivered")
}
