package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// withStaffedKB is a knowledge base with no support hours: people answer around the clock, so that the
// unclaimed timer runs now whatever the time of the test.
func withStaffedKB(t testing.TB) stackOption {
	path := filepath.Join(t.TempDir(), "kb.yaml")
	doc := "business:\n  name: Baobab\n  timezone: Africa/Johannesburg\nfaqs:\n" +
		"  - id: trading_hours\n    questions: [\"What are your trading hours?\"]\n    answer: \"We're open 08:00-17:00.\"\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return withEnv("KNOWLEDGE_BASE", path)
}

const escalationMention = "<!subteam^S0123>"

// bumps are the escalation messages in a card's thread that are also shown in the channel.
func (s *stack) bumps(card testkit.SlackCall) []testkit.SlackCall {
	var out []testkit.SlackCall
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.OK() && c.ThreadTS == card.TS && c.Form.Get("reply_broadcast") == "true" {
			out = append(out, c)
		}
	}
	return out
}

func TestUnclaimedHandoffBumpsSlackWithMention(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withStaffedKB(t), withEnv("HANDOFF_UNCLAIMED_TIMEOUT", "2s"),
		withEnv("SLACK_ESCALATION_MENTION", escalationMention), withEnv("PUBLIC_URL", slackPublic))
	phone, card := s.slackHandoff()
	s.waitSlack(func() bool { return len(s.bumps(card)) > 0 }, "the escalation bump in the channel")
	bump := s.bumps(card)[0]
	if !strings.HasPrefix(bump.Text, escalationMention+" ") || !strings.Contains(bump.Text, "+"+phone) ||
		!strings.Contains(bump.Text, slackPublic+"/agent/#/conversations/"+phone) {
		t.Fatalf("bump text %q", bump.Text)
	}
	c := s.conversation(phone)
	if !c.Overdue || c.EscalatedAt == nil {
		t.Fatalf("the conversation is not overdue: %+v", c)
	}
	s.settle(phone, "")
	root, _ := s.slack.Message(card.Channel, card.TS)
	if !strings.Contains(strings.Join(root.BlockTexts(), "\n"), "Overdue") {
		t.Fatalf("the card does not say it is overdue: %q", root.BlockTexts())
	}
	var list []conversation.Snapshot
	s.api("GET", "/api/conversations?status=handoff", nil, &list)
	listed := false
	for _, l := range list {
		listed = listed || l.Phone == phone && l.Overdue
	}
	if !listed {
		t.Fatalf("the list does not mark %s overdue: %+v", phone, list)
	}
	waits := 0
	for _, m := range s.graph.Messages(phone) {
		if strings.Contains(m.Text, "Sorry for the wait") {
			waits++
		}
	}
	if waits != 1 {
		t.Fatalf("the customer was told %d times about the wait: %+v", waits, s.graph.Messages(phone))
	}
	_, metrics := s.get("/metrics")
	if !strings.Contains(metrics, "supportd_handoff_escalations_total 1") {
		t.Fatal("the escalation is not counted in /metrics")
	}
	// Once only: another customer message does not bump again.
	s.settle(phone, s.say(phone, "hello? anyone?"))
	if n := len(s.bumps(card)); n != 1 {
		t.Fatalf("%d bumps", n)
	}
	s.recordHistory(phone, "escalation")
}

func TestUnclaimedTimerCancelledByTakeoverThroughAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withStaffedKB(t), withEnv("HANDOFF_UNCLAIMED_TIMEOUT", "3s"))
	phone, card := s.slackHandoff()
	if code := s.api("POST", "/api/conversations/"+phone+"/takeover", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("takeover: %d", code)
	}
	s.settle(phone, "")
	// The durable timer, named in the Temporal UI, runs out (Temporal leaves a timer of a satisfied wait to
	// fire): then nothing follows, since the handoff is taken.
	var started, fired int
	testkit.Poll(20*time.Second, func() bool {
		started, fired = s.unclaimedTimers(phone)
		return fired == 1
	})
	if started != 1 || fired != 1 {
		t.Fatalf("unclaimed timers: %d started, %d fired", started, fired)
	}
	s.settle(phone, "")
	if n := len(s.bumps(card)); n != 0 || s.conversation(phone).Overdue {
		t.Fatalf("escalated after a takeover: %d bumps", n)
	}
	for _, m := range s.graph.Messages(phone) {
		if strings.Contains(m.Text, "Sorry for the wait") {
			t.Fatalf("the customer was told of a wait after a takeover: %q", m.Text)
		}
	}
}

