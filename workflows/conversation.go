package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/workflows/conversation"
)

// Bounds that keep the workflow's history and payloads small.
const (
	maxSeen    = 1000 // inbound ids remembered for deduplication
	cardLines  = 30   // transcript lines on the agents' card
	storyLines = 60   // transcript lines the agents' summary is written from
)

// a is only used to name activity methods; the worker registers the real value.
var a *activities.Activities

// ConversationWorkflow is one customer's conversation, for as long as the customer writes. It answers with the
// bot while the conversation is active, hands it to a person when the customer needs one, keeps the bot silent
// until a person hands it back, and reminds agents when they go quiet (docs/DESIGN.md).
func ConversationWorkflow(ctx workflow.Context, in Input) error {
	c := newConversation(ctx, in)
	c.revision = revisionOf(ctx, in)
	if err := c.setup(ctx); err != nil {
		return err
	}
	return c.run(ctx)
}

type conversationWorkflow struct {
	s      *conversation.State
	seen   map[string]bool
	logger log.Logger

	// stopBot is set while the bot works on a message; it cancels that work.
	stopBot workflow.CancelFunc
	// replies lets one agent reply at a time, in the order they arrived.
	replies workflow.Mutex
	// sendingNotice is true while a notice to agents is on its way.
	sendingNotice bool
	// mirrored and searched are what Redis and the search attributes were last told.
	mirrored  conversation.Mirror
	mirroring bool
	searched  conversation.Status
	// indexed is Input.Indexed: the run may start without upserting its search attributes.
	indexed bool
	// revision is Input.Revision: what this run does that runs recorded before did not.
	revision int
	// now is the workflow's clock, for the query handlers.
	now func() time.Time
	// windowWarnings is true once this run warns people before the 24-hour window closes (escalate.go).
	windowWarnings bool
	// root is the workflow's own context; runID names this run (where the whole of a long text is kept).
	root  workflow.Context
	runID string
	// The speaker (speaker.go): voice is the context of the bot's messages outside a bot turn, which hush
	// cancels; speaking counts those under way.
	voice     workflow.Context
	hushVoice workflow.CancelFunc
	speaking  int
	// upgrade is true once this run of an older revision was found live: it moves to the current revision
	// at its next idle moment. waits numbers the main loop's waits, for the version marker that decides it.
	upgrade bool
	waits   int
	// spoke counts the bot's lines recorded by this run, so that a message whose turn an operator's cancel
	// cut short is told from one already answered; told numbers the run's notices to the customer.
	spoke int
	told  int
}

// revisionOf is the behaviour this run has: the worker's Revision, recorded at the run's start, or for a run
// recorded before workers recorded it, the revision its input named.
func revisionOf(ctx workflow.Context, in Input) int {
	v := workflow.GetVersion(ctx, versionRevision, workflow.DefaultVersion, Revision)
	if v == workflow.DefaultVersion {
		return in.Revision
	}
	return int(v)
}

func newConversation(ctx workflow.Context, in Input) *conversationWorkflow {
	s := in.State
	if s == nil {
		s = &conversation.State{Phone: in.Phone, WaID: in.WaID, UserID: in.UserID, Name: in.Name, Status: conversation.StatusActive}
	}
	// Every log line of the conversation names its customer, masked.
	logger := log.With(workflow.GetLogger(ctx), "wa_id", logx.MaskPhone(s.Phone))
	c := &conversationWorkflow{s: s, seen: map[string]bool{}, logger: logger, replies: workflow.NewMutex(ctx), indexed: in.Indexed, revision: in.Revision}
	for _, id := range s.Seen {
		c.seen[id] = true
	}
	return c
}

