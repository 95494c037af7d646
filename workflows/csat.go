package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

// The hand-back that closes the loop: when a person returns the conversation to the bot, what they settled
// (their note and the handoff's summary) goes into the bot's memory, the customer is told once that the
// assistant is back and asked to rate the help (CSAT), and a "Not good" hands the conversation to a person
// again. The decisions are the plain functions at the top; the workflow's part follows.

// versionCSAT guards the welcome back that checks the 24-hour window and may carry the rating question.
const versionCSAT = "csat-welcome-back"

// The words of the hand-back.
const (
	textRatingThanks  = "Thank you for letting us know! Ask me anything else any time, or type *agent* to chat to a person."
	textNoWelcomeBack = "The customer was not told the assistant is back: the 24-hour WhatsApp window is closed"
)

// returnedNoticeCSAT is the one message that tells the customer the assistant is back and asks how the
// person helped, with the csatButtons.
func returnedNoticeCSAT(business string) string {
	return returnedNotice(business) + " How did our team do?"
}

// --- the workflow's part ---

// handBack puts what the person settled into the bot's memory after a return to the bot, and notes the
// person's note in the transcript. A return without a note of its own leaves the agents' latest internal note.
func (c *conversationWorkflow) handBack(ctx workflow.Context, agent, note string) {
	if c.s.Status != conversation.StatusActive {
		return
	}
	note = conversation.CleanNote(note)
	if note == "" {
		note = c.s.Note
	}
	c.s.Note = ""
	c.s.Recent = conversation.HandBackMemory(c.s.Recent, agent, note, c.s.Reason, c.s.Summary)
	if note != "" {
		c.system(ctx, "Note for the assistant from "+agent+": "+note)
	}
}

// keepNote remembers agents' latest internal note on the handoff, for the hand-back.
func (c *conversationWorkflow) keepNote(note string) {
	if note = conversation.CleanNote(note); note != "" && c.s.Status.BotSilent() {
		c.s.Note = note
	}
}

// welcomeBack tells the customer, in one message, that the assistant is back and, when due, asks them to rate
// the help with the csatButtons. Outside WhatsApp's 24-hour window nothing can be sent: no welcome, no rating.
func (c *conversationWorkflow) welcomeBack(ctx workflow.Context, f conversation.Followup) {
	v := workflow.GetVersion(ctx, versionCSAT, workflow.DefaultVersion, 1)
	c.refreshSettings(ctx)
	if f.Generation != c.s.Generation {
		return
	}
	in := activities.SendInput{Kind: activities.SendReturnNotice, Text: returnedNotice(c.s.Settings.BusinessName)}
	if v == workflow.DefaultVersion {
		c.tellCustomer(ctx, in)
		return
	}
	now := workflow.Now(ctx)
	if !conversation.WindowOpen(c.s.LastInbound, now) {
		c.system(ctx, textNoWelcomeBack)
		return
	}
	ask := conversation.ShouldAskCSAT(c.s, now)
	if ask {
		in.Text, in.Buttons = returnedNoticeCSAT(c.s.Settings.BusinessName), conversation.CSATButtons
	}
	if c.tell(ctx, in, sendOptions, func() bool { return c.s.Holds(f.Generation) }) && ask && c.s.Holds(f.Generation) {
		c.s.CSAT = conversation.CSAT{For: c.s.Handoffs, Pending: true}
	}
}