// unclaimedTimers counts the unclaimed-handoff timers of a conversation's history: started and fired.
func (s *stack) unclaimedTimers(phone string) (started, fired int) {
	s.t.Helper()
	ids := map[string]bool{}
	it := s.temporal().GetWorkflowHistory(context.Background(), workflows.WorkflowID(phone), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		switch {
		case e.GetTimerStartedEventAttributes() != nil:
			if strings.Contains(string(e.GetUserMetadata().GetSummary().GetData()), "unclaimed handoff") {
				ids[e.GetTimerStartedEventAttributes().GetTimerId()] = true
				started++
			}
		case e.GetTimerFiredEventAttributes() != nil && ids[e.GetTimerFiredEventAttributes().GetTimerId()]:
			fired++
		}
	}
	return started, fired
}

// templateBody is a Graph request body without its callback data (a tag of the send).
func templateBody(t *testing.T, m testkit.GraphMessage) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(m.Body, &body); err != nil {
		t.Fatal(err)
	}
	delete(body, "biz_opaque_callback_data")
	return body
}

func wantTemplate(to, text string) map[string]any {
	return map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
		"template": map[string]any{
			"name": "agent_reply", "language": map[string]any{"code": "en_US"},
			"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": text}}}},
		},
	}
}

func TestLateReplyGoesOutAsTemplate(t *testing.T) {
	t.Parallel()
	s := newStack(t, withEnv("WHATSAPP_REPLY_TEMPLATE", "agent_reply"), withEnv("WHATSAPP_REPLY_TEMPLATE_LANGUAGE", "en_US"))
	phone := newPhone()
	s.say(phone, refundRequest)
	s.waitStatus(phone, conversation.StatusHandoff)
	s.settle(phone, "")
	s.graph.CloseWindow(phone) // WhatsApp says the window closed: 131047
	var res struct {
		MessageID string `json:"message_id"`
	}
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "Your refund is on its way"}, &res); code != http.StatusOK {
		t.Fatalf("late reply answered %d", code)
	}
	msgs := s.graph.Messages(phone)
	last := msgs[len(msgs)-1]
	if last.Type != "template" || last.ID != res.MessageID {
		t.Fatalf("last message %+v", last)
	}
	if got, want := templateBody(t, last), wantTemplate(phone, "Your refund is on its way"); !reflect.DeepEqual(got, want) {
		t.Fatalf("template payload\n got %v\nwant %v", got, want)
	}
	tr := s.conversation(phone).Transcript
	if !strings.Contains(tr[len(tr)-1].Text, "reply template") || tr[len(tr)-2].Text != "Your refund is on its way" {
		t.Fatalf("transcript ends %+v", tr[len(tr)-2:])
	}
	s.recordHistory(phone, "late_reply_template")
}

func TestLateReplyWithoutTemplateTellsTheAgent(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, refundRequest)
	s.waitStatus(phone, conversation.StatusHandoff)
	s.settle(phone, "")
	s.graph.CloseWindow(phone)
	var e struct{ Error string }
	if code := s.api("POST", "/api/conversations/"+phone+"/reply", map[string]string{"agent": "Sipho", "text": "still there?"}, &e); code != http.StatusUnprocessableEntity ||
		!strings.Contains(e.Error, "WHATSAPP_REPLY_TEMPLATE") {
		t.Fatalf("late reply without a template: %d %q", code, e.Error)
	}
	tr := s.conversation(phone).Transcript
	if l := tr[len(tr)-1]; l.Text != "still there?" || l.Delivery != conversation.DeliveryFailed || l.Error == "" {
		t.Fatalf("the reply is not kept as not delivered: %+v", l)
	}
}

func TestAgentStartsConversationThroughAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t, withEnv("WHATSAPP_REPLY_TEMPLATE", "agent_reply"), withEnv("WHATSAPP_REPLY_TEMPLATE_LANGUAGE", "en_US"))
	// A customer who never wrote: the template.
	fresh := newPhone()
	if code := s.api("POST", "/api/conversations/"+fresh+"/message", map[string]string{"agent": "Sipho", "text": "Your order 5544 is ready"}, nil); code != http.StatusOK {
		t.Fatalf("message to a new customer: %d", code)
	}
	c := s.conversation(fresh)
	if c.Status != conversation.StatusHandoff || c.Assignee != "Sipho" || c.HandoffReason != "agent_takeover" {
		t.Fatalf("new conversation: %s %q %s", c.Status, c.Assignee, c.HandoffReason)
	}
	s.settle(fresh, "")
	msgs := s.graph.Messages(fresh)
	if len(msgs) != 1 || !reflect.DeepEqual(templateBody(t, msgs[0]), wantTemplate(fresh, "Your order 5544 is ready")) {
		t.Fatalf("to a new customer: %+v", msgs)
	}
	// A customer who wrote a minute ago: free-form, and the conversation is the agent's.
	recent := newPhone()
	s.settle(recent, s.say(recent, "What are your trading hours?"))
	if code := s.api("POST", "/api/conversations/"+recent+"/message", map[string]string{"agent": "Lerato", "text": "Hi, it's Lerato from Baobab"}, nil); code != http.StatusOK {
		t.Fatalf("message in the window: %d", code)
	}
	s.settle(recent, "")
	msgs = s.graph.Messages(recent)
	if last := msgs[len(msgs)-1]; last.Type != "text" || last.Text != "Hi, it's Lerato from Baobab" || len(msgs) != 2 {
		t.Fatalf("in the window: %+v", msgs)
	}
	if c := s.conversation(recent); c.Assignee != "Lerato" || c.Status != conversation.StatusHandoff {
		t.Fatalf("after the agent's message: %s %q", c.Status, c.Assignee)
	}
}

// A Slack thread reply after the window, with no template: the agent is told in the thread, and the reply is
// kept in the transcript as not delivered.
func TestLateSlackReplyWithoutTemplateToldInThread(t *testing.T) {
	t.Parallel()
	s := newStack(t, withSlack(), withEnv("HANDOFF_UNCLAIMED_TIMEOUT", "0"))
	s.slack.AddUser(alice, "Alice")
	phone, card := s.slackHandoff()
	if code := s.take(alice, phone, card); code != http.StatusOK {
		t.Fatalf("take: %d", code)
	}
	s.waitStatus(phone, conversation.StatusHandoff)
	s.settle(phone, "")
	s.graph.CloseWindow(phone)
	ev := testkit.SlackMessageEvent{User: alice, ThreadTS: card.TS, Text: "Are you still there?"}
	if code := s.slackEvent(ev, 0); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	var told []testkit.SlackCall
	s.waitSlack(func() bool { told = s.threadEphemerals(alice, card.TS); return len(told) > 0 }, "the agent told in the thread")
	if !strings.Contains(told[0].Text, "24-hour WhatsApp window is closed") || !strings.Contains(told[0].Text, "WHATSAPP_REPLY_TEMPLATE") {
		t.Fatalf("told %q", told[0].Text)
	}
	s.settle(phone, "")
	tr := s.conversation(phone).Transcript
	if l := tr[len(tr)-1]; l.Text != "Are you still there?" || l.Delivery != conversation.DeliveryFailed {
		t.Fatalf("transcript ends %+v", l)
	}
}
