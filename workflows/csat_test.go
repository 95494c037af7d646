package workflows

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// --- the decisions ---

// --- the workflow ---

// newCSATHarness is the harness with CSAT on, recording the ratings counted.
func newCSATHarness(t *testing.T) (*harness, *[]string) {
	h := newHarness(t)
	h.settings.CSAT = true
	var counted []string
	h.env.OnActivity(a.CountRating, mock.Anything, mock.Anything).Return(func(ctx context.Context, score string) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		counted = append(counted, score)
		return nil
	})
	return h, &counted
}

func tap(id, title string) conversation.Message {
	m := text(title)
	m.Kind, m.ButtonID = conversation.KindButton, id
	return m
}

// handOffAndReturn hands the conversation off at 1s (a refund request) and returns it at 10m with a note.
func (h *harness) handOffAndReturn(note string) {
	h.signal(time.Second, text("I want a refund for order 5544"))
	h.at(10*time.Minute, func() {
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho", Note: note}, func(r any, err error) {
			if err != nil {
				h.t.Errorf("return to bot: %v", err)
			}
		})
	})
}

func (h *harness) sentAt(i int) activities.SendInput {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if i >= len(h.sent) {
		h.t.Fatalf("only %d messages sent: %+v", len(h.sent), h.sent)
	}
	return h.sent[i]
}

func buttonIDs(in activities.SendInput) []string {
	var ids []string
	for _, b := range in.Buttons {
		ids = append(ids, b.ID)
	}
	return ids
}

func (h *harness) transcriptHas(sub string) bool {
	for _, l := range h.query(QueryConversation).Transcript {
		if strings.Contains(l.Text, sub) {
			return true
		}
	}
	return false
}

func TestCSATAskedOnceWithButtonsAfterReturn(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, text("What are your trading hours?"))
	h.signal(2*time.Hour, text("How much is delivery?"))
	h.run(3 * time.Hour)
	sent := h.sentTexts()
	if len(sent) != 4 {
		t.Fatalf("sent = %q", sent)
	}
	back := h.sentAt(1)
	want := []string{conversation.ButtonCSATGood, conversation.ButtonCSATOK, conversation.ButtonCSATBad}
	if back.Kind != activities.SendReturnNotice || !slices.Equal(buttonIDs(back), want) ||
		!strings.HasPrefix(back.Text, returnedNotice("Baobab")) || !strings.Contains(back.Text, "How did our team do?") {
		t.Fatalf("welcome back = %+v, want one message with the buttons %v", back, want)
	}
	for i := 2; i < 4; i++ {
		if b := h.sentAt(i).Buttons; len(b) != 0 {
			t.Errorf("message %d carries buttons again: %+v", i, b)
		}
	}
	if len(*counted) != 0 {
		t.Errorf("ratings counted: %v", *counted)
	}
}

func TestCSATAskedOncePerHandoff(t *testing.T) {
	t.Parallel()
	h, _ := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, tap(conversation.ButtonCSATGood, conversation.ScoreGood.Title()))
	h.signal(2*time.Hour, text("I want a refund for order 6000 too"))
	h.at(3*time.Hour, func() {
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Lerato"}, func(r any, err error) {
			if err != nil {
				t.Errorf("second return: %v", err)
			}
		})
	})
	h.run(4 * time.Hour)
	asks := 0
	h.mu.Lock()
	for _, s := range h.sent {
		if len(s.Buttons) > 0 && s.Buttons[0].ID == conversation.ButtonCSATGood {
			asks++
		}
	}
	h.mu.Unlock()
	if asks != 2 {
		t.Fatalf("asked %d times for two handoffs: %q", asks, h.sentTexts())
	}
}

func TestCSATTapRecorded(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, tap(conversation.ButtonCSATGood, conversation.ScoreGood.Title()))
	h.signal(90*time.Minute, tap(conversation.ButtonCSATBad, conversation.ScoreBad.Title())) // a second tap changes nothing
	h.at(2*time.Hour, func() {
		s := h.query(QueryConversation)
		if s.CSAT != "good" || s.Status != conversation.StatusActive {
			t.Errorf("csat %q status %s", s.CSAT, s.Status)
		}
		if !h.transcriptHas("Rated the help: Great") {
			t.Errorf("no rating in the transcript: %+v", s.Transcript)
		}
	})
	h.run(3 * time.Hour)
	if !slices.Equal(*counted, []string{"good"}) {
		t.Fatalf("counted = %v", *counted)
	}
	sent := h.sentTexts()
	if len(sent) != 3 || sent[2] != textRatingThanks {
		t.Fatalf("sent = %q", sent)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	last := h.notices[len(h.notices)-1]
	if last.Kind != conversation.NoticeCardUpdate || last.Card == nil || last.Card.CSAT != "good" {
		t.Fatalf("the card does not show the rating: %+v", last)
	}
}

