package workflows

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/workflows/conversation"
)

// Replies after WhatsApp's 24-hour window (wire-formats.md A6): free-form messages are refused then, so an
// agent's reply goes out as the approved reply template (WHATSAPP_REPLY_TEMPLATE) with the reply as its body
// parameter. Without a template the agent is told at once, and the reply stays in the transcript, marked as
// not delivered.

// deliverReply sends an agent's reply: free-form while the window is open, as the template once it closed or
// when WhatsApp says it did (131047, which a delayed webhook can cause).
func (c *conversationWorkflow) deliverReply(ctx workflow.Context, agent conversation.Agent, source conversation.Source, text string) (ReplyResult, error) {
	late := !conversation.WindowOpen(c.s.LastInbound, workflow.Now(ctx))
	if late {
		c.refreshSettings(ctx) // whether a template is configured now
	}
	if late && !c.s.Settings.ReplyTemplate {
		return c.replyNotDelivered(ctx, agent, source, text, nil)
	}
	res, err := c.sendAgentText(ctx, text, late)
	if err != nil && !late && errorType(err) == ErrTypeWindowClosed && c.s.Settings.ReplyTemplate {
		late = true
		res, err = c.sendAgentText(ctx, text, true)
	}
	if err != nil && errorType(err) == ErrTypeWindowClosed {
		return c.replyNotDelivered(ctx, agent, source, text, err)
	}
	if err != nil {
		c.system(ctx, "Reply by "+agent.Name+" was not delivered")
		c.logger.Warn("agent reply not delivered", "error", err)
		return ReplyResult{}, err
	}
	c.sent(activities.SendAgent)
	c.record(ctx, conversation.Line{From: conversation.FromAgent, Agent: agent.Name, Source: source, Text: text, At: workflow.Now(ctx), ID: res.MessageID})
	if late {
		c.system(ctx, "Sent as the approved reply template: the customer's 24-hour WhatsApp window is closed")
	}
	c.notify(conversation.Notice{Kind: conversation.NoticeAgentMessage, Text: text, Agent: agent.Name, Source: source})
	return ReplyResult{MessageID: res.MessageID}, nil
}

// validateAgentMessage refuses an agent's message WhatsApp could never carry: no agent, no text, or longer than
// conversation.MaxTextLength. A reply is checked further (validateReply).
func (c *conversationWorkflow) validateAgentMessage(ctx workflow.Context, req ReplyRequest) error {
	text := strings.TrimSpace(req.Text)
	switch {
	case strings.TrimSpace(req.Agent) == "":
		return invalid("agent is required")
	case text == "":
		return temporal.NewApplicationError("text is empty", ErrTypeInvalidText)
	case utf8.RuneCountInString(text) > conversation.MaxTextLength:
		return temporal.NewApplicationError(fmt.Sprintf("text is longer than %d characters", conversation.MaxTextLength), ErrTypeInvalidText)
	}
	return nil
}

// agentMessage is an agent writing to the customer first, from the console or the API: a conversation the bot
// holds (or one that did not exist) becomes theirs at once, as a takeover, then the message goes out as a
// reply (as the reply template when the customer's window is closed).
func (c *conversationWorkflow) agentMessage(ctx workflow.Context, req ReplyRequest) (ReplyResult, error) {
	if err := c.replies.Lock(ctx); err != nil {
		return ReplyResult{}, err
	}
	defer c.replies.Unlock()
	if res, ok := c.repliedBefore(ctx); ok {
		return res, nil
	}
	agent := agentOf(req.Agent, req.AgentID)
	if c.s.Status == conversation.StatusActive {
		c.s.AgentStarted = c.s.Handoffs + 1
		c.apply(ctx, conversation.Event{Kind: conversation.EvTakeover, Agent: agent, At: workflow.Now(ctx)})
		if err := c.hushAndWait(ctx); err != nil {
			return ReplyResult{}, err
		}
	}
	c.apply(ctx, conversation.Event{Kind: conversation.EvReply, Agent: agent, At: workflow.Now(ctx)})
	if c.revision >= revisionOneSpeaker {
		if err := c.hushAndWait(ctx); err != nil { // the bot's notices on their way, on a waiting handoff
			return ReplyResult{}, err
		}
	}
	res, err := c.deliverReply(ctx, agent, req.Source, strings.TrimSpace(req.Text))
	return c.remember(ctx, res, err)
}

func (c *conversationWorkflow) sendAgentText(ctx workflow.Context, text string, template bool) (activities.SendResult, error) {
	var res activities.SendResult
	in := activities.SendInput{To: c.s.Address(), Text: text, Kind: activities.SendAgent, Template: template}
	if !template {
		in.ReadID = c.takeUnread()
	}
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, agentSendOptions), a.Send, in).Get(ctx, &res)
	return res, err
}

// replyNotDelivered keeps a reply the window kept from the customer in the transcript, marked as not
// delivered, and answers the agent with why, in words.
func (c *conversationWorkflow) replyNotDelivered(ctx workflow.Context, agent conversation.Agent, source conversation.Source, text string, err error) (ReplyResult, error) {
	msg := activities.NoTemplateHint
	if c.s.Settings.ReplyTemplate && err != nil {
		msg = "not delivered: the 24-hour WhatsApp window is closed and the reply template was refused: " + errorMessage(err)
	}
	c.record(ctx, conversation.Line{From: conversation.FromAgent, Agent: agent.Name, Source: source, Text: text, At: workflow.Now(ctx),
		Delivery: conversation.DeliveryFailed, Error: msg})
	c.logger.Info("agent reply kept from the customer: the 24-hour window is closed")
	return ReplyResult{}, temporal.NewApplicationError("Your reply was "+msg+". It is kept in the transcript.", ErrTypeWindowClosed)
}

func errorType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

func errorMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
