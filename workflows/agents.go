package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/workflows/conversation"
)

// What agents do to a conversation arrives as Temporal updates (docs/DESIGN.md): each handler validates,
// runs the transition, and answers once its effect holds.

func invalid(msg string) error { return temporal.NewApplicationError(msg, ErrTypeInvalidRequest) }

func (c *conversationWorkflow) validateTakeover(ctx workflow.Context, req TakeoverRequest) error {
	if strings.TrimSpace(req.Agent) == "" {
		return invalid("agent is required")
	}
	return nil
}

// takeover hands the conversation to an agent. It returns once the bot is silent: whatever the bot was doing
// has been cancelled and has stopped, so nothing it started can reach the customer afterwards.
func (c *conversationWorkflow) takeover(ctx workflow.Context, req TakeoverRequest) (TakeoverResult, error) {
	out := c.apply(ctx, conversation.Event{Kind: conversation.EvTakeover, Agent: agentOf(req.Agent, req.AgentID), At: workflow.Now(ctx)})
	if out.HeldBy != "" {
		return TakeoverResult{Assignee: out.HeldBy, AlreadyAssigned: true, Status: c.s.Status}, nil
	}
	if err := c.hushAndWait(ctx); err != nil {
		return TakeoverResult{}, err
	}
	if out.StopBot && c.takeoverTells() {
		c.tellJoining(ctx)
	}
	return TakeoverResult{Assignee: c.s.Assignee, Status: c.s.Status}, nil
}

func (c *conversationWorkflow) validateReply(ctx workflow.Context, req ReplyRequest) error {
	if err := c.validateAgentMessage(ctx, req); err != nil {
		return err
	}
	card := c.cardRef(c.s.Handoffs).TS
	switch {
	case c.s.Status == conversation.StatusActive:
		return temporal.NewApplicationError("the bot holds this conversation: take it over first", ErrTypeBotHolds)
	// An agents' tool that knows who writes (Slack) speaks for the assignee only, under the current card.
	case req.AgentID != "" && c.s.Assignee != "" && !c.s.IsAssignee(agentOf(req.Agent, req.AgentID)):
		return temporal.NewApplicationError("only the agent who took this conversation ("+c.s.Assignee+") speaks to the customer", ErrTypeNotAssignee)
	case req.ThreadTS != "" && card != "" && req.ThreadTS != card:
		return temporal.NewApplicationError("this thread belongs to an earlier handoff: reply in the current card's thread", ErrTypeNotAssignee)
	}
	return nil
}

// reply sends an agent's reply to the customer (after the 24-hour window, as the reply template: late.go).
// Replies go out one at a time, in the order they arrived.
func (c *conversationWorkflow) reply(ctx workflow.Context, req ReplyRequest) (ReplyResult, error) {
	if err := c.replies.Lock(ctx); err != nil {
		return ReplyResult{}, err
	}
	defer c.replies.Unlock()
	if c.s.Status == conversation.StatusActive {
		return ReplyResult{}, temporal.NewApplicationError("the conversation went back to the bot", ErrTypeBotHolds)
	}
	if res, ok := c.repliedBefore(ctx); ok {
		return res, nil
	}
	agent := agentOf(req.Agent, req.AgentID)
	c.apply(ctx, conversation.Event{Kind: conversation.EvReply, Agent: agent, At: workflow.Now(ctx)})
	if c.revision >= revisionOneSpeaker {
		// One voice at a time: the bot's notices on their way are stopped before a person speaks.
		if err := c.hushAndWait(ctx); err != nil {
			return ReplyResult{}, err
		}
	}
	res, err := c.deliverReply(ctx, agent, req.Source, strings.TrimSpace(req.Text))
	return c.remember(ctx, res, err)
}

// repliedBefore is the result of an agent's message this update's id already sent, in an earlier run.
func (c *conversationWorkflow) repliedBefore(ctx workflow.Context) (ReplyResult, bool) {
	if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
		for _, r := range c.s.Replied {
			if r.UpdateID == info.ID {
				return ReplyResult{MessageID: r.MessageID}, true
			}
		}
	}
	return ReplyResult{}, false
}

// remember keeps a sent agent's message by its update's id, for repeats after a continue-as-new.
func (c *conversationWorkflow) remember(ctx workflow.Context, res ReplyResult, err error) (ReplyResult, error) {
	if info := workflow.GetCurrentUpdateInfo(ctx); err == nil && info != nil && res.MessageID != "" {
		c.s.Replied = append(c.s.Replied, conversation.Replied{UpdateID: info.ID, MessageID: res.MessageID})
		if over := len(c.s.Replied) - conversation.MaxReplied; over > 0 {
			c.s.Replied = append([]conversation.Replied(nil), c.s.Replied[over:]...)
		}
	}
	return res, err
}