func TestCSATTypedAnswerRecorded(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, text("ok!"))
	h.at(2*time.Hour, func() {
		if s := h.query(QueryConversation); s.CSAT != "ok" {
			t.Errorf("csat = %q", s.CSAT)
		}
	})
	h.run(3 * time.Hour)
	if !slices.Equal(*counted, []string{"ok"}) {
		t.Fatalf("counted = %v", *counted)
	}
	if len(h.analyzed) != 1 {
		t.Fatalf("the rating went to the classifier: %q", h.analyzed)
	}
}

func TestCSATNotGoodReopens(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, tap(conversation.ButtonCSATBad, conversation.ScoreBad.Title()))
	h.signal(90*time.Minute, text("What are your trading hours?"))
	h.at(2*time.Hour, func() {
		s := h.query(QueryConversation)
		if !s.Status.BotSilent() || s.HandoffReason != handoff.ReasonCSATBad || s.CSAT != "bad" {
			t.Errorf("status %s reason %s csat %q", s.Status, s.HandoffReason, s.CSAT)
		}
	})
	h.run(3 * time.Hour)
	if !slices.Equal(*counted, []string{"bad"}) {
		t.Fatalf("counted = %v", *counted)
	}
	sent := h.sentTexts()
	if len(sent) != 3 || !strings.Contains(sent[2], "look at this again") {
		t.Fatalf("sent = %q", sent)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var cards []*conversation.Card
	for _, n := range h.notices {
		if n.Kind == conversation.NoticeHandoff {
			cards = append(cards, n.Card)
		}
	}
	if len(cards) != 2 || cards[1].Reason != handoff.ReasonCSATBad || cards[1].CSAT != "bad" {
		t.Fatalf("second handoff card = %+v", cards)
	}
}

func TestCSATLapsesWhenTheCustomerAsksSomethingElse(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.handOffAndReturn("")
	h.signal(time.Hour, text("What are your trading hours?"))
	h.signal(2*time.Hour, text("ok"))
	h.at(3*time.Hour, func() {
		if s := h.query(QueryConversation); s.CSAT != "" || s.Status != conversation.StatusActive {
			t.Errorf("csat %q status %s", s.CSAT, s.Status)
		}
	})
	h.run(4 * time.Hour)
	sent := h.sentTexts()
	if len(sent) < 3 || sent[2] != "We're open 08:00-17:00." {
		t.Fatalf("the question was not answered: %q", sent)
	}
	if len(*counted) != 0 || contains(sent, textRatingThanks) {
		t.Fatalf("a lapsed question took a rating: counted %v, sent %q", *counted, sent)
	}
	if !slices.Contains(h.analyzed, "ok") {
		t.Fatalf("the later ok was not read as a message: %q", h.analyzed)
	}
}

func TestCSATOff(t *testing.T) {
	t.Parallel()
	h, counted := newCSATHarness(t)
	h.settings.CSAT = false
	h.handOffAndReturn("")
	h.signal(time.Hour, text("great"))
	h.run(2 * time.Hour)
	back := h.sentAt(1)
	if back.Text != returnedNotice("Baobab") || len(back.Buttons) != 0 {
		t.Fatalf("welcome back = %+v, want the plain one", back)
	}
	if len(*counted) != 0 {
		t.Fatalf("counted = %v", *counted)
	}
}

func TestNoWelcomeBackOutsideTheWindow(t *testing.T) {
	t.Parallel()
	h, _ := newCSATHarness(t)
	h.signal(time.Second, text("I want a refund for order 5544"))
	h.at(30*time.Hour, func() {
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho"}, func(r any, err error) {
			if err != nil {
				t.Errorf("return to bot: %v", err)
			}
		})
	})
	h.at(31*time.Hour, func() {
		if !h.transcriptHas("window is closed") {
			t.Error("the transcript does not say why the customer was not told")
		}
	})
	h.run(32 * time.Hour)
	if sent := h.sentTexts(); len(sent) != 1 {
		t.Fatalf("sent outside the window: %q", sent)
	}
}