// setup registers the queries and updates, and starts the inbox (customer messages) and the outbox to agents.
func (c *conversationWorkflow) setup(ctx workflow.Context) error {
	c.now = func() time.Time { return workflow.Now(ctx) }
	c.root, c.runID = ctx, workflow.GetInfo(ctx).WorkflowExecution.RunID
	queries := map[string]any{
		QueryStatus:       func() (conversation.Snapshot, error) { return c.snapshot(false), nil },
		QueryConversation: func() (conversation.Snapshot, error) { return c.snapshot(true), nil },
		QueryTranscript:   func() ([]conversation.Line, error) { return c.s.Transcript, nil },
	}
	for _, name := range []string{QueryStatus, QueryConversation, QueryTranscript} {
		if err := workflow.SetQueryHandler(ctx, name, queries[name]); err != nil {
			return err
		}
	}
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func(id string) (Progress, error) {
		return Progress{Accepted: id == "" || c.seen[id], Settled: c.settled(ctx)}, nil
	}); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateTakeover, c.takeover, c.validateTakeover},
		{UpdateReply, c.reply, c.validateReply},
		{UpdateAgentMessage, c.agentMessage, c.validateAgentMessage},
		{UpdateReturnToBot, c.returnToBot, c.validateWithPeople},
		{UpdateKeep, c.keep, c.validateWithPeople},
		{UpdateActivity, c.note, nil},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	if c.indexed && c.searchAttributesCurrent(ctx) {
		c.searched = c.s.Status
	} else if err := c.upsertSearchAttributes(ctx); err != nil {
		return err
	}
	inbox := workflow.GetSignalChannel(ctx, SignalCustomerMessage)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var m conversation.Message
			inbox.Receive(ctx, &m)
			c.accept(ctx, m)
		}
	})
	workflow.Go(ctx, c.sendNotices)
	return nil
}

// run is the conversation: wait for the next thing that happened, decide, act.
func (c *conversationWorkflow) run(ctx workflow.Context) error {
	c.refreshSettings(ctx)
	for {
		c.mirror(ctx)
		c.checkUpgrade(ctx)
		next, err := c.waitForNext(ctx)
		if err != nil {
			return c.end(ctx, err)
		}
		switch next {
		case nextFollowup:
			f := c.s.Todo[0]
			c.s.Todo = c.s.Todo[1:]
			c.carryOut(ctx, f)
		case nextMessage:
			m, taken := c.nextTurn(ctx)
			spoke := c.spoke
			c.handle(ctx, m)
			if ctx.Err() != nil && c.spoke == spoke && c.revision >= revisionOneSpeaker {
				c.s.Pending = append(taken, c.s.Pending...) // cut short by a cancel: a fresh run answers it
			}
		case nextIdle:
			c.apply(ctx, conversation.Event{Kind: conversation.EvIdle, At: workflow.Now(ctx)})
		case nextUnclaimed:
			c.escalate(ctx)
		case nextWindowWarning:
			c.warnWindowCloses(ctx)
		case nextContinueAsNew:
			return c.continueAsNew(ctx)
		case nextMirror:
		}
	}
}

type next int

const (
	nextFollowup next = iota
	nextMessage
	nextIdle
	nextContinueAsNew
	nextMirror
	nextUnclaimed
	nextWindowWarning
)

// waitForNext blocks until there is something to do: work a transition left, a customer message, a
// deadline (the idle or unclaimed timer of a handoff, the window warning, the end of a customer's pause)
// coming, or a fresh history being due. The deadlines are one durable Temporal timer, set for whichever is
// due first; when one moves, or the Redis mirror is behind (run mirrors it), the wait starts again.
func (c *conversationWorkflow) waitForNext(ctx workflow.Context) (next, error) {
	for {
		idle, other := c.s.IdleDeadline, c.otherDeadlines(ctx)
		ready := func() bool {
			_, work := c.work(ctx)
			return work || c.s.IdleDeadline != idle || c.deadlinesNow() != other || c.mirrorValue() != c.mirrored
		}
		if due, fires, summary := other.earliest(idle); !due.IsZero() {
			wait := due.Sub(workflow.Now(ctx))
			if wait <= 0 {
				return fires, nil
			}
			if ok, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{Timeout: wait, TimerOptions: workflow.TimerOptions{Summary: summary}}, ready); err != nil || !ok {
				return fires, err
			}
		} else if err := workflow.Await(ctx, ready); err != nil {
			return 0, err
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if n, work := c.work(ctx); work {
			return n, nil
		}
		if c.mirrorValue() != c.mirrored {
			return nextMirror, nil
		}
	}
}

