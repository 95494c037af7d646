package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// MaxWebhookBody is the largest webhook body accepted (docs/CONTRACT.md: over 4 MiB is 413).
const MaxWebhookBody = 4 << 20

// The fast-path deduplication of inbound messages has two phases (store.ClaimDelivery): a message id is
// claimed as pending for claimTTL while this gateway signals it, and marked done for doneTTL once Temporal
// accepted the signal. Only "done" makes a redelivery be skipped, so a gateway that dies between the claim
// and the signal costs nothing: its claim expires, and a redelivery finds no proof and signals. The workflow
// deduplicates by message id anyway; the fast path only saves work.
const (
	// doneTTL covers Meta's redeliveries, which go on for up to 7 days.
	doneTTL = 7 * 24 * time.Hour
	// claimTTL outlives the signal's timeout, so a concurrent duplicate sees the claim for as long as the
	// signal may take.
	claimTTL = 30 * time.Second
	// signalTimeout bounds one SignalWithStart.
	signalTimeout = 10 * time.Second
	// pendingWait is how long a duplicate delivered while another gateway signals the same id waits for that
	// one to report done before signalling too (which is safe: the workflow ignores an id it has seen).
	pendingWait = 2 * time.Second
	pendingPoll = 20 * time.Millisecond
)

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
		m.Webhook("whatsapp", s.refuseUnreadBody(c, err))
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
	ctx := c.Request.Context()
	s.statuses(ctx, log, n.Statuses())
	for _, e := range n.Errors() {
		m.DownstreamError("whatsapp", e.Code)
		log.Warn("whatsapp reports an error for the notification", "code", e.Code, "reason", e.Reason())
	}
	for _, sync := range n.Syncs() {
		log.Info("whatsapp business app sync accepted, never answered", "field", sync.Field, "items", sync.Items)
	}
	var inbound []inboundEvent
	for _, msg := range n.Messages() {
		if err := msg.Validate(); err != nil {
			s.invalid(log, err, msg.Type)
			continue
		}
		inbound = append(inbound, inboundEvent{msg: customerMessage(msg), ids: []string{msg.ReplyTo().Phone, msg.ReplyTo().UserID}})
	}
	for _, e := range n.Echoes() {
		if err := e.Validate(); err != nil {
			s.invalid(log, err, e.Content.Type)
			continue
		}
		cm := conversation.Message{ID: e.ID, Kind: conversation.KindEcho, Text: e.Describe(), At: e.Timestamp}
		inbound = append(inbound, inboundEvent{msg: cm, ids: []string{validPhone(e.To.Phone), validUserID(e.To.UserID)}})
	}
	for _, ev := range inbound {
		ev.msg.ReceivedAt = received
		err := s.deliver(ctx, ev)
		if err == nil {
			continue
		}
		if permanent(err) {
			m.Webhook("whatsapp", "rejected")
			log.Error("temporal refused a message for good; acknowledged so that Meta stops retrying", logx.Phone(ev.msg.Phone), "message_id", ev.msg.ID, "error", err)
			continue
		}
		m.Webhook("whatsapp", "temporal_error")
		log.Error("message not handed to its conversation; asking Meta to deliver again", logx.Phone(ev.msg.Phone), "message_id", ev.msg.ID, "error", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "temporarily unavailable, retry"})
		return
	}
	if err := s.failures(ctx, log, n.Statuses()); err != nil {
		m.Webhook("whatsapp", "temporal_error")
		log.Error("failed delivery not handed to its conversation; asking Meta to deliver again", "error", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "temporarily unavailable, retry"})
		return
	}
	m.Webhook("whatsapp", "ok")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// invalid acknowledges a message no redelivery can make processable, so that Meta stops retrying it.
func (s *Server) invalid(log *slog.Logger, err error, msgType string) {
	result := "invalid_sender"
	if errors.Is(err, whatsapp.ErrInvalidMessageID) {
		result = "invalid_message_id"
	}
	s.opts.Metrics.Webhook("whatsapp", result)
	log.Warn("whatsapp message that can never be processed acknowledged", "reason", err.Error(), "type", safeType(msgType))
}

