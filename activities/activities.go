// Package activities adapts supportd's clients (the AI engine, WhatsApp, the agent notifier, Redis) to
// Temporal activities. Each failure is classified: retryable, or a non-retryable application error whose type
// the workflow can branch on.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// Error types the workflow branches on.
const (
	// ErrTypeWindowClosed means WhatsApp's 24-hour customer-service window is closed for this customer.
	ErrTypeWindowClosed = "WindowClosed"
	// ErrTypeRejected means the downstream API refused the request for good (bad number, bad token...).
	ErrTypeRejected = "Rejected"
	// ErrTypeAIUnavailable means the AI engine refused the request for good (bad key, unknown model...).
	ErrTypeAIUnavailable = "AIUnavailable"
)

// Settings are the worker's runtime settings the workflow asks for.
type Settings struct {
	IdleTimeout time.Duration
	// UnclaimedTimeout is the support time a handoff may wait unclaimed before it is escalated; 0 for never.
	UnclaimedTimeout time.Duration
	// ReplyTemplate is the approved template (and its language) that carries an agent's reply after the
	// 24-hour window; empty for none.
	ReplyTemplate         string
	ReplyTemplateLanguage string
	// LocalEngine is true when the local engine classifies and answers: the workflow then runs it as a local
	// activity.
	LocalEngine bool
	// CSAT is true when customers are asked to rate the help after a person returns the conversation (CSAT).
	CSAT bool
	// BotTurnsPerMinute is BOT_TURNS_PER_MINUTE.
	BotTurnsPerMinute int
}

// Words reads a customer's words the same way whichever engine classifies: the topic that recognises a
// question asked again, and a yes or no to an offer of a person. The local engine provides it.
type Words interface {
	Topic(text, faqID string, recent []conversation.Turn) string
	Affirmative(text string) bool
	Negative(text string) bool
}

// Activities holds the clients the activities use. One value serves every workflow on the worker.
type Activities struct {
	Engine ai.Engine
	// Fallback writes the agent's summary when Engine cannot (the local engine); nil for none.
	Fallback ai.Engine
	Words    Words
	KB       *kb.KnowledgeBase
	Sender   conversation.Sender
	Notifier conversation.Notifier
	Store    conversation.StatusMirror
	// Once keeps a retried send from sending again what WhatsApp already took (once.go).
	Once *SendOnce
	// Turns lets a model's reply go to the customer from its own activity (speak.go); nil: the workflow sends
	// every reply.
	Turns    TurnFence
	Settings Settings
	Logger   *slog.Logger
	Metrics  *metrics.Metrics
	// Now is the clock for support hours; time.Now when nil.
	Now func() time.Time
}

func (a *Activities) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

func (a *Activities) log() *slog.Logger {
	if a.Logger == nil {
		return slog.Default()
	}
	return a.Logger
}

// ReplyInput is one customer message for the bot.
type ReplyInput struct {
	Text   string              `json:"text"`
	Recent []conversation.Turn `json:"recent,omitempty"`
	Name   string              `json:"name,omitempty"`
	// ReadID is the customer's message to mark read, with the typing indicator while the engine works; empty
	// when the reply's send marks it.
	ReadID string `json:"read_id,omitempty"`
	// Speak, when set, lets the activity send the knowledge base's answer itself when the conversation's rules
	// would (speak.go).
	Speak *Speak `json:"speak,omitempty"`
}

// ReplyResult is the bot's reading of a message and the knowledge base's answer to it (not Grounded when none).
type ReplyResult struct {
	conversation.Analysis
	Answer conversation.Answer `json:"answer"`
	// Spoken is what became of the answer when the activity was allowed to send it (ReplyInput.Speak).
	Spoken *Spoken `json:"spoken,omitempty"`
}

// Reply classifies a customer message and answers it from the knowledge base, in one call of the engine. It
// runs as a local activity for the local engine and as an activity for a model.
func (a *Activities) Reply(ctx context.Context, in ReplyInput) (ReplyResult, error) {
	stop := heartbeat(ctx)
	defer stop()
	read := func() {}
	if in.ReadID != "" {
		typing := a.likelyAnswered(ctx, in)
		read = a.alongside(func() error {
			if typing {
				return a.typing(ctx, in.Speak, in.ReadID)
			}
			return a.Sender.MarkRead(ctx, in.ReadID, false)
		})
	}
	defer read()
	r, err := a.Engine.Reply(ctx, ai.ReplyRequest{Text: in.Text, Recent: in.Recent, Name: in.Name})
	if err != nil {
		return ReplyResult{}, aiError("reply", err)
	}
	out := ReplyResult{Analysis: conversation.Analysis{Classification: r.Classification}, Answer: r.Answer}
	if out.Answer.Text == "" {
		out.Answer.Grounded = false
	}
	if a.Words != nil {
		if out.Topic == "" && out.Intent != conversation.IntentGreeting && out.Intent != conversation.IntentThanks {
			out.Topic = a.Words.Topic(in.Text, out.FAQID, in.Recent)
		}
		out.Affirmative, out.Negative = a.Words.Affirmative(in.Text), a.Words.Negative(in.Text)
	}
	if in.Speak != nil && in.Speak.Allows(out) {
		read() // the read receipt and typing indicator first: typing shown after the answer would linger
		out.Spoken = a.speak(ctx, in.Speak, out.Answer.Text)
	}
	return out, nil
}

