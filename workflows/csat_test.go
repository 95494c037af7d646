package workflows

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// --- the decisions ---

func TestDecideRating(t *testing.T) {
	t.Parallel()
	asked := State{Handoffs: 1, CSAT: CSAT{For: 1, Pending: true}}
	lapsed := State{Handoffs: 1, CSAT: CSAT{For: 1}}
	rated := State{Handoffs: 1, CSAT: CSAT{For: 1, Score: ScoreGood}}
	older := State{Handoffs: 2, CSAT: CSAT{For: 1}}
	never := State{Handoffs: 1}
	tap := func(id string) CustomerMessage { return CustomerMessage{Kind: KindButton, ButtonID: id, Text: "x"} }
	typed := func(s string) CustomerMessage { return CustomerMessage{Kind: KindText, Text: s} }
	cases := []struct {
		name    string
		s       State
		m       CustomerMessage
		score   Score
		handled bool
	}{
		{"tap great", asked, tap(ButtonCSATGood), ScoreGood, true},
		{"tap ok", asked, tap(ButtonCSATOK), ScoreOK, true},
		{"tap not good", asked, tap(ButtonCSATBad), ScoreBad, true},
		{"tap after the question lapsed still counts", lapsed, tap(ButtonCSATBad), ScoreBad, true},
		{"tap after a rating: nothing to do", rated, tap(ButtonCSATBad), "", true},
		{"tap on an earlier handoff's question: nothing to do", older, tap(ButtonCSATGood), "", true},
		{"tap with no question asked: nothing to do", never, tap(ButtonCSATGood), "", true},
		{"another button is not a rating", asked, tap(ButtonHandoffYes), "", false},
		{"typed great", asked, typed("Great!"), ScoreGood, true},
		{"typed good", asked, typed("good"), ScoreGood, true},
		{"typed ok", asked, typed("ok"), ScoreOK, true},
		{"typed okay", asked, typed("Okay."), ScoreOK, true},
		{"typed bad", asked, typed("bad"), ScoreBad, true},
		{"typed not good", asked, typed("Not good"), ScoreBad, true},
		{"typed five", asked, typed("5"), ScoreGood, true},
		{"typed three stars", asked, typed("⭐⭐⭐"), ScoreOK, true},
		{"typed one star", asked, typed("⭐"), ScoreBad, true},
		{"thumbs up", asked, typed("👍"), ScoreGood, true},
		{"thumbs down", asked, typed("👎"), ScoreBad, true},
		{"a question is not a rating", asked, typed("What are your trading hours?"), "", false},
		{"a longer message is not a rating", asked, typed("not good, my parcel never arrived"), "", false},
		{"thanks is not a rating", asked, typed("thanks"), "", false},
		{"typed ok after the question lapsed is not a rating", lapsed, typed("ok"), "", false},
		{"typed great with no question is not a rating", never, typed("great"), "", false},
		{"media is not a rating", asked, CustomerMessage{Kind: KindMedia, Text: "[image]"}, "", false},
	}
	for _, tc := range cases {
		s := tc.s
		score, handled := decideRating(&s, tc.m)
		if score != tc.score || handled != tc.handled {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", tc.name, score, handled, tc.score, tc.handled)
		}
	}
}

func TestShouldAskCSAT(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	on := conversation.Settings{CSAT: true}
	cases := []struct {
		name string
		s    State
		want bool
	}{
		{"after a handoff, window open", State{Settings: on, Handoffs: 1, LastInbound: now.Add(-time.Hour)}, true},
		{"CSAT off", State{Handoffs: 1, LastInbound: now.Add(-time.Hour)}, false},
		{"already asked about this handoff", State{Settings: on, Handoffs: 1, CSAT: CSAT{For: 1}, LastInbound: now.Add(-time.Hour)}, false},
		{"asked about an earlier handoff", State{Settings: on, Handoffs: 2, CSAT: CSAT{For: 1, Score: ScoreBad}, LastInbound: now.Add(-time.Hour)}, true},
		{"window closed", State{Settings: on, Handoffs: 1, LastInbound: now.Add(-25 * time.Hour)}, false},
		{"customer never wrote", State{Settings: on, Handoffs: 1}, false},
	}
	for _, tc := range cases {
		s := tc.s
		if got := shouldAskCSAT(&s, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCSATButtonsFitWhatsApp(t *testing.T) {
	t.Parallel()
	if len(csatButtons) > 3 {
		t.Fatalf("%d buttons; WhatsApp allows 3", len(csatButtons))
	}
	for _, b := range csatButtons {
		if n := len([]rune(b.Title)); n == 0 || n > 20 {
			t.Errorf("button %q: title of %d characters", b.ID, n)
		}
	}
}

func TestHandBackMemory(t *testing.T) {
	t.Parallel()
	recent := []ai.Turn{{Topic: "q:a", Text: "I want a person"}, {Topic: "q:b", Text: "my order 5544"}}
	got := handBackMemory(recent, "Sipho", "Refund approved", handoff.ReasonRefund, "Customer wants a refund for 5544.")
	if len(got) != 3 || !got[0].Settled || !got[1].Settled || got[2].Role != ai.RoleHandBack || got[2].Settled {
		t.Fatalf("memory = %+v", got)
	}
	for _, want := range []string{"Sipho", "Refund request", "Their note: Refund approved.", "Customer wants a refund for 5544."} {
		if !strings.Contains(got[2].Text, want) {
			t.Errorf("hand-back %q lacks %q", got[2].Text, want)
		}
	}
	if recent[0].Settled {
		t.Error("handBackMemory changed its input")
	}
	long := make([]ai.Turn, maxRecent)
	if got := handBackMemory(long, "Sipho", "", handoff.ReasonRefund, ""); len(got) != maxRecent || got[maxRecent-1].Role != ai.RoleHandBack {
		t.Errorf("memory not bounded with the hand-back last: %d turns", len(got))
	}
	if got := cleanNote("  // prefers email  "); got != "prefers email" {
		t.Errorf("cleanNote = %q", got)
	}
}

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

func tap(id, title string) CustomerMessage {
	m := text(title)
	m.Kind, m.ButtonID = KindButton, id
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
	want := []string{ButtonCSATGood, ButtonCSATOK, ButtonCSATBad}
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
	h.signal(time.Hour, tap(ButtonCSATGood, titleGood))
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
		if len(s.Buttons) > 0 && s.Buttons[0].ID == ButtonCSATGood {
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
	h.signal(time.Hour, tap(ButtonCSATGood, titleGood))
	h.signal(90*time.Minute, tap(ButtonCSATBad, titleBad)) // a second tap changes nothing
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
	h.signal(time.Hour, tap(ButtonCSATBad, titleBad))
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
		if r.Topic == "" && r.Intent != ai.IntentGreeting && r.Intent != ai.IntentThanks {
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
	if back.Role != ai.RoleHandBack || !strings.Contains(back.Text, "Refund of order 5544 approved") ||
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