// inboundEvent is one thing WhatsApp reported that a conversation must take in: a customer message, or a
// Business app echo, with the customer's identifiers (the phone first).
type inboundEvent struct {
	msg conversation.Message
	ids []string
}

// deliver signals one message to its customer's conversation, starting the conversation if needed. It skips
// the message only when an earlier delivery reported it done (Temporal holds it); see claimTTL. Without Redis
// it signals: the workflow deduplicates, so a Redis outage only costs speed.
func (s *Server) deliver(ctx context.Context, ev inboundEvent) error {
	msg := ev.msg
	ids := nonEmpty(ev.ids)
	log := s.log
	if len(ids) > 0 {
		log = log.With(logx.Phone(ids[0]))
	}
	state, err := s.opts.Store.ClaimDelivery(ctx, "wa", msg.ID, claimTTL)
	if err != nil {
		log.Warn("redis dedupe unavailable; relying on the workflow's", "error", err)
		state = store.DeliveryClaimed
	}
	if state == store.DeliveryPending {
		state = s.awaitDelivery(ctx, msg.ID)
	}
	if state == store.DeliveryDone {
		s.opts.Metrics.DedupeHit("whatsapp")
		log.Info("duplicate whatsapp message skipped", "message_id", msg.ID)
		return nil
	}
	if s.opts.beforeSignal != nil {
		if err := s.opts.beforeSignal(msg.ID); err != nil {
			return err
		}
	}
	key, err := s.claimCustomer(ctx, ids...)
	if err == nil {
		msg.Phone = key
		err = s.signal(ctx, msg)
	}
	if err != nil {
		if rerr := s.opts.Store.ReleaseDelivery(context.WithoutCancel(ctx), "wa", msg.ID); rerr != nil {
			log.Warn("dedupe claim not released", "error", rerr)
		}
		return err
	}
	s.link(context.WithoutCancel(ctx), key, append(ids, msg.WaID, msg.UserID)...)
	if err := s.opts.Store.MarkDelivered(context.WithoutCancel(ctx), "wa", msg.ID, doneTTL); err != nil {
		// Temporal holds the message: a redelivery will signal it again and the workflow will ignore it.
		log.Warn("delivered message not marked done in redis", "message_id", msg.ID, "error", err)
	}
	return nil
}

// signal hands msg to the conversation msg.Phone names, starting it if needed.
func (s *Server) signal(ctx context.Context, msg conversation.Message) error {
	sctx, cancel := context.WithTimeout(ctx, signalTimeout)
	defer cancel()
	id := workflows.WorkflowID(msg.Phone)
	to := conversation.Address{Phone: msg.WaID, UserID: msg.UserID}
	if to.IsZero() {
		to = conversation.AddressOf(msg.Phone)
	}
	_, err := s.opts.Temporal.SignalWithStartWorkflow(sctx, id, workflows.SignalCustomerMessage, msg,
		client.StartWorkflowOptions{
			ID:                    id,
			TaskQueue:             s.opts.TaskQueue,
			TypedSearchAttributes: temporalSearchAttributes(to, conversation.StatusActive),
		},
		workflows.WorkflowName, workflows.Input{Phone: msg.Phone, WaID: to.Phone, UserID: to.UserID, Name: msg.Name, Indexed: true})
	return err
}

// awaitDelivery waits up to pendingWait for the delivery that claimed id to report it done. It returns
// DeliveryDone if it did, and DeliveryClaimed otherwise: the caller then signals too.
func (s *Server) awaitDelivery(ctx context.Context, id string) store.Delivery {
	deadline := time.NewTimer(pendingWait)
	defer deadline.Stop()
	tick := time.NewTicker(pendingPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return store.DeliveryClaimed
		case <-deadline.C:
			return store.DeliveryClaimed
		case <-tick.C:
		}
		state, err := s.opts.Store.DeliveryState(ctx, "wa", id)
		if err != nil || state != store.DeliveryPending {
			if state == store.DeliveryDone {
				return store.DeliveryDone
			}
			return store.DeliveryClaimed
		}
	}
}