// work is what the main loop can do now, in order: a followup a transition left, a customer message, a fresh
// history.
func (c *conversationWorkflow) work(ctx workflow.Context) (next, bool) {
	switch {
	case len(c.s.Todo) > 0:
		return nextFollowup, true
	case c.messageReady(ctx):
		return nextMessage, true
	case c.readyToContinueAsNew(ctx):
		return nextContinueAsNew, true
	}
	return 0, false
}

// apply runs a transition and does at once what follows from it inside the workflow: stop the bot, note the
// change in the transcript, the search attributes and the agents' outbox.
func (c *conversationWorkflow) apply(ctx workflow.Context, ev conversation.Event) conversation.Outcome {
	out := c.s.Transition(ev)
	if out.StopBot {
		c.hush()
	}
	if out.Line != "" {
		c.system(ctx, out.Line)
	}
	if c.s.Status != c.searched {
		if err := c.upsertSearchAttributes(ctx); err != nil {
			c.logger.Error("search attributes not updated", "error", err)
		}
	}
	for _, kind := range out.Notices {
		c.notify(conversation.Notice{Kind: kind, Agent: ev.Agent.Name})
	}
	return out
}

// carryOut does the work a transition left for the main loop, unless a later transition overtook it.
func (c *conversationWorkflow) carryOut(ctx workflow.Context, f conversation.Followup) {
	if f.Generation != c.s.Generation {
		return
	}
	switch f.Kind {
	case conversation.DoAnnounce:
		c.refreshSettings(ctx)
		c.s.OutOfHoursNote = outOfHoursNote(c.s.Settings)
		c.armEscalation(ctx)
		c.mirror(ctx)
		story := tail(c.s.Transcript, storyLines) // the summary tells what happened before the handoff
		// A person already writing to the customer (an agent who started the conversation with a message of
		// their own, someone in the WhatsApp Business app) needs no notice before it.
		if c.s.AgentStarted != c.s.Handoffs && c.s.Reason != handoff.ReasonBusinessAppReply && !c.takeoverTells() {
			seq := c.s.Handoffs
			c.tell(ctx, activities.SendInput{Kind: activities.SendHandoffNotice, Reason: c.s.Reason,
				Text: handoffNotice(c.s.Reason, c.s.Name, c.s.OutOfHoursNote)}, sendOptions, func() bool {
				return c.s.Handoffs == seq && c.s.WaitingForPerson()
			})
		}
		c.summarize(ctx, story)
		c.notify(conversation.Notice{Kind: conversation.NoticeHandoff})
	case conversation.DoWelcomeBack:
		c.welcomeBack(ctx, f)
	}
}

// end closes a conversation an operator cancelled (from the Temporal UI or the CLI): other systems are told the
// bot answers again, and the customer's next message starts a new conversation.
func (c *conversationWorkflow) end(ctx workflow.Context, err error) error {
	if !errors.Is(ctx.Err(), workflow.ErrCanceled) {
		return err
	}
	c.logger.Info("conversation cancelled by an operator", "status", c.s.Status)
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if c.revision >= revisionOneSpeaker {
		// Messages that reached this run while it ended belong to the next one: a fresh conversation.
		// A notice on its way lands first, so that what it posts is not also carried.
		_ = workflow.Await(dctx, func() bool { return !c.sendingNotice })
		if err := c.drainInbox(dctx); err == nil {
			c.unpostedMessages()
			if len(c.s.Pending) > 0 {
				return c.startAfresh(dctx)
			}
		}
	}
	c.s.Transition(conversation.Event{Kind: conversation.EvCancel, At: workflow.Now(ctx)})
	c.mirror(dctx)
	return temporal.NewCanceledError("conversation cancelled by an operator")
}

