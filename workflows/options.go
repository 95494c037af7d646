package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
)

// Activity options. AI calls retry a few times and then fall back; sends retry with backoff for minutes;
// notices to agents retry until they land.
var (
	aiOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 45 * time.Second,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 5 * time.Second,
			MaximumAttempts: 3, NonRetryableErrorTypes: []string{activities.ErrTypeAIUnavailable},
		},
	}
	summaryOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 45 * time.Second,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 2},
	}
	sendOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    20 * time.Second,
		ScheduleToCloseTimeout: 10 * time.Minute,
		WaitForCancellation:    true,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second,
			NonRetryableErrorTypes: []string{activities.ErrTypeWindowClosed, activities.ErrTypeRejected},
		},
	}
	// The bot's own messages go out from the workflow task that decided them (a local activity), which a
	// takeover waits for: a few quick attempts, then a send activity with sendOptions takes over (botSend).
	botSendOptions = workflow.LocalActivityOptions{
		StartToCloseTimeout: sendOptions.StartToCloseTimeout,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 2, MaximumAttempts: 3,
			NonRetryableErrorTypes: sendOptions.RetryPolicy.NonRetryableErrorTypes,
		},
	}
	// An agent waits for the outcome of a reply: retry briefly, then tell them.
	agentSendOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    20 * time.Second,
		ScheduleToCloseTimeout: 45 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second,
			NonRetryableErrorTypes: []string{activities.ErrTypeWindowClosed, activities.ErrTypeRejected},
		},
	}
	notifyOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 2 * time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeRejected},
		},
	}
	// From revision 4 a notice is given a few minutes, then waits (sendNotices) so that the conversation can
	// continue as new through a long outage of the agents' tool.
	noticeOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    notifyOptions.StartToCloseTimeout,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy:            notifyOptions.RetryPolicy,
	}
	localOptions = workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 5 * time.Second,
		RetryPolicy:            &temporal.RetryPolicy{MaximumAttempts: 2},
	}
)
