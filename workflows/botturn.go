package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/workflows/conversation"
)

// A bot turn: the bot deals with one customer message, in steps. A rating of the help is recorded; anything
// else the AI engine reads (and, on the model path, answers from the knowledge base in the same step), the
// rules decide what to do with it, and the bot acts: an answer, an offer of a person, or a handoff. The turn
// runs under its own context (bot), which a person taking over cancels; nothing is sent once the conversation
// has changed hands.

// turn is one bot turn: the message, the generation the bot held the conversation in, the workflow's context
// (ctx) and the turn's (bot).
type turn struct {
	*conversationWorkflow
	ctx, bot workflow.Context
	gen      int
	m        conversation.Message
}

// botTurn lets the bot deal with one message.
func (c *conversationWorkflow) botTurn(ctx workflow.Context, m conversation.Message) {
	bot, cancel := workflow.WithCancel(ctx)
	if c.revision >= revisionOneSpeaker {
		bot, cancel = workflow.WithCancel(c.voiceContext())
	}
	c.stopBot = cancel
	defer func() {
		cancel()
		c.stopBot = nil
	}()
	t := &turn{conversationWorkflow: c, ctx: ctx, bot: bot, gen: c.s.Generation, m: m}
	if t.rating() {
		return
	}
	d := t.decide()
	if t.bot.Err() != nil || !t.s.Holds(t.gen) {
		return
	}
	t.s.Offer = conversation.Offer{} // an open offer lapses with whatever the customer says next
	if !d.spoken {                   // else the reply activity sent the answer
		t.act(d)
	}
}

// act carries out the decision.
func (t *turn) act(d decision) {
	switch d.Action {
	case conversation.ActHandoff:
		t.apply(t.ctx, conversation.Event{Kind: conversation.EvHandoff, Reason: d.Reason, At: workflow.Now(t.ctx)})
	case conversation.ActSay:
		t.say(t.bot, t.gen, t.m, d.kind(), d.Text, nil, d.tag)
	case conversation.ActOffer:
		if t.say(t.bot, t.gen, t.m, activities.SendOffer, d.Text, offerButtons, "") {
			t.s.Offer = conversation.Offer{Pending: true, Reason: d.Reason}
		}
	}
}

// decide asks the AI engine what the message is and, for a question, what the knowledge base answers. A
// reply the engine's activity already sent (speak.go) is recorded here, whoever holds the conversation now.
func (t *turn) decide() decision {
	if d, ok := decideButton(t.s, t.m); ok {
		return d
	}
	at := workflow.Now(t.ctx)
	t.countTurn(at)
	rep, speak, err := t.askEngine(at)
	if err != nil {
		return t.aiFailed("AI engine", err)
	}
	if speak == nil {
		at = workflow.Now(t.ctx) // as runs before the reply activity could speak decided
	}
	td, repeat := conversation.DecideText(t.s.TurnContext(), rep.Analysis, at)
	d := decision{Decision: td}
	t.s.Repeat = repeat
	if rep.Topic != "" {
		t.s.Recent = append(t.s.Recent, conversation.Turn{Topic: rep.Topic, Text: conversation.Clip(t.m.Text, conversation.MaxRecentText)})
		if len(t.s.Recent) > conversation.MaxRecent {
			t.s.Recent = t.s.Recent[len(t.s.Recent)-conversation.MaxRecent:]
		}
	}
	if d.Action != conversation.ActAnswer {
		return d
	}
	d = decision{Decision: conversation.DecideAnswer(rep.Analysis, rep.Answer)}
	if d.Answered {
		t.s.Repeat = t.s.Repeat.Answered()
	}
	if sp := rep.Spoken; sp != nil {
		switch {
		case sp.MessageID != "":
			if d.Action != conversation.ActSay || d.Text != sp.Text {
				t.logger.Error("the reply activity sent what the rules would not have said", "action", d.Action)
			}
			t.sent(activities.SendAnswer)
			t.recordSent(t.ctx, conversation.Line{From: conversation.FromBot, Text: sp.Text, ID: sp.MessageID}, speak.Send.Mirror,
				activities.SendResult{MessageID: sp.MessageID, SentAt: sp.SentAt, Mirrored: sp.Mirrored})
			d.spoken = true
		case sp.Failed != "":
			d.tag = sp.Tag // sent again under the same tag: once, if WhatsApp took it after all
		case sp.Stopped:
			d = decided(conversation.ActNothing, "", "") // the bot was stopped first: nothing may go out for this turn
		}
	}
	return d
}

