package gateway

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// agentMessage is POST /api/conversations/{phone}/message: an agent writes to a customer first. The
// conversation, started if it does not exist yet (UpdateWithStart), is the agent's from then on: status
// handoff, the agent as assignee, reason agent_takeover. The message goes out free-form while the customer's
// 24-hour window is open, else as the approved reply template; without one the answer is 422 with a hint. Like a
// reply, a request repeated with the same Idempotency-Key sends once and gets the first answer.
func (s *Server) agentMessage(c *gin.Context) {
	key, ok := idempotencyKey(c)
	if !ok {
		return
	}
	phone, b, ok := s.agentAction(c, true)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), updateTimeout)
	defer cancel()
	to := conversation.AddressOf(phone)
	start := s.opts.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(phone),
		TaskQueue:                s.opts.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    temporalSearchAttributes(to, conversation.StatusActive),
	}, workflows.WorkflowName, workflows.Input{Phone: phone, WaID: to.Phone, UserID: to.UserID, Indexed: true})
	req := workflows.ReplyRequest{Agent: b.Agent, Text: b.Text, Source: conversation.SourceAPI}
	h, err := s.opts.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			WorkflowID: workflows.WorkflowID(phone), UpdateName: workflows.UpdateAgentMessage, UpdateID: updateID("message", b.Agent, key),
			Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var res workflows.ReplyResult
	if err == nil {
		err = h.Get(ctx, &res)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.opts.Metrics.AgentReply("api")
	c.JSON(http.StatusOK, gin.H{"ok": true, "message_id": res.MessageID})
}