// likelyAnswered is the local engine's quick guess (well under a millisecond) at whether the bot will answer
// the message rather than hand it to a person: the typing indicator is shown only then, since a customer who
// sees "typing…" expects the bot to write.
func (a *Activities) likelyAnswered(ctx context.Context, in ReplyInput) bool {
	if a.Fallback == nil {
		return true
	}
	c, err := a.Fallback.Classify(ctx, ai.ClassifyRequest{Text: in.Text, Recent: in.Recent})
	if err != nil {
		return false
	}
	handoff, _ := conversation.HandoffPolicy(c)
	return !handoff
}

// markReadWhile marks a customer's message read (with the typing indicator when the bot is about to speak)
// alongside other work, and returns the function that waits for it. A failed read receipt is logged: it never
// holds up a reply.
func (a *Activities) markReadWhile(ctx context.Context, id string, typing bool) (wait func()) {
	if id == "" {
		return func() {}
	}
	return a.alongside(func() error { return a.Sender.MarkRead(ctx, id, typing) })
}

// alongside runs a read receipt alongside other work and returns the function that waits for it.
func (a *Activities) alongside(read func() error) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := read(); err != nil {
			a.log().Warn("read receipt not sent", "error", err)
		}
	}()
	return func() { <-done }
}

// Summarize writes the agent's summary. When the configured engine fails, the local engine writes it: a
// handoff is never held up by a summary.
func (a *Activities) Summarize(ctx context.Context, req ai.SummaryRequest) (string, error) {
	stop := heartbeat(ctx)
	defer stop()
	s, err := a.Engine.Summarize(ctx, req)
	if err == nil && s != "" {
		return s, nil
	}
	if err == nil {
		err = errors.New("empty summary")
	}
	if a.Fallback == nil {
		return "", aiError("summarize", err)
	}
	a.log().Warn("summary by the AI engine failed; using the local summary", logx.Phone(req.Phone), "error", err)
	return a.Fallback.Summarize(ctx, req)
}

// What an outbound message is, for metrics.
const (
	SendAnswer        = "answer"
	SendSay           = "say"
	SendOffer         = "offer"
	SendHandoffNotice = "handoff_notice"
	SendReturnNotice  = "return_notice"
	SendAgent         = "agent"
	SendWaitNotice    = "wait_notice"
)

// SendInput is one outbound WhatsApp message.
type SendInput struct {
	To      conversation.Address  `json:"to"`
	Text    string                `json:"text"`
	Buttons []conversation.Button `json:"buttons,omitempty"`
	// Kind says what the message is (SendAnswer, SendAgent...); Reason goes with a handoff notice.
	Kind   string         `json:"kind,omitempty"`
	Reason handoff.Reason `json:"reason,omitempty"`
	// ReceivedAt is when the customer message this replies to reached the gateway.
	ReceivedAt time.Time `json:"received_at,omitempty"`
	// ReadID is the customer's latest message, marked read along with this send; empty when it was already.
	ReadID string `json:"read_id,omitempty"`
	// Template sends Text as the body parameter of the reply template (the 24-hour window is closed).
	Template bool `json:"template,omitempty"`
	// Tag is the send tag of an earlier attempt at this message that may have reached WhatsApp (Spoken.Tag);
	// empty for a message of its own.
	Tag string `json:"tag,omitempty"`
	// Mirror, when set, is the conversation's Redis mirror once the message is sent; the send writes it with
	// LastActivity set to when WhatsApp took the message.
	Mirror *conversation.Mirror `json:"mirror,omitempty"`
}

// SendResult carries the WhatsApp message id of a sent message.
type SendResult struct {
	MessageID string `json:"message_id"`
	// SentAt is when WhatsApp took the message; Mirrored is true when the send wrote SendInput.Mirror.
	SentAt   time.Time `json:"sent_at,omitzero"`
	Mirrored bool      `json:"mirrored,omitempty"`
}

