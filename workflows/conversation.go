package workflows

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/conversation"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/internal/logx"
)

// Bounds that keep the workflow's history and payloads small.
const (
	maxTranscript = 200  // lines kept in full; older ones are counted
	maxSeen       = 1000 // inbound ids remembered for deduplication
	maxRecent     = 6    // earlier questions given to the classifier
	cardLines     = 30   // transcript lines on the agents' card
)

// a is only used to name activity methods; the worker registers the real value.
var a *activities.Activities

// ConversationWorkflow is one customer's conversation, for as long as the customer writes. It answers with the
// bot while the conversation is active, hands it to a person when the customer needs one, keeps the bot silent
// until a person hands it back, and reminds agents when they go quiet.
func ConversationWorkflow(ctx workflow.Context, in Input) error {
	w := newConversation(ctx, in)
	if err := w.setup(ctx); err != nil {
		return err
	}
	return w.run(ctx)
}

type conversationWorkflow struct {
	s      *State
	seen   map[string]bool
	logger log.Logger

	botBusy   bool
	cancelBot workflow.CancelFunc
	notifying bool
	dirty     bool
	// replyTurn orders concurrent agent replies: each takes a ticket and waits for its turn.
	replyNext, replyServing int
}

func newConversation(ctx workflow.Context, in Input) *conversationWorkflow {
	s := in.State
	if s == nil {
		s = &State{Phone: in.Phone, Name: in.Name, Status: conversation.StatusActive}
	}
	w := &conversationWorkflow{s: s, seen: map[string]bool{}, logger: workflow.GetLogger(ctx)}
	for _, id := range s.Seen {
		w.seen[id] = true
	}
	w.dirty = true
	return w
}

func (w *conversationWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (conversation.Snapshot, error) {
		return w.snapshot(false), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryTranscript, func() ([]conversation.Entry, error) {
		return w.s.Transcript, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryConversation, func() (conversation.Snapshot, error) {
		return w.snapshot(true), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateTakeover, w.takeover,
		workflow.UpdateHandlerOptions{Validator: w.validateTakeover}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReply, w.reply,
		workflow.UpdateHandlerOptions{Validator: w.validateReply}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReturnToBot, w.returnToBot,
		workflow.UpdateHandlerOptions{Validator: w.validateReturn}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateKeep, w.keep,
		workflow.UpdateHandlerOptions{Validator: w.validateKeep}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateActivity, w.agentActivity); err != nil {
		return err
	}
	if err := w.upsertSearchAttributes(ctx); err != nil {
		return err
	}
	ch := workflow.GetSignalChannel(ctx, SignalCustomerMessage)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var m CustomerMessage
			ch.Receive(ctx, &m)
			w.accept(ctx, m)
		}
	})
	workflow.Go(ctx, w.notifyLoop)
	workflow.Go(ctx, w.idleTimerLoop)
	return nil
}

func (w *conversationWorkflow) run(ctx workflow.Context) error {
	for {
		if err := workflow.Await(ctx, func() bool {
			return len(w.s.Effects) > 0 || len(w.s.Pending) > 0 || w.dirty || w.readyToContinueAsNew(ctx)
		}); err != nil {
			return err
		}
		switch {
		case len(w.s.Effects) > 0:
			e := w.s.Effects[0]
			w.s.Effects = w.s.Effects[1:]
			w.runEffect(ctx, e)
		case len(w.s.Pending) > 0:
			m := w.s.Pending[0]
			w.s.Pending = w.s.Pending[1:]
			w.handle(ctx, m)
		case w.dirty:
			w.mirror(ctx)
		default:
			return w.continueAsNew(ctx)
		}
	}
}

// readyToContinueAsNew is true when Temporal suggests a fresh history and nothing is in flight.
func (w *conversationWorkflow) readyToContinueAsNew(ctx workflow.Context) bool {
	return workflow.GetInfo(ctx).GetContinueAsNewSuggested() && !w.botBusy && !w.notifying &&
		len(w.s.Pending) == 0 && len(w.s.Effects) == 0 && len(w.s.Notices) == 0
}