// permanent reports whether Temporal refused a message in a way no retry of the same webhook can change: an
// invalid argument (an identifier or payload Temporal will never take) or a request over gRPC's size limit.
// A search attribute that is not registered is an invalid argument too, but one an operator fixes: it stays
// temporary, so that Meta delivers the messages again once it is fixed. Everything else (unavailable,
// deadline exceeded, rate limited, namespace missing...) is temporary.
func permanent(err error) bool {
	var invalid *serviceerror.InvalidArgument
	if errors.As(err, &invalid) {
		return !strings.Contains(invalid.Error(), "search attribute")
	}
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	switch st.Code() {
	case codes.InvalidArgument:
		return !strings.Contains(st.Message(), "search attribute")
	case codes.ResourceExhausted:
		return messageTooLarge(st.Message())
	}
	return false
}

// messageTooLarge recognises gRPC's refusal of a request over its size limit, which a retry cannot change
// (the messages of the Temporal SDK's own check).
func messageTooLarge(msg string) bool {
	for _, prefix := range []string{
		"grpc: received message larger than max",
		"grpc: message after decompression larger than max",
		"grpc: received message after decompression larger than max",
		"grpc: trying to send message larger than max",
		"grpc: message too large",
		"trying to send message larger than max",
	} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// safeType is a message type fit for a log line: WhatsApp's types are short lowercase words.
func safeType(t string) string {
	if len(t) > 32 {
		return "(long)"
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !(c >= 'a' && c <= 'z') && c != '_' {
			return "(invalid)"
		}
	}
	return t
}

// customerMessage turns a WhatsApp message into the workflow's message.
func customerMessage(m whatsapp.Message) conversation.Message {
	to := m.ReplyTo()
	cm := conversation.Message{ID: m.ID, Phone: m.From, WaID: to.Phone, UserID: to.UserID, Username: m.Username,
		Name: m.Name, At: m.Timestamp, Text: m.Text}
	switch m.Type {
	case "text":
		cm.Kind = conversation.KindText
	case "interactive", "button":
		cm.Kind = conversation.KindButton
		cm.ButtonID = m.ButtonID
		cm.Text = m.ButtonTitle
	case "audio":
		cm.Kind = conversation.KindMedia
		if m.Media != nil && m.Media.Voice {
			cm.Kind = conversation.KindVoice
		}
		cm.Text = m.Describe()
	case "image", "video", "document", "sticker":
		cm.Kind = conversation.KindMedia
		cm.Text = m.Describe()
	case "location":
		cm.Kind = conversation.KindLocation
		cm.Text = m.Describe()
	case "contacts":
		cm.Kind = conversation.KindContacts
		cm.Text = m.Describe()
	case "reaction":
		cm.Kind = conversation.KindReaction
		cm.Text = m.Describe()
	case "system":
		cm.Kind = conversation.KindSystem
		cm.Text = m.Describe()
		if sys := m.System; sys != nil && (sys.Kind == whatsapp.SystemUserChangedNumber || sys.Kind == whatsapp.SystemUserChangedUserID) {
			// The customer's old identifiers find the conversation; it learns the new ones.
			cm.Kind, cm.WaID, cm.UserID = conversation.KindIdentity, validPhone(sys.NewPhone), validUserID(sys.NewUserID)
			if cm.Text == "" {
				cm.Text = "The customer's WhatsApp identifiers changed"
			}
		}
	default:
		cm.Kind = conversation.KindUnsupported
		cm.Text = m.Describe()
	}
	if cm.Kind == conversation.KindText && cm.Text == "" {
		cm.Text = m.Describe()
	}
	return cm
}

var errNoConversation = errors.New("no conversation with this number")

func validPhone(id string) string {
	id = strings.TrimPrefix(id, "+")
	if whatsapp.ValidWaID(id) {
		return id
	}
	return ""
}

func validUserID(id string) string {
	if conversation.IsUserID(id) {
		return id
	}
	return ""
}