// Send delivers a text or a reply-button message to the customer, and marks their latest message read.
func (a *Activities) Send(ctx context.Context, in SendInput) (SendResult, error) {
	read := a.markReadWhile(ctx, in.ReadID, false)
	defer read()
	if in.Template && a.Settings.ReplyTemplate == "" {
		return SendResult{}, temporal.NewNonRetryableApplicationError(NoTemplateHint, ErrTypeWindowClosed, nil)
	}
	id, err := a.Once.SendTagged(ctx, in.Tag, in.To.String(), func(ctx context.Context) (string, error) {
		if in.Template {
			return a.Sender.SendTemplate(ctx, in.To, a.Settings.ReplyTemplate, a.templateLanguage(), []string{in.Text})
		}
		if len(in.Buttons) > 0 {
			return a.Sender.SendButtons(ctx, in.To, in.Text, in.Buttons)
		}
		return a.Sender.SendText(ctx, in.To, in.Text)
	}, a.refused)
	if err != nil {
		return SendResult{}, a.sendError(in.To.String(), err)
	}
	res := SendResult{MessageID: id, SentAt: a.now()}
	if in.Mirror != nil && ctx.Err() == nil {
		m := *in.Mirror
		m.LastActivity = res.SentAt
		res.Mirrored = a.MirrorState(ctx, m) == nil
	}
	a.Metrics.Outbound(in.Kind)
	switch in.Kind {
	case SendAgent, "":
	case SendHandoffNotice:
		a.Metrics.Handoff(string(in.Reason))
	default:
		a.Metrics.BotAnswer(in.Kind)
		if in.Kind != SendReturnNotice {
			a.Metrics.SinceWebhook(in.ReceivedAt)
		}
	}
	return res, nil
}

// NoTemplateHint is what an agent is told of a reply after the 24-hour window when no reply template is set.
const NoTemplateHint = "not delivered: the 24-hour WhatsApp window is closed and no reply template is configured (WHATSAPP_REPLY_TEMPLATE); the customer must write first"

func (a *Activities) templateLanguage() string {
	if a.Settings.ReplyTemplateLanguage == "" {
		return "en"
	}
	return a.Settings.ReplyTemplateLanguage
}

func (a *Activities) sendError(to string, err error) error {
	switch a.Sender.Classify(err) {
	case conversation.SendWindowClosed:
		return temporal.NewNonRetryableApplicationError("the 24-hour WhatsApp window is closed: the customer must write first", ErrTypeWindowClosed, err)
	case conversation.SendRejected:
		a.log().Error("whatsapp refused a message", logx.Phone(to), "error", err)
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("whatsapp refused the message: %v", err), ErrTypeRejected, err)
	}
	return fmt.Errorf("whatsapp send: %w", err)
}

// Notify passes a notice to the agents' tool.
func (a *Activities) Notify(ctx context.Context, n conversation.Notice) (conversation.NoticeResult, error) {
	if a.Notifier == nil {
		return conversation.NoticeResult{Ref: n.Ref}, nil
	}
	return a.Notifier.Notify(ctx, n)
}

// RecordEscalation counts a handoff escalated because nobody took it in time.
func (a *Activities) RecordEscalation(ctx context.Context, phone string) error {
	a.Metrics.Escalation()
	a.log().Info("unclaimed handoff escalated", logx.Phone(phone))
	return nil
}

// MirrorState writes the conversation's status and list entry into the shared store. A store outage is
// logged and tolerated: Temporal stays the source of truth.
func (a *Activities) MirrorState(ctx context.Context, m conversation.Mirror) error {
	if a.Store == nil {
		return nil
	}
	if err := a.Store.Mirror(ctx, m); err != nil {
		a.log().Warn("redis mirror failed", logx.Phone(m.Phone), "error", err)
		return err
	}
	return nil
}

// greetingTopics is how many of the knowledge base's topics the bot's greeting names.
const greetingTopics = 4

// CurrentSettings reports the worker's settings and whether people are at work right now.
func (a *Activities) CurrentSettings(ctx context.Context) (conversation.Settings, error) {
	now := a.now()
	s := conversation.Settings{
		BusinessName:      a.KB.Business.Name,
		Topics:            a.KB.Topics(greetingTopics),
		IdleTimeout:       a.Settings.IdleTimeout,
		LocalEngine:       a.Settings.LocalEngine,
		InSupportHours:    a.KB.InSupportHours(now),
		CSAT:              a.Settings.CSAT,
		ReplyTemplate:     a.Settings.ReplyTemplate != "",
		BotTurnsPerMinute: a.Settings.BotTurnsPerMinute,
	}
	if d := a.Settings.UnclaimedTimeout; d > 0 {
		if due, ok := a.KB.SupportTimeAfter(now, d); ok {
			s.UnclaimedTimeout, s.UnclaimedAfter = d, max(due.Sub(now), time.Second)
		}
	}
	if !s.InSupportHours {
		if next, ok := a.KB.NextOpening(now); ok {
			s.NextOpening = next
		}
	}
	return s, nil
}

func aiError(op string, err error) error {
	if ai.IsPermanent(err) {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("ai %s: %v", op, err), ErrTypeAIUnavailable, err)
	}
	return fmt.Errorf("ai %s: %w", op, err)
}

// heartbeat reports progress every few seconds while a long AI call runs, so that a cancelled workflow
// reaches the call (through the context) and a dead worker is noticed.
func heartbeat(ctx context.Context) func() {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