func (w *conversationWorkflow) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	// Signals that arrived since the last wake-up belong to the next run.
	ch := workflow.GetSignalChannel(ctx, SignalCustomerMessage)
	for {
		var m CustomerMessage
		if !ch.ReceiveAsync(&m) {
			break
		}
		w.accept(ctx, m)
	}
	w.logger.Info("continuing as new", "wa_id", logx.MaskPhone(w.s.Phone), "transcript", len(w.s.Transcript))
	return workflow.NewContinueAsNewError(ctx, ConversationWorkflow, Input{Phone: w.s.Phone, Name: w.s.Name, State: w.s})
}

// accept records an inbound message once, whoever holds the conversation.
func (w *conversationWorkflow) accept(ctx workflow.Context, m CustomerMessage) {
	if m.ID != "" {
		if w.seen[m.ID] {
			w.logger.Info("duplicate message ignored", "wa_id", logx.MaskPhone(w.s.Phone), "id", m.ID)
			return
		}
		w.seen[m.ID] = true
		w.s.Seen = append(w.s.Seen, m.ID)
		if len(w.s.Seen) > maxSeen {
			delete(w.seen, w.s.Seen[0])
			w.s.Seen = w.s.Seen[1:]
		}
	}
	if m.Name != "" {
		w.s.Name = m.Name
	}
	now := workflow.Now(ctx)
	if m.At.IsZero() || m.At.After(now) {
		m.At = now
	}
	w.s.LastInbound = now
	w.record(ctx, conversation.Entry{From: conversation.FromCustomer, Text: m.Text, At: m.At, ID: m.ID})
	if m.Kind == KindReaction || m.Kind == KindSystem {
		return // kept for the agents, but nothing anyone needs to answer
	}
	m.Held = w.s.Status.BotSilent()
	w.s.Pending = append(w.s.Pending, m)
}

// handle deals with one accepted customer message.
func (w *conversationWorkflow) handle(ctx workflow.Context, m CustomerMessage) {
	if w.s.Status.BotSilent() || m.Held {
		if w.s.Status.BotSilent() && w.s.Slack {
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeCustomerMessage, Text: m.Text})
		}
		w.dirty = true
		return
	}
	w.botTurn(ctx, m)
	w.dirty = true
}

