package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/slackapp"
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

// slackBody reads and verifies a Slack request. It answers the request itself when it is refused.
func (s *Server) slackBody(c *gin.Context) ([]byte, bool) {
	if s.opts.SlackSigningSecret == "" {
		c.JSON(http.StatusNotFound, gin.H{"error": "slack is not configured (SLACK_SIGNING_SECRET)"})
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "could not read the body"})
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

// slackInteractions handles the card's buttons. Slack wants an answer within 3 seconds, so the work runs on
// after the acknowledgement; failures reach the agent as an ephemeral message.
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
		// The hint goes out after the acknowledgement: a slow Slack must not hold the answer past 3 seconds.
		go s.ephemeral(ix.ChannelID, ix.UserID, "", "supportd only acts on conversations in its support channel.")
		c.Status(http.StatusOK)
		return
	}
	for _, a := range ix.Actions {
		go s.slackAction(ix, a)
	}
	c.Status(http.StatusOK)
}

func (s *Server) slackAction(ix slackapp.Interaction, a slackapp.Action) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	phone := a.Value
	if !phonePattern.MatchString(phone) {
		s.log.Warn("slack action with an unknown conversation", "action", a.ActionID)
		return
	}
	log := s.log.With(logx.Phone(phone), "action", a.ActionID, "slack_user", ix.UserID)
	agent := s.agentName(ctx, ix.UserID, ix.UserName)
	threadTS := ix.ThreadTS
	if threadTS == "" {
		threadTS = ix.MessageTS
	}
	var err error
	switch a.ActionID {
	case slackapp.ActionTake:
		var res workflows.TakeoverResult
		err = s.update(ctx, phone, workflows.UpdateTakeover, workflows.TakeoverRequest{Agent: agent, AgentID: ix.UserID}, &res)
		if err == nil && res.AlreadyAssigned {
			s.ephemeral(ix.ChannelID, ix.UserID, threadTS, slackapp.AlreadyTakenText(res.Assignee))
			return
		}
	case slackapp.ActionReturn:
		err = s.update(ctx, phone, workflows.UpdateReturnToBot, workflows.AgentRequest{Agent: agent, AgentID: ix.UserID}, nil)
	case slackapp.ActionKeep:
		err = s.update(ctx, phone, workflows.UpdateKeep, workflows.AgentRequest{Agent: agent, AgentID: ix.UserID}, nil)
	default:
		log.Info("slack action ignored")
		return
	}
	if err != nil {
		_, msg := errorStatus(err)
		log.Warn("slack action failed", "error", err)
		s.ephemeral(ix.ChannelID, ix.UserID, threadTS, "That didn't work: "+msg)
		return
	}
	log.Info("slack action done")
}

// slackEvents relays the assignee's replies in a handoff thread to the customer. The answer waits briefly for
// the workflow, so that Slack retries (same event_id, deduplicated here and by the update id) when Temporal
// cannot be reached.
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
	ctx := c.Request.Context()
	log := s.logger(c).With("event_id", ev.EventID, "slack_user", ev.User)
	claimed, err := s.opts.Store.Claim(ctx, "slack", ev.EventID, 24*time.Hour)
	if err != nil {
		log.Warn("redis dedupe unavailable; relying on the update id", "error", err)
		claimed = true
	}
	if !claimed {
		s.opts.Metrics.DedupeHit("slack")
		c.Status(http.StatusOK)
		return
	}
	phone, err := s.opts.Store.ThreadPhone(ctx, ev.Channel, ev.ThreadTS)
	if err != nil {
		_ = s.opts.Store.Release(context.WithoutCancel(ctx), "slack", ev.EventID)
		log.Error("slack thread lookup failed", "error", err)
		c.Status(http.StatusServiceUnavailable)
		return
	}
	if phone == "" {
		s.opts.Metrics.Webhook("slack", "ignored")
		c.Status(http.StatusOK)
		return
	}
	if slackapp.IsNote(ev.Text) {
		// After the acknowledgement, as above: Slack retries an event it waited more than 3 seconds for.
		go s.noteTaken(phone, ev)
		c.Status(http.StatusOK)
		return
	}
	done := make(chan error, 1)
	go func() {
		uctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		agent := s.agentName(uctx, ev.User, "")
		text := ev.Text
		if s.opts.Slack != nil {
			text = s.opts.Slack.PlainText(uctx, ev.Text)
		}
		req := workflows.ReplyRequest{Agent: agent, AgentID: ev.User, Text: text, Source: workflows.SourceSlack, ThreadTS: ev.ThreadTS}
		err := s.updateWithID(uctx, phone, workflows.UpdateReply, "slack-"+ev.EventID, req, nil)
		if err == nil {
			s.opts.Metrics.AgentReply("slack")
		} else if !transient(err) {
			s.replyRefused(ev, err)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil && transient(err) {
			_ = s.opts.Store.Release(context.WithoutCancel(ctx), "slack", ev.EventID)
			log.Error("agent reply not delivered to the workflow; Slack will retry", logx.Phone(phone), "error", err)
			c.Status(http.StatusServiceUnavailable)
			return
		}
	case <-time.After(slackAck):
		// Still sending: Slack must not retry; the outcome reaches the agent if it fails.
	}
	s.opts.Metrics.Webhook("slack", "ok")
	c.Status(http.StatusOK)
}

// noteTaken tells the author that a `//` note stays internal, and counts it as agent activity: agents
// discussing a handoff are not idle.
func (s *Server) noteTaken(phone string, ev slackapp.Event) {
	s.ephemeral(ev.Channel, ev.User, ev.ThreadTS, slackapp.NoteKeptText())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := workflows.AgentRequest{Agent: s.agentName(ctx, ev.User, ""), AgentID: ev.User}
	if err := s.updateWithID(ctx, phone, workflows.UpdateActivity, "slack-"+ev.EventID, req, nil); err != nil {
		s.log.Warn("agent activity not recorded", "error", err)
	}
}

// replyRefused tells the agent why their thread reply did not reach the customer.
func (s *Server) replyRefused(ev slackapp.Event, err error) {
	var appErr *temporal.ApplicationError
	text := "Your reply was not sent to the customer."
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case workflows.ErrTypeNotAssignee:
			text = appErr.Message() + ". Your message stays in the thread."
		case workflows.ErrTypeBotHolds:
			text = "This conversation is with the bot: press Take over on the card to reply to the customer."
		default:
			text = "Your reply was not sent to the customer: " + appErr.Message()
		}
	}
	s.ephemeral(ev.Channel, ev.User, ev.ThreadTS, text)
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

func (s *Server) agentName(ctx context.Context, userID, fallback string) string {
	if s.opts.Slack != nil && userID != "" {
		if name, err := s.opts.Slack.UserName(ctx, userID); err == nil && name != "" {
			return name
		}
	}
	if fallback != "" {
		return fallback
	}
	return userID
}

func (s *Server) ephemeral(channel, user, threadTS, text string) {
	if s.opts.Slack == nil || channel == "" || user == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.opts.Slack.PostEphemeral(ctx, channel, user, text, threadTS); err != nil {
		s.log.Warn("slack ephemeral message not posted", "error", err)
	}
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
