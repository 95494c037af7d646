package worker

import (
	"context"
	"errors"
	"time"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/llm"
	"github.com/supportd/supportd/workflows/conversation"
)

// measuredEngine records the latency and failures of every AI engine call.
type measuredEngine struct {
	ai.Engine
	name    string
	metrics *metrics.Metrics
}

func (e measuredEngine) Classify(ctx context.Context, req ai.ClassifyRequest) (conversation.Classification, error) {
	start := time.Now()
	c, err := e.Engine.Classify(ctx, req)
	e.observe("classify", start, err)
	return c, err
}

func (e measuredEngine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	start := time.Now()
	r, err := e.Engine.Reply(ctx, req)
	e.observe("reply", start, err)
	return r, err
}

func (e measuredEngine) Summarize(ctx context.Context, req ai.SummaryRequest) (string, error) {
	start := time.Now()
	s, err := e.Engine.Summarize(ctx, req)
	e.observe("summarize", start, err)
	return s, err
}

func (e measuredEngine) observe(op string, start time.Time, err error) {
	e.metrics.LLMCall(e.name, op, time.Since(start), err)
	var se *llm.StatusError
	if errors.As(err, &se) {
		e.metrics.DownstreamError("llm", se.StatusCode)
	}
}
