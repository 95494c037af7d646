package gateway

import (
	"context"
	"github.com/supportd/supportd/workflows/conversation"
	"log/slog"
	"time"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/store"
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
			log.Warn("whatsapp reports a message not delivered", logx.Phone(st.RecipientID), "message_id", st.ID, "errors", st.Errors)
			for _, e := range st.Errors {
				m.DownstreamError("whatsapp", e.Code)
			}
		}
		if failure != nil || st.ID == "" || !activities.IsSendTag(st.CallbackData) || !store.SendStatusKnown(st.Status) ||
			conversation.Delivery(st.Status) == conversation.DeliveryAccepted {
			continue
		}
		changed, err := s.opts.Store.RecordSend(rctx, st.CallbackData, st.ID, conversation.Delivery(st.Status))
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
