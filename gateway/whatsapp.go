package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/conversation"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows"
)

// MaxWebhookBody is the largest webhook body accepted (docs/CONTRACT.md: over 4 MiB is 413).
const MaxWebhookBody = 4 << 20

// dedupeTTL covers Meta's redeliveries, which go on for up to 7 days.
const dedupeTTL = 7 * 24 * time.Hour

func (s *Server) whatsappSubscribe(c *gin.Context) {
	challenge, ok := whatsapp.VerifySubscription(c.Request.URL.Query(), s.opts.WhatsAppVerifyToken)
	if !ok {
		c.String(http.StatusForbidden, "forbidden\n")
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// whatsappWebhook verifies, parses and hands every message of a webhook to its conversation workflow. It
// answers 200 only once Temporal holds every message; otherwise 5xx, so that Meta delivers again.
func (s *Server) whatsappWebhook(c *gin.Context) {
	received := time.Now()
	log := s.logger(c)
	m := s.opts.Metrics
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, MaxWebhookBody+1))
	if err != nil {
		m.Webhook("whatsapp", "read_error")
		c.JSON(http.StatusBadRequest, gin.H{"error": "could not read the body"})
		return
	}
	if len(body) > MaxWebhookBody {
		m.Webhook("whatsapp", "too_large")
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body over 4 MiB"})
		return
	}
	if err := whatsapp.VerifySignature(s.opts.WhatsAppAppSecret, body, c.GetHeader(whatsapp.SignatureHeader)); err != nil {
		m.SignatureFailure("whatsapp")
		m.Webhook("whatsapp", "bad_signature")
		log.Warn("whatsapp webhook refused: bad signature", "remote", c.ClientIP())
		c.JSON(http.StatusUnauthorized, gin.H{"error": "invalid signature"})
		return
	}
	n, err := whatsapp.Parse(body)
	if err != nil {
		m.Webhook("whatsapp", "malformed")
		log.Warn("whatsapp webhook refused: malformed", "error", err)
		c.JSON(http.StatusBadRequest, gin.H{"error": "malformed notification: " + err.Error()})
		return
	}
	s.statuses(c.Request.Context(), log, n.Statuses())
	for _, msg := range n.Messages() {
		if msg.From == "" || msg.ID == "" {
			log.Warn("whatsapp message without sender or id ignored", "type", msg.Type)
			continue
		}
		if err := s.deliver(c.Request.Context(), msg, received); err != nil {
			m.Webhook("whatsapp", "temporal_error")
			log.Error("message not handed to its conversation; asking Meta to deliver again", logx.Phone(msg.From), "message_id", msg.ID, "error", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "temporarily unavailable, retry"})
			return
		}
	}
	m.Webhook("whatsapp", "ok")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// deliver signals one message to its conversation, starting the conversation if needed. A message already
// claimed by an earlier delivery is skipped; the workflow deduplicates too, so a Redis outage only costs speed.
func (s *Server) deliver(ctx context.Context, msg whatsapp.Message, received time.Time) error {
	log := s.log.With(logx.Phone(msg.From))
	claimed, err := s.opts.Store.Claim(ctx, "wa", msg.ID, dedupeTTL)
	if err != nil {
		log.Warn("redis dedupe unavailable; relying on the workflow's", "error", err)
		claimed = true
	}
	if !claimed {
		s.opts.Metrics.DedupeHit("whatsapp")
		log.Info("duplicate whatsapp message skipped", "message_id", msg.ID)
		return nil
	}
	cm := customerMessage(msg)
	cm.ReceivedAt = received
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = s.opts.Temporal.SignalWithStartWorkflow(sctx, workflows.WorkflowID(msg.From), workflows.SignalCustomerMessage, cm,
		client.StartWorkflowOptions{
			ID:                    workflows.WorkflowID(msg.From),
			TaskQueue:             s.opts.TaskQueue,
			TypedSearchAttributes: temporalSearchAttributes(msg.From, conversation.StatusActive),
		},
		workflows.WorkflowName, workflows.Input{Phone: msg.From, Name: msg.Name})
	if err != nil {
		if rerr := s.opts.Store.Release(context.WithoutCancel(ctx), "wa", msg.ID); rerr != nil {
			log.Warn("dedupe claim not released", "error", rerr)
		}
		return err
	}
	return nil
}

// customerMessage turns a WhatsApp message into the workflow's message.
func customerMessage(m whatsapp.Message) workflows.CustomerMessage {
	cm := workflows.CustomerMessage{ID: m.ID, Phone: m.From, Name: m.Name, At: m.Timestamp, Text: m.Text}
	switch m.Type {
	case "text":
		cm.Kind = workflows.KindText
	case "interactive", "button":
		cm.Kind = workflows.KindButton
		cm.ButtonID = m.ButtonID
		cm.Text = m.ButtonTitle
	case "audio":
		cm.Kind = workflows.KindMedia
		if m.Media != nil && m.Media.Voice {
			cm.Kind = workflows.KindVoice
		}
		cm.Text = m.Describe()
	case "image", "video", "document", "sticker":
		cm.Kind = workflows.KindMedia
		cm.Text = m.Describe()
	case "location":
		cm.Kind = workflows.KindLocation
		cm.Text = m.Describe()
	case "contacts":
		cm.Kind = workflows.KindContacts
		cm.Text = m.Describe()
	case "reaction":
		cm.Kind = workflows.KindReaction
		cm.Text = m.Describe()
	case "system":
		cm.Kind = workflows.KindSystem
		cm.Text = m.Describe()
	default:
		cm.Kind = workflows.KindUnsupported
		cm.Text = m.Describe()
	}
	if cm.Kind == workflows.KindText && cm.Text == "" {
		cm.Text = m.Describe()
	}
	return cm
}

var errNoConversation = errors.New("no conversation with this number")
