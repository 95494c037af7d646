package activities

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	"go.temporal.io/sdk/activity"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/whatsapp"
)

// SendLedger keeps, in storage shared by every worker and gateway (Redis), the marks of sends under way and
// what WhatsApp reported about each tagged send. The gateway records status webhooks in it.
type SendLedger interface {
	MarkSending(ctx context.Context, tag string, ttl time.Duration) error
	Sending(ctx context.Context, tag string) (bool, error)
	ClearSending(ctx context.Context, tag string) error
	RecordSend(ctx context.Context, tag, wamid string, status conversation.Delivery) (bool, error)
	SendRecord(ctx context.Context, tag string) (conversation.SendRecord, bool, error)
}

// Defaults of SendOnce.
const (
	// DefaultStatusWait is how long a retried send waits for WhatsApp's status of an earlier attempt.
	DefaultStatusWait = 5 * time.Second
	// sendingTTL outlives every retry of a send (sendOptions: ScheduleToClose 10 minutes).
	sendingTTL = 15 * time.Minute
	statusPoll = 100 * time.Millisecond
)

// SendOnce keeps a retried send activity from sending again a message WhatsApp already took. The Graph API
// has no idempotency key, so a worker that dies after WhatsApp took a message and before Temporal heard so
// would send it twice when Temporal retries the activity. Instead:
//
//   - every attempt of a send carries the same tag (SendTag: the workflow, run and activity ids) as
//     biz_opaque_callback_data, which WhatsApp echoes in the message's status webhooks; the gateway records
//     those statuses by tag (SendLedger);
//   - an attempt marks the tag "sending" before it sends, and records the WAMID when the Graph API answers;
//   - a retry whose tag has a record returns that WAMID without sending. A retry whose tag is marked (an
//     earlier attempt may have reached WhatsApp) but has no record yet waits up to Wait for WhatsApp's
//     status, then returns its WAMID, or sends if none came. A retry whose tag is not marked (the earlier
//     attempt never reached the send, or WhatsApp refused it) sends at once.
//
// Redis unavailable means sending anyway (logged): a duplicate is better than a lost answer. A duplicate is
// still possible when WhatsApp took a message, the worker died before hearing so, and WhatsApp's first status
// took longer than the retry plus Wait to be recorded.
type SendOnce struct {
	// Ledger is nil to send every attempt (the tag is still sent).
	Ledger SendLedger
	// Wait bounds how long a retry waits for the status of an earlier attempt; 0 means no waiting.
	Wait time.Duration
	// SendTimeout is the time a send needs; the wait never eats into it before the activity's deadline.
	SendTimeout time.Duration
	Logger      *slog.Logger
	Metrics     *metrics.Metrics
}

// sendTagPrefix starts every tag SendTag makes.
const sendTagPrefix = "sd1."

// IsSendTag reports whether biz_opaque_callback_data is a tag SendTag made (and not another tool's).
func IsSendTag(data string) bool {
	return len(data) == len(sendTagPrefix)+22 && data[:len(sendTagPrefix)] == sendTagPrefix
}

// SendTag is the tag of one send activity: the same for every attempt, different for every send. It is
// short and opaque (a hash), well within WhatsApp's 512 characters.
func SendTag(workflowID, runID, activityID string) string {
	sum := sha256.Sum256([]byte(workflowID + "\x00" + runID + "\x00" + activityID))
	return sendTagPrefix + base64.RawURLEncoding.EncodeToString(sum[:16])
}

// Send runs send (one Graph API call) for the current activity attempt unless an earlier attempt already
// reached WhatsApp, and returns the message's WAMID. refused tells an error that proves WhatsApp did not take
// the message from one that leaves it unknown. to is for logs only.
func (o *SendOnce) Send(ctx context.Context, to string, send func(context.Context) (string, error), refused func(error) bool) (string, error) {
	return o.SendTagged(ctx, "", to, send, refused)
}

// SendTagged is Send under the tag of an earlier send that may have reached WhatsApp (a bot reply its model
// activity could not confirm sent): every attempt is then taken as a retry of that send. An empty tag is
// Send's.
func (o *SendOnce) SendTagged(ctx context.Context, tag, to string, send func(context.Context) (string, error), refused func(error) bool) (string, error) {
	if !activity.IsActivity(ctx) {
		return send(ctx)
	}
	info := activity.GetInfo(ctx)
	at := sendAttempt{tag: tag, number: info.Attempt + 1, deadline: info.Deadline}
	switch {
	case tag != "":
	case info.IsLocalActivity:
		// A local activity runs again from its first attempt when the workflow task that ran it is retried
		// (its worker died): every attempt looks for an earlier one. Its ids are counted apart from the
		// activities'.
		at.tag = SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, "local:"+info.ActivityID)
	default:
		at.tag, at.number = SendTag(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, info.ActivityID), info.Attempt
	}
	return o.attempt(ctx, at, to, send, refused)
}

