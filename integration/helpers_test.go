package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows"
)

func testkitSign(secret string, body []byte) string { return whatsapp.Sign(secret, body) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

type countRequest struct{ Query string }

func (c countRequest) proto(ns string) *workflowservice.CountWorkflowExecutionsRequest {
	return &workflowservice.CountWorkflowExecutionsRequest{Namespace: ns, Query: c.Query}
}

// recordHistory writes a conversation's workflow history to workflows/testdata when SUPPORTD_RECORD_HISTORY
// is set, for the replay test that guards the workflow's determinism.
func (s *stack) recordHistory(phone, name string) {
	s.t.Helper()
	if os.Getenv("SUPPORTD_RECORD_HISTORY") == "" {
		return
	}
	ctx := context.Background()
	it := s.temporal().GetWorkflowHistory(ctx, workflows.WorkflowID(phone), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		hist.Events = append(hist.Events, e)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		s.t.Fatal(err)
	}
	// One file per revision: the histories of older revisions stay, for the runs still open when it changes.
	path := filepath.Join("..", "workflows", "testdata", fmt.Sprintf("%s-r%d.json", name, workflows.Revision))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("recorded %d events to %s", len(hist.Events), path)
}
