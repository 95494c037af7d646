package integration

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/protobuf/proto"

	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// A customer who writes while an operator cancels their conversation (Temporal UI, `temporal workflow
// cancel`) is answered: whatever reaches the run while it ends starts a fresh conversation. The race is run
// SUPPORTD_CANCEL_ROUNDS times (20 by default), cancel and message as close together as a client can send them.
func TestMessageDuringCancelIsAnswered(t *testing.T) {
	t.Parallel()
	rounds := 20
	if n, err := strconv.Atoi(os.Getenv("SUPPORTD_CANCEL_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	s := newStack(t)
	var mu sync.Mutex
	lost := 0
	var wg sync.WaitGroup
	for round := range rounds {
		wg.Go(func() {
			phone := newPhone()
			s.say(phone, "What are your trading hours?")
			s.graph.WaitForMessages(t, phone, 1, 30*time.Second)
			s.settle(phone, "")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// The cancel and the message go out together: the message reaches the run while it ends.
			var cwg sync.WaitGroup
			cwg.Go(func() {
				if err := s.temporal().CancelWorkflow(ctx, workflows.WorkflowID(phone), ""); err != nil {
					t.Errorf("cancel: %v", err)
				}
			})
			id := s.say(phone, "How much is delivery?")
			cwg.Wait()
			answered := testkit.Poll(20*time.Second, func() bool {
				for _, m := range s.graph.Messages(phone) {
					if strings.Contains(m.Text, "delivery") || strings.Contains(m.Text, "Delivery") {
						return true
					}
				}
				return false
			})
			shown := false
			var c conversation.Snapshot
			if s.api("GET", "/api/conversations/"+phone, nil, &c) == http.StatusOK {
				for _, l := range c.Transcript {
					shown = shown || l.ID == id
				}
			}
			if !answered || !shown {
				mu.Lock()
				lost++
				mu.Unlock()
				t.Errorf("round %d: the message sent during the cancel was answered %v, shown %v: %+v", round, answered, shown, s.graph.Messages(phone))
			}
		})
	}
	wg.Wait()
	t.Logf("cancel race: %d of %d messages lost", lost, rounds)
}

// A burst of maximal WhatsApp texts (60,000 characters each, some of them emoji or characters JSON escapes)
// does not wedge the conversation: it continues as new with a state bounded in bytes, answers again, and the
// API shows it, each long line saying where its whole text is.
func TestBurstOfMaximalMessagesDoesNotWedge(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	phone := newPhone()
	s.say(phone, "I want a refund")
	s.waitStatus(phone, conversation.StatusHandoff)
	id := workflows.WorkflowID(phone)
	first := executionOf(context.Background(), s, id).RunId
	bodies := []string{strings.Repeat("a", 60000), strings.Repeat("<", 60000), strings.Repeat("😀", 60000)}
	var long string
	for i := range 80 {
		m := s.hook.Text(phone, bodies[i%len(bodies)])
		if i == 0 {
			long = m.ID
		}
		if code := s.post(s.hook.Body(m)); code != http.StatusOK {
			t.Fatalf("message %d: webhook answered %d", i, code)
		}
	}
	ctx := context.Background()
	eventually(t, 60*time.Second, func() bool {
		return executionOf(ctx, s, id).RunId != first
	}, "the conversation to continue as new")
	carried := 0
	it := s.temporal().GetWorkflowHistory(ctx, id, first, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
			carried = proto.Size(a.GetInput())
		}
	}
	t.Logf("80 messages of 60,000 characters: the continue-as-new carried %d bytes", carried)
	if carried == 0 || carried > conversation.CarriedBudget {
		t.Fatalf("the continue-as-new carried %d bytes (budget %d)", carried, conversation.CarriedBudget)
	}

	// The conversation still works: an agent takes it, hands it back, and the bot answers.
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("return to bot: %d", code)
	}
	s.say(phone, "What are your trading hours?")
	eventually(t, 30*time.Second, func() bool {
		for _, m := range s.graph.Messages(phone) {
			if strings.Contains(m.Text, "08:00") {
				return true
			}
		}
		return false
	}, "the bot to answer after the burst")
	c := s.conversation(phone)
	for _, l := range c.Transcript {
		if l.ID != long {
			continue
		}
		if l.Cut == nil || l.Cut.Length != 60000 || l.Cut.RunID != first || l.Cut.URL == "" {
			t.Fatalf("the long line says %+v", l.Cut)
		}
		var whole struct {
			Text   string `json:"text"`
			Length int    `json:"length"`
		}
		if code := s.api("GET", l.Cut.URL, nil, &whole); code != http.StatusOK || whole.Length != 60000 || whole.Text != bodies[0] {
			t.Fatalf("GET %s: %d, %d characters", l.Cut.URL, code, whole.Length)
		}
	}
}