// startAfresh ends a cancelled run by starting a fresh conversation with the customer's messages it had not
// handled: the operator ended the conversation, not what the customer wrote since.
func (c *conversationWorkflow) startAfresh(ctx workflow.Context) error {
	s := &conversation.State{Phone: c.s.Phone, WaID: c.s.WaID, UserID: c.s.UserID, Username: c.s.Username, Name: c.s.Name,
		Status: conversation.StatusActive, Seen: c.s.Seen, Settings: c.s.Settings, LastInbound: c.s.LastInbound}
	for _, m := range c.s.Pending {
		m.Held = false
		s.Pending = append(s.Pending, m)
		s.Transcript = append(s.Transcript, conversation.CutLine(conversation.Line{From: conversation.FromCustomer, Text: m.Text, At: m.At, ID: m.ID}, c.runID))
		s.LastMessage, s.LastActivity, s.Unread = conversation.Clip(m.Text, conversation.MaxListText), m.At, m.ID
	}
	s.BoundTranscript()
	s.BoundPending()
	c.logger.Info("cancelled with messages not yet handled: they start a fresh conversation", "messages", len(s.Pending))
	return workflow.NewContinueAsNewError(ctx, ConversationWorkflow, Input{Phone: s.Phone, WaID: s.WaID, UserID: s.UserID, Name: s.Name, State: s})
}

// unpostedMessages takes back, as messages to handle, the customer messages whose notice to people is still
// queued (not on its way): a cancelled run posts nothing more.
func (c *conversationWorkflow) unpostedMessages() {
	first := 0
	if c.sendingNotice {
		first = 1
	}
	var back []conversation.Message
	for i, n := range c.s.Notices {
		if i < first || n.Kind != conversation.NoticeCustomerMessage {
			continue
		}
		for _, id := range n.Messages {
			if l := c.line(id); l != nil {
				back = append(back, conversation.Message{ID: id, Phone: c.s.Phone, Kind: conversation.KindText, Text: l.Text, At: l.At})
			}
		}
	}
	c.s.Pending = append(back, c.s.Pending...)
}

// drainInbox accepts every message signalled to this run that the inbox has not taken yet. A message
// signalled in this workflow task may already be handed to the inbox coroutine, which has not run yet: the
// channel looks empty, and the message would be lost with this run. Every other coroutine runs once first.
func (c *conversationWorkflow) drainInbox(ctx workflow.Context) error {
	if err := yield(ctx); err != nil {
		return err
	}
	inbox := workflow.GetSignalChannel(ctx, SignalCustomerMessage)
	for {
		var m conversation.Message
		if !inbox.ReceiveAsync(&m) {
			return nil
		}
		c.accept(ctx, m)
	}
}

// readyToContinueAsNew is true when Temporal suggests a fresh history, or a run of an older revision can move
// to the current one, and nothing is in flight.
func (c *conversationWorkflow) readyToContinueAsNew(ctx workflow.Context) bool {
	return (workflow.GetInfo(ctx).GetContinueAsNewSuggested() || c.upgrade) && c.idle()
}

// idle is true when the conversation has nothing to do but wait. From revision 4 notices still queued for
// the agents' tool do not hold a fresh history back (a long Slack outage): the next run carries them.
func (c *conversationWorkflow) idle() bool {
	quiet := c.stopBot == nil && !c.sendingNotice && len(c.s.Pending) == 0 && len(c.s.Todo) == 0
	if c.revision >= revisionOneSpeaker {
		return quiet && c.speaking == 0
	}
	return quiet && len(c.s.Notices) == 0
}

