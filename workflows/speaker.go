package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// The speaker: every message the bot sends the customer (answers, offers, the handoff notice, the welcome
// back with its rating question, the escalation's word about the wait) goes out through one path that a
// person stops. A person taking over, replying or writing from the WhatsApp Business app hushes the bot: the
// bot turn under way is cancelled, so are the retries of every bot message on its way, and a takeover or a
// reply completes only once none is under way any more. Each message says when it is still the bot's to send
// (holds), checked just before it goes out. From revision 4.

// floodPause is how long a customer over BOT_TURNS_PER_MINUTE must pause before the bot answers what they
// wrote meanwhile, in one turn.
const floodPause = 10 * time.Second

// voiceContext is the context of the bot's messages: cancelled by hush, made anew after it.
func (c *conversationWorkflow) voiceContext() workflow.Context {
	if c.voice == nil || c.voice.Err() != nil {
		c.voice, c.hushVoice = workflow.WithCancel(c.root)
	}
	return c.voice
}

// hush stops the bot: its turn under way and, from revision 4, every message of its own still on its way.
func (c *conversationWorkflow) hush() {
	if c.stopBot != nil {
		c.stopBot()
	}
	if c.revision >= revisionOneSpeaker && c.hushVoice != nil {
		c.hushVoice()
		c.voice, c.hushVoice = nil, nil
	}
}

// quiet is true when nothing the bot started can still reach the customer.
func (c *conversationWorkflow) quiet() bool {
	return c.stopBot == nil && c.speaking == 0
}

// hushAndWait stops the bot and returns once it is quiet: after it, nothing the bot started reaches the
// customer. Before revision 4 it waited for the bot turn only.
func (c *conversationWorkflow) hushAndWait(ctx workflow.Context) error {
	if c.revision < revisionOneSpeaker {
		return workflow.Await(ctx, func() bool { return c.stopBot == nil })
	}
	c.hush()
	return workflow.Await(ctx, c.quiet)
}

// tell sends a message of the bot's own outside a bot turn (a notice), if holds still says it is the bot's to
// send, and reports whether it went out. hush stops it.
func (c *conversationWorkflow) tell(ctx workflow.Context, in activities.SendInput, opts workflow.ActivityOptions, holds func() bool) bool {
	if c.revision < revisionOneSpeaker {
		return c.tellCustomer(ctx, in)
	}
	c.speaking++
	defer func() { c.speaking-- }()
	// The send runs under the voice (hush cancels it); the caller, a handler or the main loop, waits for it.
	return c.speak(ctx, c.voiceContext(), conversation.Message{}, in, opts, holds)
}

// takeoverTells is true when the takeover that started the current handoff tells the customer a person joins,
// before it completes, rather than the handoff's announcement after it.
func (c *conversationWorkflow) takeoverTells() bool {
	return c.revision >= revisionOneSpeaker && c.s.Reason == handoff.ReasonAgentTakeover
}

// tellJoining tells the customer a person joins the chat, for a takeover that took the conversation from the
// bot: before the takeover completes, so that the agent's first words come after it.
func (c *conversationWorkflow) tellJoining(ctx workflow.Context) {
	seq := c.s.Handoffs
	if c.s.AgentStarted == seq {
		return // the agent's own message is the first the customer hears
	}
	c.tell(ctx, activities.SendInput{Kind: activities.SendHandoffNotice, Reason: c.s.Reason,
		Text: handoffNotice(c.s.Reason, c.s.Name, outOfHoursNote(c.s.Settings))}, agentSendOptions, func() bool {
		return c.s.Handoffs == seq && c.s.Status.BotSilent()
	})
}

// --- bot turns: one for what the customer wrote meanwhile, within BOT_TURNS_PER_MINUTE ---

// modelTurns is true when bot turns are model calls, which cost: messages that arrived during a turn are then
// answered together, and the turns a customer can cause are limited.
func (c *conversationWorkflow) modelTurns() bool {
	return c.revision >= revisionOneSpeaker && !c.s.Settings.LocalEngine
}

// nextTurn takes the next message to handle. On the model path, when the bot holds the conversation, the text
// messages waiting behind it are taken along: they are answered together, with one model call. It returns the
// messages taken, as they were.
func (c *conversationWorkflow) nextTurn(ctx workflow.Context) (conversation.Message, []conversation.Message) {
	m := c.s.Pending[0]
	n := 1
	if c.modelTurns() && c.s.Status == conversation.StatusActive && m.Kind == conversation.KindText {
		for n < len(c.s.Pending) && c.s.Pending[n].Kind == conversation.KindText {
			n++
		}
	}
	taken := append([]conversation.Message(nil), c.s.Pending[:n]...)
	c.s.Pending = c.s.Pending[n:]
	if n == 1 {
		return m, taken
	}
	// The latest words matter most: the oldest are left out of the model's text past maxLineText.
	texts := make([]string, 0, n)
	size := 0
	for i := n - 1; i >= 0; i-- {
		size += len([]rune(taken[i].Text)) + 1
		if i < n-1 && size > conversation.MaxLineText {
			break
		}
		texts = append([]string{taken[i].Text}, texts...)
	}
	last := taken[n-1]
	last.Text = strings.Join(texts, "\n")
	last.ReceivedAt = taken[0].ReceivedAt
	c.logger.Info("messages answered together", "messages", n)
	return last, taken
}

// messageReady is true when a customer message can be handled now: there is one, and it does not wait for
// the customer to pause (turnDue).
func (c *conversationWorkflow) messageReady(ctx workflow.Context) bool {
	return len(c.s.Pending) > 0 && c.turnDue(workflow.Now(ctx)).IsZero()
}

// turnDue is when the bot may take its next turn, for a customer who caused BOT_TURNS_PER_MINUTE turns in the
// last minute: once a minute has passed since the oldest of them and the customer paused (floodPause). Zero
// when it may take it now.
func (c *conversationWorkflow) turnDue(now time.Time) time.Time {
	limit := c.s.Settings.BotTurnsPerMinute
	if !c.modelTurns() || limit <= 0 || len(c.s.Pending) == 0 || c.s.Status != conversation.StatusActive || c.s.Pending[0].Kind != conversation.KindText {
		return time.Time{}
	}
	recent := c.s.BotTurns
	for len(recent) > 0 && !recent[0].Add(time.Minute).After(now) {
		recent = recent[1:]
	}
	if len(recent) < limit {
		return time.Time{}
	}
	due := recent[len(recent)-limit].Add(time.Minute)
	if pause := c.s.LastInbound.Add(floodPause); pause.After(due) {
		due = pause
	}
	if !due.After(now) {
		return time.Time{}
	}
	return due
}

// countTurn notes a model call for the limit.
func (c *conversationWorkflow) countTurn(now time.Time) {
	limit := c.s.Settings.BotTurnsPerMinute
	if !c.modelTurns() || limit <= 0 {
		return
	}
	c.s.BotTurns = append(c.s.BotTurns, now)
	if over := len(c.s.BotTurns) - limit; over > 0 {
		c.s.BotTurns = append([]time.Time(nil), c.s.BotTurns[over:]...)
	}
}