// followUpModel reads "and ..." as a follow-up of the customer's latest open question, as a model given the
// recent turns may: it is what would make an old request for a person hand off again after a return.
func followUpModel(h *harness) func(activities.ReplyInput, activities.ReplyResult) activities.ReplyResult {
	return func(in activities.ReplyInput, r activities.ReplyResult) activities.ReplyResult {
		if r.Topic == "" && r.Intent != conversation.IntentGreeting && r.Intent != conversation.IntentThanks {
			r.Topic = "q:" + strings.ToLower(in.Text)
		}
		if !strings.HasPrefix(strings.ToLower(in.Text), "and ") {
			return r
		}
		for i := len(in.Recent) - 1; i >= 0; i-- {
			if t := in.Recent[i]; t.Role == "" && !t.Settled {
				an, _ := h.analyze(context.Background(), t.Text)
				r.Analysis = an
				break
			}
		}
		return r
	}
}

func TestHandBackNoteInMemoryAndTheOldRequestDoesNotHandOffAgain(t *testing.T) {
	t.Parallel()
	h, _ := newCSATHarness(t)
	h.model = followUpModel(h)
	h.handOffAndReturn("Refund of order 5544 approved, 3-5 working days")
	h.signal(time.Hour, text("and how long does that take?"))
	h.at(2*time.Hour, func() {
		s := h.query(QueryConversation)
		if s.Status != conversation.StatusActive {
			t.Errorf("the old request handed off again: %s %s", s.Status, s.HandoffReason)
		}
		if !h.transcriptHas("Note for the assistant from Sipho: Refund of order 5544 approved") {
			t.Errorf("the note is not in the transcript: %+v", s.Transcript)
		}
	})
	h.signal(3*time.Hour, text("I want a refund for order 7000 as well"))
	h.at(4*time.Hour, func() {
		if s := h.query(QueryStatus); !s.Status.BotSilent() || s.HandoffReason != handoff.ReasonRefund {
			t.Errorf("a new request did not hand off: %s %s", s.Status, s.HandoffReason)
		}
	})
	h.run(5 * time.Hour)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.replies) < 2 {
		t.Fatalf("engine calls = %+v", h.replies)
	}
	recent := h.replies[1].Recent
	if len(recent) < 2 {
		t.Fatalf("memory after the return = %+v", recent)
	}
	back := recent[len(recent)-1]
	if back.Role != conversation.RoleHandBack || !strings.Contains(back.Text, "Refund of order 5544 approved") ||
		!strings.Contains(back.Text, "Sipho") || !strings.Contains(back.Text, "Summary of the handoff: Summary: refund_request") {
		t.Fatalf("hand-back turn = %+v", back)
	}
	for _, turn := range recent[:len(recent)-1] {
		if !turn.Settled {
			t.Fatalf("a question from before the return is still open: %+v", recent)
		}
	}
}

func TestAgentsInternalNoteLeftForTheBot(t *testing.T) {
	t.Parallel()
	h, _ := newCSATHarness(t)
	h.signal(time.Second, text("I want a refund for order 5544"))
	h.at(5*time.Minute, func() {
		h.update(UpdateActivity, AgentRequest{Agent: "Sipho", AgentID: "U1", Note: "// refund approved, customer prefers email"}, func(r any, err error) {
			if err != nil {
				t.Errorf("note: %v", err)
			}
		})
	})
	h.at(10*time.Minute, func() {
		h.update(UpdateReturnToBot, AgentRequest{Agent: "Sipho", AgentID: "U1"}, func(r any, err error) {
			if err != nil {
				t.Errorf("return: %v", err)
			}
		})
	})
	h.signal(time.Hour, text("What are your trading hours?"))
	h.run(2 * time.Hour)
	h.mu.Lock()
	defer h.mu.Unlock()
	last := h.replies[len(h.replies)-1].Recent
	if len(last) == 0 || !strings.Contains(last[len(last)-1].Text, "Their note: refund approved, customer prefers email.") {
		t.Fatalf("memory = %+v", last)
	}
}