// settled is idle with no notice queued, every update handled and the mirror up to date.
func (c *conversationWorkflow) settled(ctx workflow.Context) bool {
	return c.idle() && len(c.s.Notices) == 0 && workflow.AllHandlersFinished(ctx) && !c.mirroring && c.mirrorValue() == c.mirrored
}

// checkUpgrade finds out, once per wait of the main loop, whether a run of an older revision is running live
// (not replaying its history): then it moves to the current revision at its next idle moment. The version
// marker records that decision where it was taken, so the run replays the same.
func (c *conversationWorkflow) checkUpgrade(ctx workflow.Context) {
	if c.revision >= Revision || c.upgrade {
		return
	}
	c.waits++
	c.upgrade = workflow.GetVersion(ctx, fmt.Sprintf("upgrade-%d", c.waits), workflow.DefaultVersion, 1) == 1
}

func (c *conversationWorkflow) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil || ctx.Err() != nil {
		return c.end(ctx, ctx.Err())
	}
	// Signals that arrived since the last wake-up belong to the next run.
	if err := c.drainInbox(ctx); err != nil {
		return c.end(ctx, err)
	}
	c.s.BoundTranscript()
	c.s.BoundPending()
	c.logger.Info("continuing as new", "transcript", len(c.s.Transcript), "revision", c.revision)
	// The next run starts with this run's search attributes (the SDK carries them over), and records the
	// revision of the worker that starts it.
	in := Input{Phone: c.s.Phone, WaID: c.s.WaID, UserID: c.s.UserID, Name: c.s.Name, State: c.s, Indexed: true}
	if c.revision < revisionOneSpeaker {
		in.Revision = Revision // as runs before revision 4 did
	}
	return workflow.NewContinueAsNewError(ctx, ConversationWorkflow, in)
}

// yield lets every other coroutine of the workflow run before the caller goes on. It records nothing in the
// history.
func yield(ctx workflow.Context) error {
	ran := false
	workflow.Go(ctx, func(workflow.Context) { ran = true })
	return workflow.Await(ctx, func() bool { return ran })
}

// --- customer messages ---

// accept records an inbound message once, whoever holds the conversation.
func (c *conversationWorkflow) accept(ctx workflow.Context, m conversation.Message) {
	if m.ID != "" {
		if c.seen[m.ID] {
			c.logger.Info("duplicate message ignored", "id", m.ID)
			return
		}
		c.seen[m.ID] = true
		c.s.Seen = append(c.s.Seen, m.ID)
		if len(c.s.Seen) > maxSeen {
			delete(c.seen, c.s.Seen[0])
			c.s.Seen = c.s.Seen[1:]
		}
	}
	now := workflow.Now(ctx)
	if m.At.IsZero() || m.At.After(now) {
		m.At = now
	}
	c.learn(ctx, m)
	switch m.Kind {
	case conversation.KindEcho:
		c.echo(ctx, m)
		return
	case conversation.KindDelivery:
		c.delivered(ctx, m)
		return
	}
	if m.Name != "" {
		c.s.Name = m.Name
	}
	c.s.LastInbound = now
	c.record(ctx, conversation.Line{From: conversation.FromCustomer, Text: m.Text, At: m.At, ID: m.ID})
	m.Text, _ = conversation.CutText(m.Text, conversation.MaxLineText) // the bot reads the beginning of a long message
	if m.Kind == conversation.KindReaction || m.Kind == conversation.KindSystem || m.Kind == conversation.KindIdentity {
		return // kept for the agents, but nothing anyone needs to answer
	}
	if m.ID != "" {
		c.s.Unread = m.ID
	}
	m.Held = c.s.Status.BotSilent()
	c.s.Pending = append(c.s.Pending, m)
}

