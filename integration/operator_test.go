package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// An operator ends a conversation from the Temporal UI (cancel or terminate) or resets it: the run ends as
// asked, and the customer's next message is answered.
func TestOperatorEndsOrResetsAConversation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name   string
		status enumspb.WorkflowExecutionStatus
		end    func(ctx context.Context, id string) error
	}{
		{"cancel", enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED, func(ctx context.Context, id string) error {
			return s.temporal().CancelWorkflow(ctx, id, "")
		}},
		{"terminate", enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, func(ctx context.Context, id string) error {
			return s.temporal().TerminateWorkflow(ctx, id, "", "operator")
		}},
		{"reset", enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED, func(ctx context.Context, id string) error {
			// Reset to the first workflow task: the old run is terminated and a new run replays its signals.
			_, err := s.temporal().ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
				Namespace: s.cfg.TemporalNamespace, WorkflowExecution: executionOf(ctx, s, id),
				WorkflowTaskFinishEventId: firstTaskCompleted(ctx, s, id), RequestId: id + "-reset",
			})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phone := newPhone()
			s.say(phone, "I want a refund for order 4411")
			s.waitStatus(phone, conversation.StatusHandoff)
			sent := len(s.graph.WaitForMessages(t, phone, 1, 30*time.Second))
			id := workflows.WorkflowID(phone)
			first := executionOf(context.Background(), s, id).RunId
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := tc.end(ctx, id); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var status enumspb.WorkflowExecutionStatus
			eventually(t, 30*time.Second, func() bool {
				d, err := s.temporal().DescribeWorkflowExecution(ctx, id, first)
				if err != nil {
					return false
				}
				status = d.WorkflowExecutionInfo.Status
				return status == tc.status
			}, "the first run did not end %s: %s", tc.status, status)

			s.say(phone, "What are your trading hours?")
			if tc.name == "reset" {
				// The new run replays the refund: the conversation is a handoff again, and a person answers.
				c := s.waitStatus(phone, conversation.StatusHandoff)
				if len(c.Transcript) < 2 {
					t.Fatalf("reset run lost the transcript: %+v", c.Transcript)
				}
				return
			}
			msgs := s.graph.WaitForMessages(t, phone, sent+1, 30*time.Second)
			if last := msgs[len(msgs)-1].Text; !strings.Contains(last, "08:00") {
				t.Fatalf("the next message after the %s was not answered by the bot: %q", tc.name, last)
			}
			if d, err := s.temporal().DescribeWorkflowExecution(ctx, id, ""); err != nil || d.WorkflowExecutionInfo.Execution.RunId == first ||
				d.WorkflowExecutionInfo.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Fatalf("no new running conversation after the %s: %v %v", tc.name, d, err)
			}
			if tc.name == "cancel" {
				if v, err := s.rdb.Get(ctx, "chat_status:"+phone).Result(); err != nil || v != "active" {
					t.Fatalf("redis status after a cancel: %q %v", v, err)
				}
			}
		})
	}
}

func executionOf(ctx context.Context, s *stack, id string) *commonpb.WorkflowExecution {
	d, err := s.temporal().DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		s.t.Fatalf("describe %s: %v", id, err)
	}
	return d.WorkflowExecutionInfo.Execution
}

// firstTaskCompleted is the event id of the first completed workflow task of a conversation's current run.
func firstTaskCompleted(ctx context.Context, s *stack, id string) int64 {
	it := s.temporal().GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if e.EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			return e.EventId
		}
	}
	s.t.Fatalf("%s has no completed workflow task", id)
	return 0
}
