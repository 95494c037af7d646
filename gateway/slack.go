package gateway

import (
	"cmp"
	"context"
	"errors"
	"github.com/supportd/supportd/workflows/conversation"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/workflows"
)

// SlackClient is what the gateway asks of Slack: agents' names, their messages as plain text, and hints
// only they see.
type SlackClient interface {
	PostEphemeral(ctx context.Context, channel, user, text, threadTS string) error
	UserName(ctx context.Context, userID string) (string, error)
	PlainText(ctx context.Context, text string) string
}

// slackAck is how long an Events API request may take before Slack gives up and retries.
const slackAck = 2500 * time.Millisecond

// slackDoneTTL outlasts Slack's retries of an event (the last comes about 5 minutes after the first).
const slackDoneTTL = 24 * time.Hour

// slackBody reads and verifies a Slack request. It answers the request itself when it is refused.
func (s *Server) slackBody(c *gin.Context) ([]byte, bool) {
	if s.opts.SlackSigningSecret == "" {
		c.JSON(http.StatusNotFound, gin.H{"error": "slack is not configured (SLACK_SIGNING_SECRET)"})
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		s.opts.Metrics.Webhook("slack", s.refuseUnreadBody(c, err))
		return nil, false
	}
	if err := slackapp.Verify(c.Request.Header, body, s.opts.SlackSigningSecret); err != nil {
		s.opts.Metrics.SignatureFailure("slack")
		s.opts.Metrics.Webhook("slack", "bad_signature")
		s.logger(c).Warn("slack request refused", "error", err, "remote", c.ClientIP())
		c.JSON(http.StatusUnauthorized, gin.H{"error": "invalid signature"})
		return nil, false
	}
	return body, true
}

// slackInteractions handles the card's buttons. Slack wants an answer within 3 seconds and does not retry an
// interaction, so each press is durably with Temporal (its update accepted) before the answer; what follows
// (the outcome, hints for the agent) runs after it, as background work the gateway drains on shutdown.
func (s *Server) slackInteractions(c *gin.Context) {
	body, ok := s.slackBody(c)
	if !ok {
		return
	}
	ix, err := slackapp.ParseInteraction(body)
	if err != nil {
		s.opts.Metrics.Webhook("slack", "malformed")
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed interaction"})
		return
	}
	s.opts.Metrics.Webhook("slack", "interaction")
	if ix.ChannelID != s.opts.SlackChannelID {
		s.logger(c).Warn("slack action outside the support channel ignored", "channel", ix.ChannelID, "user", ix.UserID)
		s.background(func(ctx context.Context) {
			s.ephemeral(ctx, ix.ChannelID, ix.UserID, "", "supportd only acts on conversations in its support channel.")
		})
		c.Status(http.StatusOK)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), slackAck)
	defer cancel()
	for _, a := range ix.Actions {
		s.slackAction(ctx, ix, a)
	}
	c.Status(http.StatusOK)
}