// handle deals with one accepted customer message: people's, or the bot's to answer.
func (c *conversationWorkflow) handle(ctx workflow.Context, m conversation.Message) {
	// A message that arrived while people held the conversation is theirs, even when it went back to the bot
	// before the message was handled: it is posted for them, in the thread of the handoff it arrived in.
	if c.s.Status.BotSilent() || m.Held && c.revision >= revisionOneSpeaker {
		c.notify(conversation.Notice{Kind: conversation.NoticeCustomerMessage, Text: m.Text, Messages: []string{m.ID}})
		return
	}
	if m.Held {
		return // before revision 4: dropped
	}
	c.botTurn(ctx, m)
}

// takeUnread returns the customer's message that the next message to them marks read.
func (c *conversationWorkflow) takeUnread() string {
	id := c.s.Unread
	c.s.Unread = ""
	return id
}

// say sends a bot message if the bot still holds the conversation. A send already under way when a person
// takes over is either finished or cancelled before the takeover completes.
func (c *conversationWorkflow) say(ctx workflow.Context, gen int, m conversation.Message, kind, text string, buttons []conversation.Button, tag string) bool {
	in := activities.SendInput{Text: text, Buttons: buttons, Kind: kind, ReceivedAt: m.ReceivedAt, Tag: tag}
	return c.speak(ctx, ctx, m, in, sendOptions, func() bool { return ctx.Err() == nil && c.s.Holds(gen) })
}

// speak is the one path of the bot's messages to the customer (speaker.go): it sends in if holds still says
// it is the bot's to send, records it, and reports whether it went out and still holds. It waits in waitCtx,
// the caller's; sendCtx is what stops the send (a takeover cancels it).
func (c *conversationWorkflow) speak(waitCtx, sendCtx workflow.Context, m conversation.Message, in activities.SendInput, opts workflow.ActivityOptions, holds func() bool) bool {
	if !holds() {
		return false
	}
	in.To, in.ReadID = c.s.Address(), c.takeUnread()
	line := conversation.Line{From: conversation.FromBot, Text: botLine(in.Text, in.Buttons)}
	if c.revision >= revisionMirrorOnSend {
		// The send updates the Redis mirror as it will be once the message is out, saving a local activity
		// (and its history event) after every bot message; the send fills in when it went.
		next := c.mirrorValue()
		next.LastMessage, next.LastActivity = line.Text, time.Time{}
		in.Mirror = &next
	}
	res, err := c.botSend(waitCtx, sendCtx, m, in, opts)
	if err != nil {
		if errors.Is(err, workflow.ErrCanceled) || sendCtx.Err() != nil {
			c.logger.Info("bot message stopped: a person speaks to the customer", "kind", in.Kind)
		} else {
			c.logger.Error("bot message not delivered", "kind", in.Kind, "error", err)
		}
		return false
	}
	c.sent(in.Kind)
	c.recordSent(waitCtx, line, in.Mirror, res)
	return sendCtx.Err() == nil && holds()
}

// botSend sends a bot message of a bot turn. From revision 3 it goes out from the workflow task that decided
// it (a local activity): one workflow task per answered message. A takeover cannot stop a local activity
// without losing track of a send under way (its future would resolve while the Graph API call goes on), so the
// local send is not cancelled: the takeover waits for it, as for any send in flight. It makes a few quick
// attempts; when WhatsApp keeps failing, a send activity carries on under the same tag (once, whatever the
// attempts before it did), with sendOptions' retries, which a takeover does stop.
func (c *conversationWorkflow) botSend(waitCtx, sendCtx workflow.Context, m conversation.Message, in activities.SendInput, opts workflow.ActivityOptions) (activities.SendResult, error) {
	var res activities.SendResult
	if c.revision >= revisionLocalBotSend {
		if in.Tag == "" {
			info := workflow.GetInfo(waitCtx)
			switch {
			case m.ID != "":
				in.Tag = activities.SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, "bot:"+m.ID)
			case c.revision >= revisionOneSpeaker:
				// A notice answers no message: the run numbers them, for one tag across its attempts.
				c.told++
				in.Tag = activities.SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, fmt.Sprintf("notice:%d", c.told))
			}
		}
		lctx, _ := workflow.NewDisconnectedContext(waitCtx)
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(lctx, botSendOptions), a.Send, in).Get(lctx, &res)
		var refused *temporal.ApplicationError
		if err == nil || sendCtx.Err() != nil || errors.As(err, &refused) && refused.NonRetryable() {
			return res, err
		}
		c.logger.Warn("bot message not sent yet; retrying in a send activity", "error", err)
	}
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(sendCtx, opts), a.Send, in).Get(waitCtx, &res)
	return res, err
}