// validateWithPeople refuses return and keep requests for a conversation the bot already holds.
func (c *conversationWorkflow) validateWithPeople(ctx workflow.Context, req AgentRequest) error {
	if strings.TrimSpace(req.Agent) == "" {
		return invalid("agent is required")
	}
	if c.s.Status == conversation.StatusActive {
		return temporal.NewApplicationError("the conversation is already with the bot", ErrTypeAlreadyWithBot)
	}
	return nil
}

func (c *conversationWorkflow) returnToBot(ctx workflow.Context, req AgentRequest) (conversation.Snapshot, error) {
	agent := agentOf(req.Agent, req.AgentID)
	c.apply(ctx, conversation.Event{Kind: conversation.EvReturn, Agent: agent, At: workflow.Now(ctx)})
	c.handBack(ctx, agent.Name, req.Note)
	return c.snapshot(false), nil
}

func (c *conversationWorkflow) keep(ctx workflow.Context, req AgentRequest) (conversation.Snapshot, error) {
	c.apply(ctx, conversation.Event{Kind: conversation.EvKeep, Agent: agentOf(req.Agent, req.AgentID), At: workflow.Now(ctx)})
	return c.snapshot(false), nil
}

// note restarts the idle timer while agents work on a handoff without writing to the customer.
func (c *conversationWorkflow) note(ctx workflow.Context, req AgentRequest) error {
	c.apply(ctx, conversation.Event{Kind: conversation.EvNote, Agent: agentOf(req.Agent, req.AgentID), At: workflow.Now(ctx)})
	c.keepNote(req.Note)
	return nil
}

func agentOf(name, id string) conversation.Agent {
	return conversation.Agent{Name: strings.TrimSpace(name), ID: id}
}

// --- the outbox to agents ---

// notify queues a notice for the agents' tool. The card a notice carries is made when it is sent: the latest
// state of the conversation is what agents need. From revision 4 a notice that says what a queued one will
// say anyway is merged into it (card updates, customer messages in a row), so a backlog stays small.
func (c *conversationWorkflow) notify(n conversation.Notice) {
	n.Phone = c.s.Phone
	n.Text = conversation.Clip(n.Text, conversation.MaxLineText)
	// The card this notice belongs to; its location is resolved when the notice is sent, since the card may
	// not be posted yet.
	n.Seq = c.s.Handoffs
	if c.revision >= revisionOneSpeaker && c.coalesce(n) {
		return
	}
	c.s.Notices = append(c.s.Notices, n)
}

// coalesce merges n into a notice queued and not yet on its way, and reports whether it did.
func (c *conversationWorkflow) coalesce(n conversation.Notice) bool {
	first := 0
	if c.sendingNotice {
		first = 1 // the head is on its way
	}
	queued := c.s.Notices[min(first, len(c.s.Notices)):]
	switch n.Kind {
	case conversation.NoticeCardUpdate:
		for _, q := range queued {
			if q.Kind == n.Kind && q.Seq == n.Seq {
				return true
			}
		}
	case conversation.NoticeCustomerMessage:
		if len(queued) == 0 {
			return false
		}
		last := &c.s.Notices[len(c.s.Notices)-1]
		if last.Kind == n.Kind && last.Seq == n.Seq && len([]rune(last.Text))+len([]rune(n.Text)) < conversation.MaxLineText {
			last.Text += "\n" + n.Text
			last.Messages = append(last.Messages, n.Messages...)
			return true
		}
	}
	return false
}

// carriesCard is true for the notices that show the card.
func carriesCard(k conversation.NoticeKind) bool {
	switch k {
	case conversation.NoticeHandoff, conversation.NoticeCardUpdate, conversation.NoticeConfirmPrompt, conversation.NoticeEscalation:
		return true
	}
	return false
}

// noticeRetry is how long the notices wait after the agents' tool stayed unreachable for noticeOptions'
// ScheduleToCloseTimeout; a fresh run started meanwhile carries them.
const noticeRetry = time.Minute