// botTurn lets the bot deal with one message. The work runs under a context a takeover cancels, and
// nothing is sent once the conversation has changed hands.
func (w *conversationWorkflow) botTurn(ctx workflow.Context, m CustomerMessage) {
	botCtx, cancel := workflow.WithCancel(ctx)
	w.botBusy, w.cancelBot = true, cancel
	defer func() {
		cancel()
		w.botBusy, w.cancelBot = false, nil
	}()
	gen := w.s.Generation
	if m.ID != "" && m.Kind != KindReaction {
		w.markRead(ctx, m.ID)
	}

	d, decided := decideButton(w.s, m)
	if !decided {
		an, err := w.analyze(botCtx, m.Text)
		if !w.holds(botCtx, gen) {
			return
		}
		if err != nil {
			w.logger.Error("classifier failed; handing off", "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
			w.enterHandoff(ctx, handoff.ReasonAIUnavailable, "", "")
			return
		}
		d = decideText(w.s, an)
		if d.Action == ActAnswer {
			d = w.answer(botCtx, m, an)
			if !w.holds(botCtx, gen) {
				return
			}
		}
		if an.Topic != "" {
			w.s.Recent = append(w.s.Recent, ai.Turn{Topic: an.Topic, Text: m.Text})
			if len(w.s.Recent) > maxRecent {
				w.s.Recent = w.s.Recent[len(w.s.Recent)-maxRecent:]
			}
		}
	}
	// An open offer lapses with whatever the customer says next.
	w.s.Offer = Offer{}
	switch d.Action {
	case ActHandoff:
		w.enterHandoff(ctx, d.Reason, "", "")
	case ActSay:
		w.say(botCtx, gen, m, d.Kind(), d.Text, nil)
	case ActOffer:
		if w.say(botCtx, gen, m, activities.SendOffer, d.Text, offerButtons) {
			w.s.Offer = Offer{Pending: true, Reason: d.Reason}
		}
	}
}

// answer turns an answer request into what to say: the knowledge base's answer, or an offer of a person.
func (w *conversationWorkflow) answer(ctx workflow.Context, m CustomerMessage, an activities.Analysis) Decision {
	var ans ai.Answer
	actx := workflow.WithActivityOptions(ctx, aiOptions)
	err := workflow.ExecuteActivity(actx, a.Answer, activities.AnswerInput{Text: m.Text, FAQID: an.FAQID, Name: w.s.Name}).Get(ctx, &ans)
	if err != nil {
		if ctx.Err() != nil {
			return Decision{Action: ActNothing}
		}
		w.logger.Error("answer failed; handing off", "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
		return Decision{Action: ActHandoff, Reason: handoff.ReasonAIUnavailable}
	}
	if !ans.Grounded {
		text := textOfferUnknown
		if an.Intent == ai.IntentOrderStatus {
			text = textOfferNoOrder
		}
		return Decision{Action: ActOffer, Reason: handoff.ReasonHumanRequested, Text: text}
	}
	w.s.Repeat.Answered()
	return Decision{Action: ActSay, Text: ans.Text, answered: true}
}

// holds reports whether the bot still holds the conversation it started working on.
func (w *conversationWorkflow) holds(ctx workflow.Context, gen int) bool {
	return ctx.Err() == nil && w.s.Generation == gen && w.s.Status == conversation.StatusActive
}

func (w *conversationWorkflow) analyze(ctx workflow.Context, text string) (activities.Analysis, error) {
	var an activities.Analysis
	actx := workflow.WithActivityOptions(ctx, aiOptions)
	err := workflow.ExecuteActivity(actx, a.Analyze, activities.AnalyzeInput{Text: text, Recent: w.s.Recent}).Get(ctx, &an)
	return an, err
}

// say sends a bot message if the bot still holds the conversation. A send already under way when a person
// takes over is either finished or cancelled before the takeover completes.
func (w *conversationWorkflow) say(ctx workflow.Context, gen int, m CustomerMessage, kind, text string, buttons []activities.Button) bool {
	if !w.holds(ctx, gen) {
		return false
	}
	var res activities.SendResult
	sctx := workflow.WithActivityOptions(ctx, sendOptions)
	in := activities.SendInput{To: w.s.Phone, Text: text, Buttons: buttons, Kind: kind, ReceivedAt: m.ReceivedAt}
	err := workflow.ExecuteActivity(sctx, a.Send, in).Get(ctx, &res)
	if err != nil {
		if !errors.Is(err, workflow.ErrCanceled) && ctx.Err() == nil {
			w.logger.Error("bot message not delivered", "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
		}
		return false
	}
	w.record(ctx, conversation.Entry{From: conversation.FromBot, Text: botLine(text, buttons), At: workflow.Now(ctx), ID: res.MessageID})
	return ctx.Err() == nil && w.s.Generation == gen && w.s.Status == conversation.StatusActive
}

// notifyCustomer sends a system message (the handoff notice, the return notice) outside any bot turn.
func (w *conversationWorkflow) notifyCustomer(ctx workflow.Context, in activities.SendInput) {
	var res activities.SendResult
	in.To = w.s.Phone
	sctx := workflow.WithActivityOptions(ctx, sendOptions)
	if err := workflow.ExecuteActivity(sctx, a.Send, in).Get(ctx, &res); err != nil {
		w.logger.Error("notice to the customer not delivered", "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
		return
	}
	w.record(ctx, conversation.Entry{From: conversation.FromBot, Text: in.Text, At: workflow.Now(ctx), ID: res.MessageID})
}

func (w *conversationWorkflow) markRead(ctx workflow.Context, id string) {
	rctx := workflow.WithActivityOptions(ctx, readOptions)
	f := workflow.ExecuteActivity(rctx, a.MarkRead, id)
	workflow.Go(ctx, func(ctx workflow.Context) {
		if err := f.Get(ctx, nil); err != nil {
			w.logger.Warn("read receipt not sent", "error", err)
		}
	})
}

func botLine(text string, buttons []activities.Button) string {
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
func (w *conversationWorkflow) record(ctx workflow.Context, e conversation.Entry) {
	w.s.Transcript = append(w.s.Transcript, e)
	if over := len(w.s.Transcript) - maxTranscript; over > 0 {
		w.s.Transcript = append([]conversation.Entry(nil), w.s.Transcript[over:]...)
		w.s.Earlier += over
	}
	if e.From != conversation.FromSystem {
		w.s.LastMessage = e.Text
	}
	w.s.LastActivity = workflow.Now(ctx)
	w.dirty = true
}

func (w *conversationWorkflow) system(ctx workflow.Context, text string) {
	w.record(ctx, conversation.Entry{From: conversation.FromSystem, Text: text, At: workflow.Now(ctx)})
}

// enterHandoff gives the conversation to people. The bot stops at once; the notices follow in the main loop.
func (w *conversationWorkflow) enterHandoff(ctx workflow.Context, reason handoff.Reason, agent, agentID string) {
	if w.s.Status.BotSilent() {
		return
	}
	if w.cancelBot != nil {
		w.cancelBot()
	}
	now := workflow.Now(ctx)
	w.s.Status = conversation.StatusHandoff
	w.s.Reason = reason
	w.s.HandoffAt = now
	w.s.Assignee, w.s.AssigneeID = agent, agentID
	w.s.Summary, w.s.OutOfHoursNote = "", ""
	w.s.Offer = Offer{}
	w.s.Generation++
	w.s.HandoffSeq++
	w.s.IdleDeadline = time.Time{}
	label := "Handed to a person: " + reason.Label()
	if agent != "" {
		label = "Taken over by " + agent
	}
	w.system(ctx, label)
	w.upsert(ctx)
	w.s.Effects = append(w.s.Effects, Effect{Kind: EffectHandoff, Generation: w.s.Generation, Agent: agent})
}

func (w *conversationWorkflow) runEffect(ctx workflow.Context, e Effect) {
	current := e.Generation == w.s.Generation
	switch e.Kind {
	case EffectHandoff:
		settings := w.settings(ctx)
		if !current || !w.s.Status.BotSilent() {
			return
		}
		w.s.BusinessName = settings.BusinessName
		w.s.IdleTimeout = settings.IdleTimeout
		w.resetIdleTimer(ctx)
		w.s.Slack = settings.Slack
		w.s.OutOfHoursNote = outOfHoursNote(settings)
		w.mirror(ctx)
		story := tail(w.s.Transcript, 60) // the summary tells what happened before the handoff
		w.notifyCustomer(ctx, activities.SendInput{Kind: activities.SendHandoffNotice, Reason: w.s.Reason,
			Text: handoffNotice(w.s.Reason, w.s.Name, w.s.OutOfHoursNote)})
		w.summarize(ctx, story)
		if w.s.Slack {
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeHandoff})
		}
	case EffectIdle:
		if w.s.Slack {
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeConfirmPrompt})
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeCardUpdate})
		}
	case EffectKept:
		if w.s.Slack {
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeCardUpdate})
		}
	case EffectReturned:
		if w.s.Slack {
			w.enqueueNotice(activities.Notice{Kind: activities.NoticeCardUpdate, Agent: e.Agent})
		}
		if current && w.s.Status == conversation.StatusActive {
			settings := w.settings(ctx)
			w.s.BusinessName = settings.BusinessName
			w.notifyCustomer(ctx, activities.SendInput{Kind: activities.SendReturnNotice, Text: returnedNotice(settings.BusinessName)})
		}
	}
	w.dirty = true
}