// recordSent records a bot message its send reported out. A send given the conversation's mirror (without
// the message and its time) wrote it with both; Redis then shows what the send wrote, and the main loop
// mirrors again only if the conversation changed since.
func (c *conversationWorkflow) recordSent(ctx workflow.Context, line conversation.Line, mirror *conversation.Mirror, res activities.SendResult) {
	line.At, line.ID = workflow.Now(ctx), res.MessageID
	if mirror != nil && !res.SentAt.IsZero() {
		line.At = res.SentAt
	}
	c.record(ctx, line)
	if mirror != nil && res.Mirrored {
		c.s.LastActivity = res.SentAt
		c.mirrored = *mirror
		c.mirrored.LastMessage, c.mirrored.LastActivity = line.Text, res.SentAt
	}
}

// tellCustomer sends a notice (the handoff notice, the welcome back) outside any bot turn, and reports whether
// it went out.
func (c *conversationWorkflow) tellCustomer(ctx workflow.Context, in activities.SendInput) bool {
	var res activities.SendResult
	in.To, in.ReadID = c.s.Address(), c.takeUnread()
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, sendOptions), a.Send, in).Get(ctx, &res); err != nil {
		c.logger.Error("notice to the customer not delivered", "error", err)
		return false
	}
	c.sent(in.Kind)
	c.record(ctx, conversation.Line{From: conversation.FromBot, Text: botLine(in.Text, in.Buttons), At: workflow.Now(ctx), ID: res.MessageID})
	return true
}

func botLine(text string, buttons []conversation.Button) string {
	if len(buttons) == 0 {
		return text
	}
	titles := make([]string, len(buttons))
	for i, b := range buttons {
		titles[i] = "[" + b.Title + "]"
	}
	return text + " " + strings.Join(titles, " ")
}

// record appends a transcript line, keeping the transcript bounded.
func (c *conversationWorkflow) record(ctx workflow.Context, e conversation.Line) {
	e = conversation.CutLine(e, c.runID)
	c.s.Transcript = append(c.s.Transcript, e)
	c.s.BoundTranscript()
	if e.From != conversation.FromSystem {
		c.s.LastMessage = conversation.Clip(e.Text, conversation.MaxListText)
	}
	if e.From == conversation.FromBot {
		c.spoke++
	}
	c.s.LastActivity = workflow.Now(ctx)
}

func (c *conversationWorkflow) system(ctx workflow.Context, text string) {
	c.record(ctx, conversation.Line{From: conversation.FromSystem, Text: text, At: workflow.Now(ctx)})
}

// refreshSettings reads the worker's settings: the business, the idle timeout, whether people are at work.
func (c *conversationWorkflow) refreshSettings(ctx workflow.Context) {
	var s conversation.Settings
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.CurrentSettings).Get(ctx, &s); err != nil {
		c.logger.Error("settings unavailable; keeping the last known", "error", err)
		return
	}
	c.s.Settings = s
}

func (c *conversationWorkflow) summarize(ctx workflow.Context, story []conversation.Line) {
	var summary string
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, summaryOptions), a.Summarize, ai.SummaryRequest{
		Phone: c.s.Phone, Name: c.s.Name, Reason: c.s.Reason, Transcript: story,
	}).Get(ctx, &summary)
	if err != nil {
		c.logger.Error("summary unavailable", "error", err)
		return
	}
	c.s.Summary = conversation.Clip(summary, conversation.MaxSummary)
}

// --- mirrors ---