// sendNotices delivers the agents' notices in order. Notices about a card never posted are dropped. From
// revision 4, while the agents' tool is unreachable the notice waits and is tried again, and the conversation
// may continue as new meanwhile (idle): the next run sends it.
func (c *conversationWorkflow) sendNotices(ctx workflow.Context) {
	opts := notifyOptions
	if c.revision >= revisionOneSpeaker {
		opts = noticeOptions
	}
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.s.Notices) > 0 }); err != nil {
			return
		}
		c.sendingNotice = true
		n := c.s.Notices[0]
		n.Ref = c.cardRef(n.Seq)
		if carriesCard(n.Kind) {
			card := c.card(n.Agent)
			n.Card = &card
		}
		if n.Kind == conversation.NoticeHandoff || n.Ref.TS != "" {
			var res conversation.NoticeResult
			tried := workflow.Now(ctx)
			actx := ctx
			if c.revision >= revisionOneSpeaker {
				// A notice on its way when an operator cancels the conversation still lands: what it posts is
				// then in one place (unpostedMessages takes back only the notices not on their way).
				actx, _ = workflow.NewDisconnectedContext(ctx)
			}
			err := workflow.ExecuteActivity(workflow.WithActivityOptions(actx, opts), a.Notify, n).Get(ctx, &res)
			switch {
			case ctx.Err() != nil && err == nil && c.revision >= revisionOneSpeaker:
				c.s.Notices, c.sendingNotice = c.s.Notices[1:], false // posted as the run ends
				return
			case ctx.Err() != nil:
				c.sendingNotice = false
				return
			case err != nil && c.revision >= revisionOneSpeaker && errorType(err) != ErrTypeRejected:
				c.logger.Warn("agents' tool unreachable: the notice waits", "kind", n.Kind, "queued", len(c.s.Notices), "error", err)
				if c.s.Notices[0].Tried.IsZero() {
					c.s.Notices[0].Tried = tried // the next try looks for what this one may have posted
				}
				c.sendingNotice = false
				if err := workflow.NewTimerWithOptions(ctx, noticeRetry, workflow.TimerOptions{Summary: "agents' tool unreachable: notices wait"}).Get(ctx, nil); err != nil {
					return
				}
				continue
			case err != nil:
				c.logger.Error("agents' notice dropped", "kind", n.Kind, "error", err)
			case res.Ref.TS != "":
				c.saveCardRef(n.Seq, res.Ref)
			}
		}
		c.s.Notices = c.s.Notices[1:]
		c.sendingNotice = false
	}
}

// saveCardRef remembers where a handoff's card (and its latest prompt) is.
func (c *conversationWorkflow) saveCardRef(seq int, ref conversation.Ref) {
	for i := range c.s.Cards {
		if c.s.Cards[i].Seq == seq {
			c.s.Cards[i].Ref = ref
			return
		}
	}
	c.s.Cards = append(c.s.Cards, conversation.CardRef{Seq: seq, Ref: ref})
	if len(c.s.Cards) > 3 {
		c.s.Cards = c.s.Cards[len(c.s.Cards)-3:]
	}
}

func (c *conversationWorkflow) cardRef(seq int) conversation.Ref {
	for _, card := range c.s.Cards {
		if card.Seq == seq {
			return card.Ref
		}
	}
	return conversation.Ref{}
}

// card is the agents' card: the conversation's snapshot with the end of its transcript, who changed it, and
// the deadlines agents must see (an escalation; the window closing within the hour).
func (c *conversationWorkflow) card(changedBy string) conversation.Card {
	s := c.snapshot(false)
	lines := tail(c.s.Transcript, cardLines)
	card := conversation.Card{
		Phone: s.Phone, WaID: s.WaID, UserID: s.UserID, Username: s.Username, Name: s.Name, Reason: s.HandoffReason, Summary: s.Summary,
		Transcript: lines, Earlier: c.s.Earlier + len(c.s.Transcript) - len(lines),
		Status: s.Status, Assignee: s.Assignee, AssigneeID: c.s.AssigneeID, ChangedBy: changedBy,
		ChangedAt: s.LastActivity, OutOfHoursNote: s.OutOfHoursNote, IdleTimeout: c.s.Settings.IdleTimeout,
		CSAT: s.CSAT, UnclaimedTimeout: c.s.Escalation.Timeout,
	}
	if s.EscalatedAt != nil {
		card.EscalatedAt = *s.EscalatedAt
	}
	if now := c.now(); s.WindowClosesAt != nil && s.WindowClosesAt.After(now) && s.WindowClosesAt.Sub(now) <= windowWarning {
		card.WindowClosesAt = *s.WindowClosesAt
	}
	return card
}
