package integration

import (
	"errors"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/supportd/supportd/whatsapp"
)

func testkitSign(secret string, body []byte) string { return whatsapp.Sign(secret, body) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

type countRequest struct{ Query string }

func (c countRequest) proto(ns string) *workflowservice.CountWorkflowExecutionsRequest {
	return &workflowservice.CountWorkflowExecutionsRequest{Namespace: ns, Query: c.Query}
}
