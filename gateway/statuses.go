package gateway

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"

	"log/slog"
	"time"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/whatsapp"
)

// statusRecordTimeout bounds the Redis writes of one webhook's statuses.
const statusRecordTimeout = 2 * time.Second

// statuses handles the delivery statuses of a webhook: a failed one is logged and counted by error code, and
// the status of every send supportd tagged (biz_opaque_callback_data) is recorded by its tag, so that a send
// retried after a crash can tell that WhatsApp already took the first attempt (activities.SendOnce).
// Recording is best effort: a Redis failure is logged and the webhook is still answered 200, since a status
// that Meta delivers again cannot make up for it in time and statuses are never worth a redelivery.
func (s *Server) statuses(ctx context.Context, log *slog.Logger, statuses []whatsapp.Status) {
	m := s.opts.Metrics
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statusRecordTimeout)
	defer cancel()
	var failure error
	for _, st := range statuses {
		if st.Status == "failed" {
			log.Warn("whatsapp reports a message not delivered", logx.Phone(st.Recipient().Phone), "message_id", st.ID, "reason", st.Reason())
			for _, e := range st.Errors {
				m.DownstreamError("whatsapp", e.Code)
			}
		}
		d := conversation.Delivery(st.Status)
		if failure != nil || st.ID == "" || !d.Known() || d == conversation.DeliveryAccepted {
			continue // "played" and statuses of a later kind are not kept; Redis failed: best effort ends here
		}
		if _, err := s.opts.Store.RecordDelivery(rctx, st.ID, d, st.Reason()); err != nil {
			failure = err
			log.Warn("whatsapp status not recorded for the transcript (best effort)", "message_id", st.ID, "error", err)
			continue
		}
		if !activities.IsSendTag(st.CallbackData) {
			continue
		}
		changed, err := s.opts.Store.RecordSend(rctx, st.CallbackData, st.ID, d)
		if err != nil {
			failure = err
			log.Warn("whatsapp status not recorded (best effort): a send retried after a crash may not see it",
				"message_id", st.ID, "status", st.Status, "error", err)
			continue
		}
		if !changed {
			log.Debug("whatsapp status already known or older than the record", "message_id", st.ID, "status", st.Status)
		}
	}
}

// failures hands every failed delivery to the conversation of its customer, which marks the line and tells
// the agents; they must not believe their reply arrived. A conversation that no longer exists has nobody to
// tell. An error means Temporal could not be reached: Meta should deliver the statuses again.
func (s *Server) failures(ctx context.Context, log *slog.Logger, statuses []whatsapp.Status) error {
	for _, st := range statuses {
		if st.Status != string(conversation.DeliveryFailed) || st.ID == "" {
			continue
		}
		to := st.Recipient()
		ids := nonEmpty([]string{validPhone(to.Phone), validUserID(to.UserID)})
		if len(ids) == 0 {
			log.Warn("failed status without a customer acknowledged", "message_id", st.ID)
			continue
		}
		key, err := s.customerKey(ctx, ids...)
		if err != nil {
			return err
		}
		if len(ids) > 1 {
			s.link(ctx, key, ids...)
		}
		msg := conversation.Message{Phone: key, Kind: conversation.KindDelivery, RefID: st.ID,
			Delivery: conversation.DeliveryFailed, Error: st.Reason(), At: st.Timestamp}
		sctx, cancel := context.WithTimeout(ctx, signalTimeout)
		err = s.opts.Temporal.SignalWorkflow(sctx, workflows.WorkflowID(key), "", workflows.SignalCustomerMessage, msg)
		cancel()
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			log.Info("failed status for a conversation that has ended", logx.Phone(key), "message_id", st.ID)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}
