package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/workflows/conversation"
)

// What WhatsApp tells the conversation besides the customer's own messages: who the customer is now, what
// someone sent them from the WhatsApp Business app, and which outbound messages failed.

// learn keeps the customer's identifiers current, in the state and in the search attributes the gateway finds
// the conversation by when its links are lost.
func (c *conversationWorkflow) learn(ctx workflow.Context, m conversation.Message) {
	if !c.s.Learn(m.WaID, m.UserID, m.Username) {
		return
	}
	if err := c.upsertSearchAttributes(ctx); err != nil {
		c.logger.Error("search attributes not updated", "error", err)
	}
}

// echo records what someone sent the customer from the WhatsApp Business app, as an agent line, and stops
// the bot at once, as a takeover does: a person is talking to the customer. An echo is not the customer
// writing: it opens no 24-hour window and is never answered.
func (c *conversationWorkflow) echo(ctx workflow.Context, m conversation.Message) {
	agent := conversation.Agent{Name: conversation.BusinessAppAgent}
	c.record(ctx, conversation.Line{From: conversation.FromAgent, Agent: agent.Name, Source: conversation.SourceBusinessApp,
		Text: m.Text, At: m.At, ID: m.ID})
	c.apply(ctx, conversation.Event{Kind: conversation.EvEcho, Agent: agent, At: workflow.Now(ctx)})
	if c.revision >= revisionOneSpeaker {
		c.hush() // a person is talking to the customer: the bot's notices on their way are stopped
	}
	c.notify(conversation.Notice{Kind: conversation.NoticeAgentMessage, Text: m.Text, Agent: agent.Name, Source: conversation.SourceBusinessApp})
}

// delivered marks the outbound line WhatsApp reported on. A failure is said in the transcript and, for a
// message people wrote or one the customer waits for, to the agents where they work.
func (c *conversationWorkflow) delivered(ctx workflow.Context, m conversation.Message) {
	line := c.line(m.RefID)
	if line == nil || m.Delivery.Rank() <= line.Delivery.Rank() {
		return // not a line this run keeps, or nothing new
	}
	line.Delivery = m.Delivery
	if m.Delivery != conversation.DeliveryFailed {
		return
	}
	line.Error = m.Error
	who := "The bot's message"
	if line.From == conversation.FromAgent {
		who = "The message from " + line.Agent
	}
	c.logger.Warn("outbound message not delivered", "from", line.From, "reason", m.Error)
	c.system(ctx, who+" was not delivered: "+m.Error)
	if c.s.Status.BotSilent() {
		c.notify(conversation.Notice{Kind: conversation.NoticeNotDelivered, Text: line.Text, Agent: line.Agent, Reason: m.Error})
	}
}

// line is the transcript line of a message, by its WhatsApp id; nil if the transcript no longer has it.
func (c *conversationWorkflow) line(id string) *conversation.Line {
	if id == "" {
		return nil
	}
	for i := len(c.s.Transcript) - 1; i >= 0; i-- {
		if c.s.Transcript[i].ID == id {
			return &c.s.Transcript[i]
		}
	}
	return nil
}

// sent counts a message sent to the customer: each one is billed.
func (c *conversationWorkflow) sent(kind string) {
	if c.s.Outbound == nil {
		c.s.Outbound = map[string]int{}
	}
	c.s.Outbound[kind]++
}