// A customer message that arrives while the handoff is being announced (the summary is slow), and that an agent
// hands back before it is handled, reaches the agents in the handoff's Slack thread: it is not dropped, and the
// bot does not answer what was written to a person.
func TestMessageHeldAcrossAReturnReachesPeople(t *testing.T) {
	t.Parallel()
	s := newStack(t, withOpenAI(), withSlack())
	keyword := testkit.KeywordResponder(s.kb)
	s.openai.Handle(func(req testkit.ChatRequest) testkit.ChatReply {
		r := keyword(req)
		if req.SchemaName == "" { // the agents' summary
			r.Delay = 3 * time.Second
		}
		return r
	})
	phone := newPhone()
	s.say(phone, "I want a refund for order 4411")
	s.waitStatus(phone, conversation.StatusHandoff)
	id := s.say(phone, "my order number is 1234, what are your trading hours?")
	if code := s.api("POST", "/api/conversations/"+phone+"/return-to-bot", map[string]string{"agent": "Sipho"}, nil); code != http.StatusOK {
		t.Fatalf("return to bot: %d", code)
	}
	s.settle(phone, id)
	posted := 0
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.OK() && c.ThreadTS != "" && strings.Contains(c.Text, "order number is 1234") {
			posted++
		}
	}
	for _, m := range s.graph.Messages(phone) {
		if strings.Contains(m.Text, "Monday to Friday") {
			t.Fatalf("the bot answered a message written to a person: %q", m.Text)
		}
	}
	if posted != 1 {
		t.Fatalf("the held message was posted %d times in the handoff's thread", posted)
	}
}

// A flood from one number costs a bounded number of model calls: messages that arrive during a bot turn are
// answered together in the next one (BOT_TURNS_PER_MINUTE bounds the turns), and every message is kept.
func TestFloodFromOneNumberBoundsModelCalls(t *testing.T) {
	t.Parallel()
	s := newStack(t, withOpenAI())
	phone := newPhone()
	var ids []string
	for i := range 100 {
		ids = append(ids, s.say(phone, "hello, is anyone there? message "+strconv.Itoa(i)))
	}
	// Past BOT_TURNS_PER_MINUTE the last turn waits for a minute since the first and for the customer to pause.
	var p workflows.Progress
	var qerr error
	eventually(t, 90*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		v, err := s.temporal().QueryWorkflow(ctx, workflows.WorkflowID(phone), "", workflows.QueryProgress, ids[len(ids)-1])
		if qerr = err; err != nil || v.Get(&p) != nil {
			return false
		}
		return p.Accepted && p.Settled
	}, "the flood to be answered: %+v %v", &p, &qerr)
	calls := 0
	last := ""
	for _, r := range s.openai.Requests() {
		if r.SchemaName != "" { // a bot turn; the summary has none
			calls++
			last = r.User()
		}
	}
	kept := 0
	for _, l := range s.conversation(phone).Transcript {
		if l.From == conversation.FromCustomer {
			kept++
		}
	}
	t.Logf("a flood of 100 messages from one number: %d model calls, %d messages kept", calls, kept)
	if kept != 100 {
		t.Fatalf("%d of 100 messages kept", kept)
	}
	if calls > 8 {
		t.Fatalf("%d model calls for a flood of 100 messages", calls)
	}
	if !strings.Contains(last, "message 99") {
		t.Fatalf("the last model call did not read the last message: %q", last)
	}
}
