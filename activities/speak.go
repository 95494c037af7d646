package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/supportd/supportd/workflows/conversation"
)

// A bot turn on the model path is one activity when it can be: the model classifies and answers, and when the
// conversation's rules would have the bot say the knowledge base's answer, the activity sends it at once
// instead of returning it to the workflow for a send of its own (one round trip through Temporal less for the
// customer to wait). The workflow says in advance, in Speak, when the rules allow it; it applies the same
// rules to the result, so the two agree (workflows' TestSpeakAgreesWithTheRules).
//
// A person taking over while the model thinks must still silence the bot. The turn's fence (TurnFence, in
// Redis) decides between the two: the activity claims the turn just before it sends, the workflow stops it
// when the bot is stopped; whoever is first holds it. A stopped turn is never sent; a claimed one is sent, and
// the takeover completes after it, as for a send already under way. Without the fence (Redis unreachable) the
// activity sends nothing and the workflow sends the answer as before.

// TurnFence decides a bot turn between its reply and a person taking over (store.Store). A claim belongs to
// one attempt of the reply activity and lasts claimWindow, which also bounds that attempt's send: an attempt
// that timed out cannot land its Graph API call after a later attempt, or a takeover, took the turn.
type TurnFence interface {
	// ClaimTurn lets sender (one attempt) send the turn's reply for window; it reports what it found instead
	// when the turn was stopped, sent, or is claimed by another attempt.
	ClaimTurn(ctx context.Context, turn, sender string, window time.Duration) (conversation.TurnClaim, error)
	// MarkTurnSent records that sender's claim was sent as wamid.
	MarkTurnSent(ctx context.Context, turn, sender, wamid string, ttl time.Duration) error
	// StopTurn is true when no reply of the turn can be sent any more, false when one is on its way; typing
	// is how long a typing indicator under way may still take.
	StopTurn(ctx context.Context, turn string, ttl time.Duration) (stopped bool, typing time.Duration, err error)
	// TypeTurn lets sender show the typing indicator for at most window, unless the turn was stopped.
	TypeTurn(ctx context.Context, turn, sender string, window time.Duration) (bool, error)
	// TypedTurn ends sender's typing indicator call.
	TypedTurn(ctx context.Context, turn, sender string) error
}

const (
	// turnTTL outlives every attempt of the reply activity and of the sends after it.
	turnTTL = 15 * time.Minute
	// claimWindow is how long one attempt may take to send the turn's reply once it claimed it.
	claimWindow = 20 * time.Second
	// typingWindow bounds the read receipt that shows the typing indicator; a stop waits for it.
	typingWindow = 3 * time.Second
	// fencePoll is how often an attempt or a stop looks at the fence again while another attempt holds it.
	fencePoll = 25 * time.Millisecond
)

// Speak is what the workflow allows the reply activity to send, and how.
type Speak struct {
	// Turn names the bot turn for the fence: the conversation and the customer message it answers.
	Turn string `json:"turn"`
	// Rules is what the rules of a bot turn read of the conversation, and At when the question was asked:
	// the activity decides with the same rules as the workflow (conversation.MaySay).
	Rules conversation.TurnContext `json:"rules"`
	At    time.Time                `json:"at,omitzero"`
	// OfferPending and RepeatTopics are what workers of the release before revision 4 decide with; they are
	// still sent so that such a worker, running during a rolling upgrade, says no more than the rules allow.
	OfferPending bool     `json:"offer_pending,omitempty"`
	RepeatTopics []string `json:"repeat_topics,omitempty"`
	// Send is the message without its text: the recipient, when the question came, and the conversation's
	// Redis mirror without its last message.
	Send SendInput `json:"send"`
}

// Allows reports whether the conversation's rules have the bot answer r with the knowledge base's answer,
// which the activity may then send.
func (s *Speak) Allows(r ReplyResult) bool {
	if s.At.IsZero() {
		return false // a workflow of an older release: it sends the answer itself
	}
	return conversation.MaySay(s.Rules, r.Analysis, r.Answer, s.At)
}

