package gateway

import "github.com/supportd/supportd/internal/metrics"

// Metrics is the gateway's view of the process metrics.
type Metrics = metrics.Metrics

// NewMetrics returns m, or fresh metrics when m is nil.
func NewMetrics(m *metrics.Metrics) *metrics.Metrics {
	if m == nil {
		return metrics.New()
	}
	return m
}