// slackAction hands one button press to its conversation and returns once Temporal has accepted it.
func (s *Server) slackAction(ctx context.Context, ix slackapp.Interaction, a slackapp.Action) {
	phone := a.Value
	if !phonePattern.MatchString(phone) {
		s.log.Warn("slack action with an unknown conversation", "action", a.ActionID)
		return
	}
	log := s.log.With(logx.Phone(phone), "action", a.ActionID, "slack_user", ix.UserID)
	agent := s.agentName(ctx, ix.UserID, ix.UserName)
	threadTS := cmp.Or(ix.ThreadTS, ix.MessageTS)
	var (
		name   string
		arg    any
		result any
		res    workflows.TakeoverResult
	)
	switch a.ActionID {
	case slackapp.ActionTake:
		name, arg, result = workflows.UpdateTakeover, workflows.TakeoverRequest{Agent: agent, AgentID: ix.UserID}, &res
	case slackapp.ActionReturn:
		name, arg = workflows.UpdateReturnToBot, workflows.AgentRequest{Agent: agent, AgentID: ix.UserID}
	case slackapp.ActionKeep:
		name, arg = workflows.UpdateKeep, workflows.AgentRequest{Agent: agent, AgentID: ix.UserID}
	default:
		log.Info("slack action ignored")
		return
	}
	// The press's id: Slack may deliver a press twice, and the workflow runs an update id once.
	id := "slack-" + ix.UserID + "-" + a.ActionID + "-" + cmp.Or(a.ActionTS, ix.TriggerID)
	h, err := s.startUpdate(ctx, phone, name, id, arg)
	s.background(func(ctx context.Context) {
		if err != nil && transient(err) {
			// Not accepted within Slack's 3 seconds: go on trying under the same id.
			h, err = s.startUpdate(ctx, phone, name, id, arg)
		}
		if err == nil {
			err = h.Get(ctx, result)
		}
		switch {
		case err != nil:
			_, msg := errorStatus(err)
			log.Warn("slack action failed", "error", err)
			s.ephemeral(ctx, ix.ChannelID, ix.UserID, threadTS, "That didn't work: "+msg)
		case res.AlreadyAssigned:
			s.ephemeral(ctx, ix.ChannelID, ix.UserID, threadTS, slackapp.AlreadyTakenText(res.Assignee))
		default:
			log.Info("slack action done")
		}
	})
}

// slackEvents relays the assignee's replies in a handoff thread to the customer. It answers once the reply is
// durably with Temporal (the update accepted), or 503 so that Slack retries (same event_id, deduplicated here
// and by the update id) when Temporal cannot be reached in time.
func (s *Server) slackEvents(c *gin.Context) {
	body, ok := s.slackBody(c)
	if !ok {
		return
	}
	ev, err := slackapp.ParseEvent(body)
	if err != nil {
		s.opts.Metrics.Webhook("slack", "malformed")
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed event"})
		return
	}
	switch {
	case ev.Kind == slackapp.EventURLVerification:
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(ev.Challenge))
		return
	case ev.Kind != slackapp.EventMessage, slackapp.IsFromBot(ev), ev.Channel != s.opts.SlackChannelID, !ev.IsThreadReply():
		s.opts.Metrics.Webhook("slack", "ignored")
		c.Status(http.StatusOK)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), slackAck)
	defer cancel()
	log := s.logger(c).With("event_id", ev.EventID, "slack_user", ev.User)
	// The fast path skips Slack's retries of an event already with Temporal; the update id is the guarantee.
	state, err := s.opts.Store.ClaimDelivery(ctx, "slack", ev.EventID, claimTTL)
	if err != nil {
		log.Warn("redis dedupe unavailable; relying on the update id", "error", err)
	}
	if state == store.DeliveryDone {
		s.opts.Metrics.DedupeHit("slack")
		c.Status(http.StatusOK)
		return
	}
	release := func() {
		if err := s.opts.Store.ReleaseDelivery(context.WithoutCancel(ctx), "slack", ev.EventID); err != nil {
			log.Warn("dedupe claim not released", "error", err)
		}
	}
	phone, err := s.opts.Store.ThreadPhone(ctx, ev.Channel, ev.ThreadTS)
	if err != nil {
		release()
		log.Error("slack thread lookup failed", "error", err)
		c.Status(http.StatusServiceUnavailable)
		return
	}
	if phone == "" {
		s.opts.Metrics.Webhook("slack", "ignored")
		c.Status(http.StatusOK)
		return
	}
	agent := s.agentName(ctx, ev.User, "")
	name, arg := workflows.UpdateReply, any(nil)
	note := slackapp.IsNote(ev.Text)
	text := ev.Text
	if s.opts.Slack != nil {
		text = s.opts.Slack.PlainText(ctx, ev.Text)
	}
	if note {
		// A `//` note stays internal, and counts as agent activity: agents discussing a handoff are not idle.
		// Its text is what a later Return to bot without a note of its own leaves for the bot.
		name, arg = workflows.UpdateActivity, workflows.AgentRequest{Agent: agent, AgentID: ev.User, Note: text}
	} else {
		arg = workflows.ReplyRequest{Agent: agent, AgentID: ev.User, Text: text, Source: conversation.SourceSlack, ThreadTS: ev.ThreadTS}
	}
	h, err := s.startUpdate(ctx, phone, name, "slack-"+ev.EventID, arg)
	if err != nil && transient(err) {
		release()
		log.Error("agent message not handed to the workflow; Slack will retry", logx.Phone(phone), "error", err)
		c.Status(http.StatusServiceUnavailable)
		return
	}
	if err := s.opts.Store.MarkDelivered(context.WithoutCancel(ctx), "slack", ev.EventID, slackDoneTTL); err != nil {
		log.Warn("slack event not marked done; a retry will reach the workflow, which ignores it", "error", err)
	}
	s.background(func(ctx context.Context) {
		if err == nil {
			err = h.Get(ctx, nil)
		}
		switch {
		case note:
			s.ephemeral(ctx, ev.Channel, ev.User, ev.ThreadTS, slackapp.NoteKeptText())
			if err != nil {
				log.Warn("agent activity not recorded", "error", err)
			}
		case err == nil:
			s.opts.Metrics.AgentReply("slack")
		default:
			s.replyRefused(ctx, ev, err)
		}
	})
	s.opts.Metrics.Webhook("slack", "ok")
	c.Status(http.StatusOK)
}