func (w *conversationWorkflow) settings(ctx workflow.Context) activities.RuntimeSettings {
	var s activities.RuntimeSettings
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.CurrentSettings).Get(ctx, &s); err != nil {
		w.logger.Error("settings unavailable; using defaults", "error", err)
	}
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = 30 * time.Minute
	}
	return s
}

func (w *conversationWorkflow) summarize(ctx workflow.Context, story []conversation.Entry) {
	var summary string
	sctx := workflow.WithActivityOptions(ctx, summaryOptions)
	err := workflow.ExecuteActivity(sctx, a.Summarize, activities.SummaryInput{
		Phone: w.s.Phone, Name: w.s.Name, Reason: w.s.Reason, Transcript: story,
	}).Get(ctx, &summary)
	if err != nil {
		w.logger.Error("summary unavailable", "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
		return
	}
	w.s.Summary = summary
	w.dirty = true
}

// resetIdleTimer restarts the wait for human activity.
func (w *conversationWorkflow) resetIdleTimer(ctx workflow.Context) {
	timeout := w.s.IdleTimeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	w.s.IdleDeadline = workflow.Now(ctx).Add(timeout)
}

// idleTimerLoop fires when agents have been silent for the idle timeout during a handoff. The timer is
// durable: it survives worker restarts and continue-as-new (the deadline is part of the state).
func (w *conversationWorkflow) idleTimerLoop(ctx workflow.Context) {
	for {
		_ = workflow.Await(ctx, func() bool {
			return w.s.Status == conversation.StatusHandoff && !w.s.IdleDeadline.IsZero()
		})
		deadline := w.s.IdleDeadline
		tctx, cancel := workflow.WithCancel(ctx)
		timer := workflow.NewTimer(tctx, deadline.Sub(workflow.Now(ctx)))
		_ = workflow.Await(ctx, func() bool {
			return timer.IsReady() || w.s.IdleDeadline != deadline || w.s.Status != conversation.StatusHandoff
		})
		if !timer.IsReady() {
			cancel()
			continue
		}
		cancel()
		if timer.Get(ctx, nil) == nil && w.s.IdleDeadline == deadline && w.s.Status == conversation.StatusHandoff {
			w.idleExpired(ctx)
		}
	}
}

func (w *conversationWorkflow) idleExpired(ctx workflow.Context) {
	w.s.Status = conversation.StatusAwaitingConfirmation
	w.s.IdleDeadline = time.Time{}
	w.s.Generation++
	w.system(ctx, "No agent activity: waiting for an agent to return the conversation to the bot or keep it")
	w.upsert(ctx)
	w.s.Effects = append(w.s.Effects, Effect{Kind: EffectIdle, Generation: w.s.Generation})
}

// --- updates ---

func (w *conversationWorkflow) validateTakeover(ctx workflow.Context, req TakeoverRequest) error {
	if strings.TrimSpace(req.Agent) == "" {
		return temporal.NewApplicationError("agent is required", ErrTypeInvalidRequest)
	}
	return nil
}

func (w *conversationWorkflow) takeover(ctx workflow.Context, req TakeoverRequest) (TakeoverResult, error) {
	agent := strings.TrimSpace(req.Agent)
	switch {
	case w.s.Status == conversation.StatusActive:
		w.enterHandoff(ctx, handoff.ReasonAgentTakeover, agent, req.AgentID)
	case w.s.Assignee == "" || w.sameAgent(agent, req.AgentID):
		w.assign(ctx, agent, req.AgentID)
		w.backToHandoff(ctx)
	default:
		return TakeoverResult{Assignee: w.s.Assignee, AlreadyAssigned: true, Status: w.s.Status}, nil
	}
	// Whatever the bot was doing has been cancelled; wait until it has stopped, so that nothing it
	// started can reach the customer after the takeover returns.
	if err := workflow.Await(ctx, func() bool { return !w.botBusy }); err != nil {
		return TakeoverResult{}, err
	}
	return TakeoverResult{Assignee: w.s.Assignee, Status: w.s.Status}, nil
}

// sameAgent reports whether an agent is the assignee: by Slack user id when both have one, else by name.
func (w *conversationWorkflow) sameAgent(agent, agentID string) bool {
	if agentID != "" && w.s.AssigneeID != "" {
		return agentID == w.s.AssigneeID
	}
	return strings.EqualFold(strings.TrimSpace(agent), w.s.Assignee)
}

func (w *conversationWorkflow) assign(ctx workflow.Context, agent, agentID string) {
	if w.s.Assignee == "" {
		w.s.Assignee, w.s.AssigneeID = agent, agentID
		w.system(ctx, "Taken over by "+agent)
	}
}

// backToHandoff restarts the idle timer after agent activity, and leaves awaiting_confirmation.
func (w *conversationWorkflow) backToHandoff(ctx workflow.Context) {
	if w.s.Status == conversation.StatusAwaitingConfirmation {
		w.s.Status = conversation.StatusHandoff
		w.s.Generation++
		w.upsert(ctx)
	}
	w.resetIdleTimer(ctx)
	w.s.Effects = append(w.s.Effects, Effect{Kind: EffectKept, Generation: w.s.Generation})
	w.dirty = true
}

func (w *conversationWorkflow) validateReply(ctx workflow.Context, req ReplyRequest) error {
	text := strings.TrimSpace(req.Text)
	switch {
	case strings.TrimSpace(req.Agent) == "":
		return temporal.NewApplicationError("agent is required", ErrTypeInvalidRequest)
	case text == "":
		return temporal.NewApplicationError("text is empty", ErrTypeInvalidText)
	case utf8.RuneCountInString(text) > MaxTextLength:
		return temporal.NewApplicationError("text is longer than 4096 characters", ErrTypeInvalidText)
	case w.s.Status == conversation.StatusActive:
		return temporal.NewApplicationError("the bot holds this conversation: take it over first", ErrTypeBotHolds)
	case req.Source == SourceSlack && w.s.Assignee != "" && !w.sameAgent(req.Agent, req.AgentID):
		return temporal.NewApplicationError("only the agent who took this conversation ("+w.s.Assignee+") speaks to the customer", ErrTypeNotAssignee)
	case req.Source == SourceSlack && req.ThreadTS != "" && w.cardRef(w.s.HandoffSeq).TS != "" && req.ThreadTS != w.cardRef(w.s.HandoffSeq).TS:
		return temporal.NewApplicationError("this thread belongs to an earlier handoff: reply in the current card's thread", ErrTypeNotAssignee)
	case !w.s.LastInbound.IsZero() && workflow.Now(ctx).Sub(w.s.LastInbound) > 24*time.Hour:
		return temporal.NewApplicationError("the 24-hour WhatsApp window is closed: the customer must write first", ErrTypeWindowClosed)
	}
	return nil
}

func (w *conversationWorkflow) reply(ctx workflow.Context, req ReplyRequest) (ReplyResult, error) {
	ticket := w.replyNext
	w.replyNext++
	defer func() { w.replyServing++ }()
	if err := workflow.Await(ctx, func() bool { return w.replyServing == ticket }); err != nil {
		return ReplyResult{}, err
	}
	if w.s.Status == conversation.StatusActive {
		return ReplyResult{}, temporal.NewApplicationError("the conversation went back to the bot", ErrTypeBotHolds)
	}
	agent := strings.TrimSpace(req.Agent)
	w.assign(ctx, agent, req.AgentID)
	w.backToHandoff(ctx)
	text := strings.TrimSpace(req.Text)
	var res activities.SendResult
	sctx := workflow.WithActivityOptions(ctx, agentSendOptions)
	if err := workflow.ExecuteActivity(sctx, a.Send, activities.SendInput{To: w.s.Phone, Text: text, Kind: activities.SendAgent}).Get(ctx, &res); err != nil {
		w.system(ctx, "Reply by "+agent+" was not delivered")
		return ReplyResult{}, err
	}
	w.record(ctx, conversation.Entry{From: conversation.FromAgent, Agent: agent, Text: text, At: workflow.Now(ctx), ID: res.MessageID})
	if req.Source != SourceSlack && w.s.Slack {
		w.enqueueNotice(activities.Notice{Kind: activities.NoticeAgentMessage, Text: text, Agent: agent})
	}
	return ReplyResult{MessageID: res.MessageID}, nil
}

func (w *conversationWorkflow) validateReturn(ctx workflow.Context, req AgentRequest) error {
	if strings.TrimSpace(req.Agent) == "" {
		return temporal.NewApplicationError("agent is required", ErrTypeInvalidRequest)
	}
	if w.s.Status == conversation.StatusActive {
		return temporal.NewApplicationError("the conversation is already with the bot", ErrTypeAlreadyWithBot)
	}
	return nil
}

func (w *conversationWorkflow) returnToBot(ctx workflow.Context, req AgentRequest) (conversation.Snapshot, error) {
	if w.s.Status == conversation.StatusActive {
		return w.snapshot(false), nil
	}
	agent := strings.TrimSpace(req.Agent)
	w.s.Status = conversation.StatusActive
	w.s.Generation++
	w.s.Assignee, w.s.AssigneeID = "", ""
	w.s.IdleDeadline = time.Time{}
	w.s.Repeat.Reset()
	w.s.Offer = Offer{}
	w.system(ctx, "Returned to the bot by "+agent)
	w.upsert(ctx)
	w.s.Effects = append(w.s.Effects, Effect{Kind: EffectReturned, Generation: w.s.Generation, Agent: agent})
	return w.snapshot(false), nil
}

func (w *conversationWorkflow) validateKeep(ctx workflow.Context, req AgentRequest) error {
	if strings.TrimSpace(req.Agent) == "" {
		return temporal.NewApplicationError("agent is required", ErrTypeInvalidRequest)
	}
	if w.s.Status == conversation.StatusActive {
		return temporal.NewApplicationError("the conversation is already with the bot", ErrTypeAlreadyWithBot)
	}
	return nil
}

func (w *conversationWorkflow) keep(ctx workflow.Context, req AgentRequest) (conversation.Snapshot, error) {
	if w.s.Status != conversation.StatusActive {
		agent := strings.TrimSpace(req.Agent)
		w.assign(ctx, agent, req.AgentID)
		if w.s.Status == conversation.StatusAwaitingConfirmation {
			w.system(ctx, "Kept with a person by "+agent)
		}
		w.backToHandoff(ctx)
	}
	return w.snapshot(false), nil
}

// agentActivity restarts the idle timer while agents work on a handoff without writing to the customer.
func (w *conversationWorkflow) agentActivity(ctx workflow.Context, req AgentRequest) error {
	if w.s.Status == conversation.StatusHandoff {
		w.resetIdleTimer(ctx)
	}
	return nil
}

// --- agents' notices ---

func (w *conversationWorkflow) enqueueNotice(n activities.Notice) {
	n.Phone = w.s.Phone
	if n.Kind == activities.NoticeHandoff || n.Kind == activities.NoticeCardUpdate || n.Kind == activities.NoticeConfirmPrompt {
		card := w.card(n.Agent)
		n.Card = &card
	}
	// The card this notice belongs to; its location is resolved when the notice is sent, since the card
	// may not be posted yet.
	n.Seq = w.s.HandoffSeq
	w.s.Notices = append(w.s.Notices, n)
}

func (w *conversationWorkflow) notifyLoop(ctx workflow.Context) {
	for {
		_ = workflow.Await(ctx, func() bool { return len(w.s.Notices) > 0 })
		w.notifying = true
		n := w.s.Notices[0]
		n.Ref = w.cardRef(n.Seq)
		if n.Kind == activities.NoticeHandoff || n.Ref.TS != "" {
			var res activities.NoticeResult
			nctx := workflow.WithActivityOptions(ctx, notifyOptions)
			err := workflow.ExecuteActivity(nctx, a.Notify, n).Get(ctx, &res)
			if err != nil {
				w.logger.Error("agents' notice dropped", "kind", n.Kind, "wa_id", logx.MaskPhone(w.s.Phone), "error", err)
			} else if res.Ref.TS != "" {
				w.saveCardRef(n.Seq, res.Ref)
			}
		}
		w.s.Notices = w.s.Notices[1:]
		w.notifying = false
	}
}

// saveCardRef remembers where a handoff's card (and its latest prompt) is.
func (w *conversationWorkflow) saveCardRef(seq int, ref activities.Ref) {
	for i := range w.s.Cards {
		if w.s.Cards[i].Seq == seq {
			w.s.Cards[i].Ref = ref
			return
		}
	}
	w.s.Cards = append(w.s.Cards, CardRef{Seq: seq, Ref: ref})
	if len(w.s.Cards) > 3 {
		w.s.Cards = w.s.Cards[len(w.s.Cards)-3:]
	}
}

func (w *conversationWorkflow) cardRef(seq int) activities.Ref {
	for _, c := range w.s.Cards {
		if c.Seq == seq {
			return c.Ref
		}
	}
	return activities.Ref{}
}

func (w *conversationWorkflow) card(changedBy string) activities.Card {
	state := activities.CardWaiting
	switch {
	case w.s.Status == conversation.StatusActive:
		state = activities.CardReturned
	case w.s.Status == conversation.StatusAwaitingConfirmation:
		state = activities.CardIdle
	case w.s.Assignee != "":
		state = activities.CardTaken
	}
	lines := tail(w.s.Transcript, cardLines)
	return activities.Card{
		Phone: w.s.Phone, Name: w.s.Name, Reason: w.s.Reason, Summary: w.s.Summary,
		Transcript: lines, Earlier: w.s.Earlier + len(w.s.Transcript) - len(lines),
		State: state, Assignee: w.s.Assignee, AssigneeID: w.s.AssigneeID, ChangedBy: changedBy,
		ChangedAt: w.s.LastActivity, OutOfHoursNote: w.s.OutOfHoursNote, IdleTimeout: w.s.IdleTimeout,
	}
}

// --- mirrors ---

func (w *conversationWorkflow) upsert(ctx workflow.Context) {
	if err := w.upsertSearchAttributes(ctx); err != nil {
		w.logger.Error("search attributes not updated", "error", err)
	}
	w.dirty = true
}

func (w *conversationWorkflow) upsertSearchAttributes(ctx workflow.Context) error {
	return workflow.UpsertTypedSearchAttributes(ctx,
		SupportStatusKey.ValueSet(string(w.s.Status)),
		CustomerPhoneKey.ValueSet(w.s.Phone))
}

// mirror copies the state to Redis for other systems and the console's list.
func (w *conversationWorkflow) mirror(ctx workflow.Context) {
	w.dirty = false
	m := activities.Mirror{
		Phone: w.s.Phone, Name: w.s.Name, Status: w.s.Status, Assignee: w.s.Assignee, Reason: w.s.Reason,
		Summary: w.s.Summary, LastMessage: w.s.LastMessage, LastActivity: w.s.LastActivity,
	}
	if w.s.Status.BotSilent() {
		m.HandoffAt = w.s.HandoffAt
		m.PausedFor = pausedFor(w.s.IdleTimeout)
	}
	lctx := workflow.WithLocalActivityOptions(ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.MirrorState, m).Get(ctx, nil); err != nil {
		w.logger.Warn("redis mirror not updated", "error", err)
	}
}

// pausedFor is the expiry of the Redis "paused" status: long enough to outlast any wait for a person, short
// enough that a lost conversation does not silence other systems forever.
func pausedFor(idle time.Duration) time.Duration {
	if d := 4 * idle; d > 24*time.Hour {
		return d
	}
	return 24 * time.Hour
}

func (w *conversationWorkflow) snapshot(withTranscript bool) conversation.Snapshot {
	s := conversation.Snapshot{
		Phone: w.s.Phone, Name: w.s.Name, Status: w.s.Status, Assignee: w.s.Assignee,
		HandoffReason: w.s.Reason, HandoffReasonLabel: w.s.Reason.Label(), Summary: w.s.Summary,
		LastMessage: w.s.LastMessage, LastActivity: w.s.LastActivity, OutOfHoursNote: w.s.OutOfHoursNote,
	}
	if w.s.Status.BotSilent() {
		t := w.s.HandoffAt
		s.HandoffAt = &t
	}
	if !w.s.LastInbound.IsZero() {
		t := w.s.LastInbound
		s.LastInbound = &t
	}
	if withTranscript {
		s.Transcript = append([]conversation.Entry{}, w.s.Transcript...)
		s.EarlierMessages = w.s.Earlier
	}
	return s
}

func tail(entries []conversation.Entry, n int) []conversation.Entry {
	if len(entries) <= n {
		return append([]conversation.Entry(nil), entries...)
	}
	return append([]conversation.Entry(nil), entries[len(entries)-n:]...)
}
