package metrics

import (
	"fmt"
	"log/slog"

	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// latencyBuckets are the histogram boundaries of the SDK's latencies, in seconds.
var latencyBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// TemporalHandler exposes the Temporal SDK's metrics (workflow task latency, activity failures, poller counts…)
// in the Prometheus registry, so that /metrics shows them beside supportd's own. It is the SDK's OpenTelemetry
// contrib handler over a meter that the OpenTelemetry Prometheus exporter reads: each tag set the SDK uses gets
// a series of its own, counters are monotonic (`_total`) and latencies are histograms in seconds.
func (m *Metrics) TemporalHandler() (client.MetricsHandler, error) {
	if m == nil {
		return client.MetricsNopHandler, nil
	}
	exporter, err := otelprom.New(otelprom.WithRegisterer(m.registry), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, fmt.Errorf("temporal metrics exporter: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter), sdkmetric.WithView(sdkmetric.NewView(
		sdkmetric.Instrument{Kind: sdkmetric.InstrumentKindHistogram},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: latencyBuckets}},
	)))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                provider.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError:              func(err error) { slog.Default().Warn("temporal sdk metric not recorded", "error", err) },
	}), nil
}