// sendAttempt is one attempt of a send activity.
type sendAttempt struct {
	tag      string
	number   int32 // 1 for the first attempt
	deadline time.Time
}

func (o *SendOnce) attempt(ctx context.Context, at sendAttempt, to string, send func(context.Context) (string, error), refused func(error) bool) (string, error) {
	tag := at.tag
	ctx = whatsapp.WithCallbackData(ctx, tag)
	if o == nil || o.Ledger == nil {
		return send(ctx)
	}
	log := o.log().With(logx.Phone(to), "send_tag", tag, "attempt", at.number)
	if at.number > 1 {
		id, found, err := o.earlier(ctx, log, tag, at.deadline)
		if err != nil {
			return "", err
		}
		if found {
			o.Metrics.DedupeHit("whatsapp_send")
			log.Info("an earlier attempt of this send reached WhatsApp; not sending it again", "message_id", id)
			return id, nil
		}
	}
	if err := o.Ledger.MarkSending(ctx, tag, sendingTTL); err != nil {
		log.Warn("redis unavailable: sending without a guard against sending twice after a crash", "error", err)
	}
	id, err := send(ctx)
	if err != nil {
		if refused != nil && refused(err) {
			if cerr := o.Ledger.ClearSending(context.WithoutCancel(ctx), tag); cerr != nil {
				log.Warn("send mark not cleared; a retry will wait for a status first", "error", cerr)
			}
		}
		return "", err
	}
	if _, err := o.Ledger.RecordSend(context.WithoutCancel(ctx), tag, id, conversation.DeliveryAccepted); err != nil {
		log.Warn("send not recorded; a retry relies on the status webhook", "message_id", id, "error", err)
	}
	return id, nil
}

// earlier looks for what an earlier attempt of the send left: a record (WhatsApp took it) or a mark (it may
// have). With a mark and no record it waits for WhatsApp's status, heartbeating. It reports the WAMID of a
// message WhatsApp took; an error only when the activity was cancelled while waiting.
func (o *SendOnce) earlier(ctx context.Context, log *slog.Logger, tag string, deadline time.Time) (string, bool, error) {
	rec, found, err := o.Ledger.SendRecord(ctx, tag)
	if err != nil {
		log.Warn("redis unavailable: cannot tell whether an earlier attempt reached WhatsApp; sending", "error", err)
		return "", false, nil
	}
	if found {
		return rec.MessageID, true, nil
	}
	marked, err := o.Ledger.Sending(ctx, tag)
	if err != nil {
		log.Warn("redis unavailable: cannot tell whether an earlier attempt reached WhatsApp; sending", "error", err)
		return "", false, nil
	}
	if !marked {
		return "", false, nil
	}
	wait := o.Wait
	if !deadline.IsZero() {
		wait = min(wait, time.Until(deadline)-o.SendTimeout)
	}
	log.Info("an earlier attempt of this send may have reached WhatsApp; waiting for its status", "wait", max(wait, 0))
	if wait <= 0 {
		return "", false, nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	poll := time.NewTicker(statusPoll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", false, ctx.Err()
		case <-timer.C:
			log.Warn("no status from WhatsApp for an earlier attempt of this send; sending again", "waited", wait)
			return "", false, nil
		case <-poll.C:
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx)
		}
		rec, found, err := o.Ledger.SendRecord(ctx, tag)
		if err != nil {
			log.Warn("redis unavailable while waiting for a status; sending", "error", err)
			return "", false, nil
		}
		if found {
			return rec.MessageID, true, nil
		}
	}
}

func (o *SendOnce) log() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

// refusal is implemented by senders that can tell a message WhatsApp refused from one whose fate is unknown
// (a timeout, a proxy's error page).
type refusal interface {
	Refused(err error) bool
}

// refused reports whether a send error proves the message was not taken, so that a retry need not wait for
// a status first.
func (a *Activities) refused(err error) bool {
	if r, ok := a.Sender.(refusal); ok {
		return r.Refused(err)
	}
	return a.Sender.Classify(err) != conversation.SendRetryable
}
