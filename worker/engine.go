package worker

import (
	"context"
	"time"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/internal/metrics"
)

// measuredEngine records the latency and failures of every AI engine call.
type measuredEngine struct {
	ai.Engine
	name    string
	metrics *metrics.Metrics
}

func (e measuredEngine) Classify(ctx context.Context, req ai.ClassifyRequest) (ai.Classification, error) {
	start := time.Now()
	c, err := e.Engine.Classify(ctx, req)
	e.metrics.LLMCall(e.name, "classify", time.Since(start), err)
	return c, err
}

func (e measuredEngine) Answer(ctx context.Context, req ai.AnswerRequest) (ai.Answer, error) {
	start := time.Now()
	a, err := e.Engine.Answer(ctx, req)
	e.metrics.LLMCall(e.name, "answer", time.Since(start), err)
	return a, err
}

func (e measuredEngine) Summarize(ctx context.Context, req ai.SummaryRequest) (string, error) {
	start := time.Now()
	s, err := e.Engine.Summarize(ctx, req)
	e.metrics.LLMCall(e.name, "summarize", time.Since(start), err)
	return s, err
}
