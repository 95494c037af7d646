package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

// windowWarning is how long before the 24-hour window closes people holding the conversation are warned.
const windowWarning = time.Hour

// armEscalation starts the unclaimed timer of a handoff that waits for a person, when the worker's settings
// ask for one (RuntimeSettings.UnclaimedAfter, already counted in support hours).
func (c *conversationWorkflow) armEscalation(ctx workflow.Context) {
	s := c.s
	if s.Status != conversation.StatusHandoff || s.Assignee != "" || s.Settings.UnclaimedAfter <= 0 || s.Escalation.Seq == s.Handoffs {
		return
	}
	s.Escalation = conversation.Escalation{Seq: s.Handoffs, Due: workflow.Now(ctx).Add(s.Settings.UnclaimedAfter), Timeout: s.Settings.UnclaimedTimeout}
}

// unclaimedDeadline is when the current handoff escalates; zero when it will not (taken, replied to, back with
// the bot, escalated already, or no timer).
func (c *conversationWorkflow) unclaimedDeadline() time.Time {
	s := c.s
	if !s.WaitingForPerson() || s.Escalation.Seq != s.Handoffs || !s.Escalation.At.IsZero() {
		return time.Time{}
	}
	return s.Escalation.Due
}

// deadlines are the main loop's timers besides the idle timer: the unclaimed handoff and the warning that
// the 24-hour window is about to close.
type deadlines struct {
	unclaimed, window time.Time
	// turn is when a customer over BOT_TURNS_PER_MINUTE gets the bot's next turn (speaker.go).
	turn time.Time
}

// otherDeadlines reads the deadlines, after deciding (once per run, with workflow.GetVersion, so that
// conversations recorded before the window warning replay as they ran) whether this run warns of the window.
func (c *conversationWorkflow) otherDeadlines(ctx workflow.Context) deadlines {
	if !c.windowWarnings && c.s.Status.BotSilent() && c.s.Assignee != "" {
		c.windowWarnings = workflow.GetVersion(ctx, "window-warning", workflow.DefaultVersion, 1) == 1
	}
	return c.deadlinesNow()
}

func (c *conversationWorkflow) deadlinesNow() deadlines {
	return deadlines{unclaimed: c.unclaimedDeadline(), window: c.windowWarningDeadline(), turn: c.turnDue(c.now())}
}

// earliest is the first of the deadlines and the idle one, what it is for, and its summary in the Temporal UI.
func (d deadlines) earliest(idle time.Time) (time.Time, next, string) {
	due, fires, summary := idle, nextIdle, "handoff idle timer"
	if !d.unclaimed.IsZero() && (due.IsZero() || d.unclaimed.Before(due)) {
		due, fires, summary = d.unclaimed, nextUnclaimed, "unclaimed handoff: escalate"
	}
	if !d.window.IsZero() && (due.IsZero() || d.window.Before(due)) {
		due, fires, summary = d.window, nextWindowWarning, "24-hour window closes within the hour: warn"
	}
	if !d.turn.IsZero() && (due.IsZero() || d.turn.Before(due)) {
		due, fires, summary = d.turn, nextMirror, "customer over the bot turns per minute: answer once they pause"
	}
	return due, fires, summary
}

// windowWarningDeadline is when people holding the conversation are told its 24-hour window closes within the
// hour; zero when not (nobody holds it, warned already for this window, or the window closed).
func (c *conversationWorkflow) windowWarningDeadline() time.Time {
	s := c.s
	if !c.windowWarnings || !s.Status.BotSilent() || s.Assignee == "" || s.LastInbound.IsZero() || s.WindowWarned.Equal(s.LastInbound) {
		return time.Time{}
	}
	return s.LastInbound.Add(conversation.ServiceWindow - windowWarning)
}

// warnWindowCloses refreshes the card, which now says when the window closes.
func (c *conversationWorkflow) warnWindowCloses(ctx workflow.Context) {
	if c.windowWarningDeadline().IsZero() {
		return
	}
	c.s.WindowWarned = c.s.LastInbound
	if !c.windowClosesAt().After(workflow.Now(ctx)) {
		return // closed already (taken after it closed): the card says nothing of it
	}
	c.notify(conversation.Notice{Kind: conversation.NoticeCardUpdate})
}

// escalate alerts agents that nobody took the waiting handoff (the Slack card is bumped in the channel with
// SLACK_ESCALATION_MENTION, the console marks it overdue, a metric counts it) and tells the customer, once,
// about the wait.
func (c *conversationWorkflow) escalate(ctx workflow.Context) {
	if c.unclaimedDeadline().IsZero() {
		return
	}
	now := workflow.Now(ctx)
	c.s.Escalation.At = now
	c.system(ctx, fmt.Sprintf("Nobody took this conversation within %s of support hours: escalated", waitWords(c.s.Escalation.Timeout)))
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.RecordEscalation, c.s.Phone).Get(ctx, nil); err != nil {
		c.logger.Warn("escalation not counted", "error", err)
	}
	c.notify(conversation.Notice{Kind: conversation.NoticeEscalation})
	c.refreshSettings(ctx)
	if !conversation.WindowOpen(c.s.LastInbound, now) {
		c.system(ctx, "The customer was not told about the wait: the 24-hour WhatsApp window is closed")
		return
	}
	seq := c.s.Handoffs
	c.tell(ctx, activities.SendInput{Kind: activities.SendWaitNotice, Text: waitNotice(c.s.Settings)}, sendOptions, func() bool {
		return c.s.Handoffs == seq && c.s.WaitingForPerson()
	})
	c.logger.Info("unclaimed handoff escalated")
}

// waitNotice is the customer's one message about a wait for a person.
func waitNotice(s conversation.Settings) string {
	if note := outOfHoursNote(s); note != "" {
		return "Sorry for the wait: everyone on our team is busy. " + note + " Your messages here are kept for them."
	}
	return "Sorry for the wait: everyone on our team is busy right now. A person will reply here as soon as they're free; your messages are kept for them."
}

// waitWords writes a timeout as a person would say it.
func waitWords(d time.Duration) string {
	switch {
	case d <= 0:
		return "the time allowed"
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute:
		return plural(int(d.Round(time.Minute)/time.Minute), "minute")
	}
	return plural(int(d.Round(time.Second)/time.Second), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// windowClosesAt is when WhatsApp's 24-hour window closes (or closed), while a person holds the
// conversation; zero while the bot holds it or the customer never wrote.
func (c *conversationWorkflow) windowClosesAt() time.Time {
	if !c.s.Status.BotSilent() || c.s.LastInbound.IsZero() {
		return time.Time{}
	}
	return c.s.LastInbound.Add(conversation.ServiceWindow)
}