// searchAttributesCurrent reports whether the run's search attributes already say what upsertSearchAttributes
// would: a new conversation's start sets them, and a continue-as-new carries them over.
func (c *conversationWorkflow) searchAttributesCurrent(ctx workflow.Context) bool {
	sa := workflow.GetTypedSearchAttributes(ctx)
	to := c.s.Address()
	status, ok := sa.GetKeyword(SupportStatusKey)
	phone, _ := sa.GetKeyword(CustomerPhoneKey)
	userID, _ := sa.GetKeyword(CustomerUserIDKey)
	return ok && status == string(c.s.Status) && phone == to.Phone && userID == to.UserID
}

func (c *conversationWorkflow) upsertSearchAttributes(ctx workflow.Context) error {
	c.searched = c.s.Status
	updates := []temporal.SearchAttributeUpdate{SupportStatusKey.ValueSet(string(c.s.Status))}
	if to := c.s.Address(); to.Phone != "" {
		updates = append(updates, CustomerPhoneKey.ValueSet(to.Phone))
	}
	if to := c.s.Address(); to.UserID != "" {
		updates = append(updates, CustomerUserIDKey.ValueSet(to.UserID))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

// mirror copies the state to Redis for other systems and the console's list, when what they see changed. A
// Redis outage is logged and not retried until the next change: Temporal is the source of truth.
func (c *conversationWorkflow) mirror(ctx workflow.Context) {
	m := c.mirrorValue()
	if m == c.mirrored {
		return
	}
	c.mirrored, c.mirroring = m, true
	defer func() { c.mirroring = false }()
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.MirrorState, m).Get(ctx, nil); err != nil {
		c.logger.Warn("redis mirror not updated", "error", err)
	}
}

// mirrorValue is what Redis shows of the conversation: its list entry.
func (c *conversationWorkflow) mirrorValue() conversation.Mirror {
	return c.snapshot(false).Entry(pausedFor(c.s.Settings.IdleTimeout))
}

// pausedFor is the expiry of the Redis "paused" status: long enough to outlast any wait for a person, short
// enough that a lost conversation does not silence other systems forever.
func pausedFor(idle time.Duration) time.Duration {
	if d := 4 * idle; d > 24*time.Hour {
		return d
	}
	return 24 * time.Hour
}

func (c *conversationWorkflow) snapshot(withTranscript bool) conversation.Snapshot {
	to := c.s.Address()
	s := conversation.Snapshot{
		Phone: c.s.Phone, WaID: to.Phone, UserID: to.UserID, Username: c.s.Username, Outbound: c.s.Outbound,
		Name: c.s.Name, Status: c.s.Status, Assignee: c.s.Assignee,
		HandoffReason: c.s.Reason, HandoffReasonLabel: c.s.Reason.Label(), Summary: c.s.Summary,
		LastMessage: c.s.LastMessage, LastActivity: c.s.LastActivity, OutOfHoursNote: c.s.OutOfHoursNote,
		CSAT: string(c.s.CSAT.Score),
	}
	if c.s.Status.BotSilent() {
		t := c.s.HandoffAt
		s.HandoffAt = &t
	}
	if !c.s.LastInbound.IsZero() {
		t := c.s.LastInbound
		s.LastInbound = &t
	}
	if c.s.Overdue() {
		t := c.s.Escalation.At
		s.Overdue, s.EscalatedAt = true, &t
	}
	if closes := c.windowClosesAt(); !closes.IsZero() {
		s.WindowClosesAt = &closes
	}
	if withTranscript {
		s.Transcript = append([]conversation.Line{}, c.s.Transcript...)
		s.EarlierMessages = c.s.Earlier
	}
	return s
}

func tail(entries []conversation.Line, n int) []conversation.Line {
	if len(entries) <= n {
		return append([]conversation.Line(nil), entries...)
	}
	return append([]conversation.Line(nil), entries[len(entries)-n:]...)
}
