package integration

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// TestModelAnswerSentByItsActivity: with a model, a question the knowledge base answers is answered in one
// activity (the model's reply, sent from it), the conversation records the answer as the bot's line, and the
// console's list shows it, with no send activity of the workflow's own.
func TestModelAnswerSentByItsActivity(t *testing.T) {
	t.Parallel()
	s := newStack(t, withOpenAI())
	phone := newPhone()
	q := s.say(phone, "What are your trading hours?")
	msgs := s.graph.WaitForMessages(t, phone, 1, 20*time.Second)
	answer := s.kb.FAQs[0].Answer
	if msgs[0].Text != answer {
		t.Fatalf("answered %q, want the trading hours", msgs[0].Text)
	}
	s.settle(phone, q)
	var activities []string
	it := s.temporal().GetWorkflowHistory(context.Background(), workflows.WorkflowID(phone), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			activities = append(activities, a.GetActivityType().GetName())
		}
	}
	if len(activities) != 1 || activities[0] != "Reply" {
		t.Fatalf("activities %v, want the reply alone", activities)
	}
	c := s.conversation(phone)
	last := c.Transcript[len(c.Transcript)-1]
	if last.From != conversation.FromBot || last.Text != answer || last.ID != msgs[0].ID {
		t.Fatalf("last line %+v", last)
	}
	var list []conversation.Snapshot
	eventually(t, 10*time.Second, func() bool {
		s.api("GET", "/api/conversations", nil, &list)
		for _, e := range list {
			if e.Phone == phone {
				return e.LastMessage == answer
			}
		}
		return false
	}, "the list to show the answer")
}
