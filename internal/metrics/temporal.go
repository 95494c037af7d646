package metrics

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// TemporalHandler exposes the Temporal SDK's metrics (workflow task latency, activity failures, poller counts…)
// in the Prometheus registry, so a worker's /metrics shows them beside supportd's own.
func (m *Metrics) TemporalHandler() client.MetricsHandler {
	if m == nil {
		return client.MetricsNopHandler
	}
	return &sdkHandler{reg: &sdkRegistry{registry: m.registry, vecs: map[string]*sdkVec{}}}
}

// sdkRegistry creates one Prometheus vector per SDK metric name. Its label names are fixed by the first use;
// later uses with other tags fill missing labels with "" and drop unknown ones.
type sdkRegistry struct {
	registry *prometheus.Registry
	mu       sync.Mutex
	vecs     map[string]*sdkVec
}

type sdkVec struct {
	labels    []string
	counter   *prometheus.CounterVec
	gauge     *prometheus.GaugeVec
	histogram *prometheus.HistogramVec
}

func (r *sdkRegistry) vec(kind, name string, tags map[string]string) (*sdkVec, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.vecs[name]
	if !ok {
		labels := make([]string, 0, len(tags))
		for k := range tags {
			labels = append(labels, sanitize(k))
		}
		sort.Strings(labels)
		v = &sdkVec{labels: labels}
		full := sanitize(name)
		if !strings.HasPrefix(full, "temporal_") {
			full = "temporal_" + full
		}
		help := "Temporal SDK metric " + name + "."
		var c prometheus.Collector
		switch kind {
		case "counter":
			v.counter = prometheus.NewCounterVec(prometheus.CounterOpts{Name: full + "_total", Help: help}, labels)
			c = v.counter
		case "gauge":
			v.gauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: full, Help: help}, labels)
			c = v.gauge
		default:
			v.histogram = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: full + "_seconds", Help: help,
				Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, labels)
			c = v.histogram
		}
		if err := r.registry.Register(c); err != nil {
			v = &sdkVec{labels: labels} // a name clash: record nothing rather than fail
		}
		r.vecs[name] = v
	}
	values := make([]string, len(v.labels))
	for i, l := range v.labels {
		for k, val := range tags {
			if sanitize(k) == l {
				values[i] = val
			}
		}
	}
	return v, values
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

type sdkHandler struct {
	reg  *sdkRegistry
	tags map[string]string
}

func (h *sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return &sdkHandler{reg: h.reg, tags: merged}
}

func (h *sdkHandler) Counter(name string) client.MetricsCounter {
	v, values := h.reg.vec("counter", name, h.tags)
	if v.counter == nil {
		return client.MetricsNopHandler.Counter(name)
	}
	c := v.counter.WithLabelValues(values...)
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

func (h *sdkHandler) Gauge(name string) client.MetricsGauge {
	v, values := h.reg.vec("gauge", name, h.tags)
	if v.gauge == nil {
		return client.MetricsNopHandler.Gauge(name)
	}
	g := v.gauge.WithLabelValues(values...)
	return gaugeFunc(g.Set)
}

func (h *sdkHandler) Timer(name string) client.MetricsTimer {
	v, values := h.reg.vec("timer", name, h.tags)
	if v.histogram == nil {
		return client.MetricsNopHandler.Timer(name)
	}
	o := v.histogram.WithLabelValues(values...)
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