// replyRefused tells the agent why their thread reply did not reach the customer.
func (s *Server) replyRefused(ctx context.Context, ev slackapp.Event, err error) {
	var appErr *temporal.ApplicationError
	text := "Your reply was not sent to the customer."
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case workflows.ErrTypeNotAssignee:
			text = appErr.Message() + ". Your message stays in the thread."
		case workflows.ErrTypeBotHolds:
			text = "This conversation is with the bot: press Take over on the card to reply to the customer."
		case workflows.ErrTypeWindowClosed:
			text = appErr.Message() // what happened to the reply, and that it is kept
		default:
			text = "Your reply was not sent to the customer: " + appErr.Message()
		}
	}
	s.ephemeral(ctx, ev.Channel, ev.User, ev.ThreadTS, text)
}

// transient reports whether an update failed for a reason a retry can fix (Temporal unreachable).
func transient(err error) bool {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return false
	}
	var notFound *serviceerror.NotFound
	return !errors.As(err, &notFound)
}

// agentName is a Slack user's name, asked of Slack for at most a second (the answer to Slack waits for it).
func (s *Server) agentName(ctx context.Context, userID, fallback string) string {
	if s.opts.Slack != nil && userID != "" {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if name, err := s.opts.Slack.UserName(ctx, userID); err == nil && name != "" {
			return name
		}
	}
	if fallback != "" {
		return fallback
	}
	return userID
}

func (s *Server) ephemeral(ctx context.Context, channel, user, threadTS, text string) {
	if s.opts.Slack == nil || channel == "" || user == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.opts.Slack.PostEphemeral(ctx, channel, user, text, threadTS); err != nil {
		s.log.Warn("slack ephemeral message not posted", "error", err)
	}
}

// startUpdate sends a workflow update whose id deduplicates retries and returns once Temporal has accepted it
// (it is in the workflow's history) or refused it; its outcome comes from the handle.
func (s *Server) startUpdate(ctx context.Context, phone, name, id string, arg any) (client.WorkflowUpdateHandle, error) {
	return s.opts.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(phone), UpdateID: id, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
}

// updateWithID runs a workflow update whose id deduplicates retries.
func (s *Server) updateWithID(ctx context.Context, phone, name, id string, arg, result any) error {
	h, err := s.opts.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(phone), UpdateID: id, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return err
	}
	return h.Get(ctx, result)
}