// askEngine has the AI engine read the message and answer it from the knowledge base, in one step: a local
// activity for the local engine (no I/O), an activity for a model, which marks the message read and shows
// the typing indicator while it thinks, and sends the answer itself when the rules allow (speak; nil when
// they were not asked). The work stops when t.bot is cancelled.
func (t *turn) askEngine(at time.Time) (activities.ReplyResult, *activities.Speak, error) {
	var rep activities.ReplyResult
	in := activities.ReplyInput{Text: t.m.Text, Recent: t.s.Recent, Name: t.s.Name}
	if t.s.Settings.LocalEngine {
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(t.bot, localOptions), a.Reply, in).Get(t.bot, &rep)
		return rep, nil, err
	}
	in.ReadID = t.takeUnread()
	if t.revision < revisionSpeakInReply || t.m.ID == "" {
		err := workflow.ExecuteActivity(workflow.WithActivityOptions(t.bot, aiOptions), a.Reply, in).Get(t.bot, &rep)
		return rep, nil, err
	}
	in.Speak = t.speakRules(t.m, at)
	rep, err := t.replyAndSpeak(in)
	return rep, in.Speak, err
}

// replyAndSpeak runs the reply activity that may send its answer. When the bot is stopped meanwhile, the
// turn's fence decides: stopped before the activity claimed it, nothing will be sent and the activity is
// cancelled; claimed, the answer is on its way, and the workflow waits for it, so that whatever stopped the
// bot (a takeover) completes after it.
func (t *turn) replyAndSpeak(in activities.ReplyInput) (activities.ReplyResult, error) {
	var rep activities.ReplyResult
	actCtx, cancel := workflow.WithCancel(t.ctx)
	defer cancel()
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(actCtx, aiOptions), a.Reply, in)
	stopped := false
	sel := workflow.NewSelector(t.ctx)
	sel.AddFuture(f, func(workflow.Future) {})
	sel.AddReceive(t.bot.Done(), func(workflow.ReceiveChannel, bool) { stopped = true })
	sel.Select(t.ctx)
	if stopped && !f.IsReady() {
		var halted bool
		dctx, _ := workflow.NewDisconnectedContext(t.ctx)
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(dctx, localOptions), a.StopTurn, in.Speak.Turn).Get(dctx, &halted)
		if err != nil {
			t.logger.Warn("bot turn fence unavailable: waiting for the reply activity", "error", err)
		}
		if halted {
			return rep, workflow.ErrCanceled
		}
	}
	err := f.Get(t.ctx, &rep)
	return rep, err
}

// aiFailed hands the conversation to a person when the AI engine cannot do its part (unless the bot was
// stopped anyway).
func (t *turn) aiFailed(what string, err error) decision {
	if t.bot.Err() != nil {
		return decided(conversation.ActNothing, "", "")
	}
	t.logger.Error(what+" failed; handing off", "error", err)
	return decided(conversation.ActHandoff, handoff.ReasonAIUnavailable, "")
}

// rating deals with a customer message that rates the help, and reports whether it was one. Any other
// message lets a pending rating question lapse: it is answered as usual.
func (t *turn) rating() bool {
	score, handled := conversation.DecideRating(t.s, t.m)
	if !handled {
		t.s.CSAT.Pending = false
		return false
	}
	if score == "" {
		return true
	}
	now := workflow.Now(t.ctx)
	t.s.CSAT.Pending, t.s.CSAT.Score, t.s.CSAT.At = false, score, now
	t.system(t.ctx, "Rated the help: "+score.Title())
	lctx := workflow.WithLocalActivityOptions(t.ctx, localOptions)
	if err := workflow.ExecuteLocalActivity(lctx, a.CountRating, string(score)).Get(t.ctx, nil); err != nil {
		t.logger.Warn("rating not counted", "error", err)
	}
	t.notify(conversation.Notice{Kind: conversation.NoticeCardUpdate})
	if score == conversation.ScoreBad {
		t.apply(t.ctx, conversation.Event{Kind: conversation.EvHandoff, Reason: handoff.ReasonCSATBad, At: now})
		return true
	}
	t.say(t.bot, t.gen, t.m, activities.SendSay, textRatingThanks, nil, "")
	return true
}

// speakRules is what the reply activity may send for m: the knowledge base's answer, when the rules of a bot
// turn would say it (conversation.MaySay).
func (c *conversationWorkflow) speakRules(m conversation.Message, at time.Time) *activities.Speak {
	next := c.mirrorValue()
	next.LastMessage, next.LastActivity = "", time.Time{}
	return &activities.Speak{
		Turn: c.s.Phone + ":" + m.ID, Rules: c.s.TurnContext(), At: at,
		OfferPending: c.s.Offer.Pending, RepeatTopics: c.s.Repeat.Triggers(at),
		Send: activities.SendInput{To: c.s.Address(), ReceivedAt: m.ReceivedAt, Mirror: &next},
	}
}
