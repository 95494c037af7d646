package activities

import (
	"context"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/supportd/supportd/ai"
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

// TurnFence decides a bot turn between its reply and a person taking over (store.Store).
type TurnFence interface {
	// ClaimTurn is true when sender may send the turn's reply (also when it claimed it before).
	ClaimTurn(ctx context.Context, turn, sender string, ttl time.Duration) (bool, error)
	// StopTurn is true when no reply of the turn can be sent any more, false when one is on its way.
	StopTurn(ctx context.Context, turn string, ttl time.Duration) (bool, error)
}

// turnTTL outlives every attempt of the reply activity and of the sends after it.
const turnTTL = 15 * time.Minute

// Speak is what the workflow allows the reply activity to send, and how.
type Speak struct {
	// Turn names the bot turn for the fence: the conversation and the customer message it answers.
	Turn string `json:"turn"`
	// OfferPending is true while the customer has been offered a person: a yes or a no is theirs to decide.
	OfferPending bool `json:"offer_pending,omitempty"`
	// RepeatTopics are the topics on which a question would now be the same question again (the workflow
	// offers a person instead of answering).
	RepeatTopics []string `json:"repeat_topics,omitempty"`
	// Send is the message without its text: the recipient, when the question came, and the conversation's
	// Redis mirror without its last message.
	Send SendInput `json:"send"`
}

// Allows reports whether the conversation's rules have the bot answer r with the knowledge base's answer,
// which the activity may then send: no handoff, no answer to an offer of a person, not the same question
// again, not a greeting or thanks (which get words of their own), and an answer grounded in the knowledge
// base.
func (s *Speak) Allows(r ReplyResult) bool {
	if s.OfferPending && (r.Affirmative || r.Negative) {
		return false
	}
	if handoff, _ := ai.HandoffPolicy(r.Classification); handoff {
		return false
	}
	if r.Topic != "" && slices.Contains(s.RepeatTopics, r.Topic) {
		return false
	}
	if r.Intent == ai.IntentGreeting || r.Intent == ai.IntentThanks {
		return false
	}
	return r.Answer.Grounded && r.Answer.Text != ""
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
	info := activity.GetInfo(ctx)
	sender := SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, info.ActivityID)
	ok, err := a.Turns.ClaimTurn(ctx, s.Turn, sender, turnTTL)
	if err != nil {
		a.log().Warn("bot turn fence unavailable: the workflow sends the reply", "error", err)
		return nil
	}
	if !ok {
		return &Spoken{Stopped: true}
	}
	in := s.Send
	in.Text, in.Kind, in.ReadID = text, SendAnswer, ""
	if in.Mirror != nil {
		m := *in.Mirror
		m.LastMessage = text
		in.Mirror = &m
	}
	res, err := a.Send(ctx, in)
	if err != nil {
		a.log().Warn("bot reply not sent from its model activity: the workflow sends it", "error", err)
		return &Spoken{Failed: err.Error(), Tag: sender}
	}
	return &Spoken{MessageID: res.MessageID, Text: text, SentAt: res.SentAt, Mirrored: res.Mirrored}
}

// StopTurn stops a bot turn: its reply activity sends nothing from now on. It is false when the reply is
// already on its way (the workflow then waits for it).
func (a *Activities) StopTurn(ctx context.Context, turn string) (bool, error) {
	if a.Turns == nil {
		return true, nil
	}
	return a.Turns.StopTurn(ctx, turn, turnTTL)
}