// Spoken is what became of an answer the reply activity was allowed to send.
type Spoken struct {
	// MessageID, Text and SentAt describe the message sent; Mirrored is true when its send wrote the mirror.
	MessageID string    `json:"message_id,omitempty"`
	Text      string    `json:"text,omitempty"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Mirrored  bool      `json:"mirrored,omitempty"`
	// Stopped is true when the bot was stopped first: nothing was sent.
	Stopped bool `json:"stopped,omitempty"`
	// Failed is why the send failed; the workflow sends the answer itself, under Tag, so that a message
	// WhatsApp took after all is not sent twice.
	Failed string `json:"failed,omitempty"`
	Tag    string `json:"tag,omitempty"`
}

// speak sends text for the turn unless the bot was stopped first. nil means the fence could not be asked:
// nothing was sent and the workflow sends it.
func (a *Activities) speak(ctx context.Context, s *Speak, text string) *Spoken {
	if a.Turns == nil || !activity.IsActivity(ctx) {
		return nil
	}
	tag, sender := turnSender(ctx)
	for {
		claim, err := a.Turns.ClaimTurn(ctx, s.Turn, sender, claimWindow)
		if err != nil {
			a.log().Warn("bot turn fence unavailable: the workflow sends the reply", "error", err)
			return nil
		}
		switch claim.State {
		case conversation.TurnStopped:
			return &Spoken{Stopped: true}
		case conversation.TurnSent:
			return &Spoken{MessageID: claim.MessageID, Text: text, SentAt: a.now()}
		case conversation.TurnBusy:
			// An earlier attempt of this activity claimed the turn and may still be sending: it cannot once
			// its claim lapsed.
			if !pause(ctx, min(claim.Wait+fencePoll, claimWindow)) {
				return &Spoken{Failed: ctx.Err().Error(), Tag: tag}
			}
			continue
		}
		break
	}
	in := s.Send
	in.Text, in.Kind, in.ReadID = text, SendAnswer, ""
	if in.Mirror != nil {
		m := *in.Mirror
		m.LastMessage = text
		in.Mirror = &m
	}
	sctx, cancel := context.WithTimeout(ctx, claimWindow)
	defer cancel()
	res, err := a.Send(sctx, in)
	if err != nil {
		a.log().Warn("bot reply not sent from its model activity: the workflow sends it", "error", err)
		return &Spoken{Failed: err.Error(), Tag: tag}
	}
	if err := a.Turns.MarkTurnSent(context.WithoutCancel(ctx), s.Turn, sender, res.MessageID, turnTTL); err != nil {
		a.log().Warn("bot turn not marked sent; a retried attempt relies on the send ledger", "error", err)
	}
	return &Spoken{MessageID: res.MessageID, Text: text, SentAt: res.SentAt, Mirrored: res.Mirrored}
}

// turnSender names the reply activity (tag, the send tag every attempt shares) and this attempt of it (sender).
func turnSender(ctx context.Context) (tag, sender string) {
	info := activity.GetInfo(ctx)
	tag = SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, info.ActivityID)
	return tag, fmt.Sprintf("%s.%d", tag, info.Attempt)
}

// pause waits d, heartbeating, or until ctx ends; it reports whether it waited the whole time.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx)
		}
		return true
	case <-ctx.Done():
		return false
	}
}

// typing shows the typing indicator with the read receipt of id, for the bot turn s, unless the turn was
// stopped first: the fence holds the indicator's call, and a stop waits for it (StopTurn). Without a turn or a
// fence the receipt goes with the indicator as before.
func (a *Activities) typing(ctx context.Context, s *Speak, id string) error {
	if s == nil || a.Turns == nil || !activity.IsActivity(ctx) {
		return a.Sender.MarkRead(ctx, id, true)
	}
	_, sender := turnSender(ctx)
	ok, err := a.Turns.TypeTurn(ctx, s.Turn, sender, typingWindow)
	if err != nil || !ok {
		return a.Sender.MarkRead(ctx, id, false) // the read receipt alone: a person may have the conversation
	}
	defer func() {
		if err := a.Turns.TypedTurn(context.WithoutCancel(ctx), s.Turn, sender); err != nil {
			a.log().Warn("typing indicator not released; a stop waits until it lapses", "error", err)
		}
	}()
	tctx, cancel := context.WithTimeout(ctx, typingWindow)
	defer cancel()
	return a.Sender.MarkRead(tctx, id, true)
}

// StopTurn stops a bot turn: its reply activity sends nothing from now on. It is false when the reply is
// already on its way (the workflow then waits for it). It returns once no typing indicator of the turn can
// still show.
func (a *Activities) StopTurn(ctx context.Context, turn string) (bool, error) {
	if a.Turns == nil {
		return true, nil
	}
	stopped, typing, err := a.Turns.StopTurn(ctx, turn, turnTTL)
	if err != nil {
		return false, err
	}
	for deadline := time.Now().Add(typing); typing > 0 && time.Now().Before(deadline); {
		if !pause(ctx, fencePoll) {
			return stopped, ctx.Err()
		}
		if _, typing, err = a.Turns.StopTurn(ctx, turn, turnTTL); err != nil {
			return stopped, err
		}
	}
	return stopped, nil
}
