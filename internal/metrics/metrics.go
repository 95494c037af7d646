// Package metrics defines supportd's Prometheus metrics, shared by the gateway and the worker.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every supportd metric. A nil *Metrics records nothing.
type Metrics struct {
	registry *prometheus.Registry

	WebhooksReceived  *prometheus.CounterVec
	SignatureFailures *prometheus.CounterVec
	DedupeHits        *prometheus.CounterVec
	Handoffs          *prometheus.CounterVec
	BotAnswers        *prometheus.CounterVec
	AgentReplies      *prometheus.CounterVec
	OutboundMessages  *prometheus.CounterVec
	Escalations       prometheus.Counter
	WebhookToSend     prometheus.Histogram
	LLMLatency        *prometheus.HistogramVec
	LLMErrors         *prometheus.CounterVec
	DownstreamErrors  *prometheus.CounterVec
	ConsoleStreams    prometheus.Gauge
	CSAT              *prometheus.CounterVec
}

// New creates the metrics and registers them, with the Go and process collectors, on a new registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		registry: r,
		WebhooksReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_webhooks_received_total", Help: "Webhooks received, by source and result.",
		}, []string{"source", "result"}),
		SignatureFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_webhook_signature_failures_total", Help: "Webhooks refused for a missing or wrong signature, by source.",
		}, []string{"source"}),
		DedupeHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_dedupe_hits_total", Help: "Redeliveries recognised and skipped, by source.",
		}, []string{"source"}),
		Handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_handoffs_total", Help: "Conversations handed to a person, by reason.",
		}, []string{"reason"}),
		BotAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_bot_answers_total", Help: "Messages the bot sent, by kind (answer, offer, notice...).",
		}, []string{"kind"}),
		AgentReplies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_agent_replies_total", Help: "Agent replies sent to customers, by source (slack, console).",
		}, []string{"source"}),
		OutboundMessages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_outbound_messages_total",
			Help: "Messages sent to customers through WhatsApp, each one billed, by kind (answer, say, offer, handoff_notice, return_notice, agent).",
		}, []string{"kind"}),
		Escalations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "supportd_handoff_escalations_total", Help: "Handoffs escalated because nobody took them within HANDOFF_UNCLAIMED_TIMEOUT.",
		}),
		WebhookToSend: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "supportd_webhook_to_send_seconds", Help: "Time from receiving a customer's webhook to sending the bot's reply.",
			Buckets: []float64{.025, .05, .1, .2, .3, .5, .75, 1, 2, 5, 10, 30},
		}),
		LLMLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "supportd_llm_request_seconds", Help: "AI engine call latency, by engine and operation.",
			Buckets: []float64{.001, .005, .025, .1, .25, .5, 1, 2, 5, 10, 30},
		}, []string{"engine", "op"}),
		LLMErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_llm_errors_total", Help: "AI engine call failures, by engine and operation.",
		}, []string{"engine", "op"}),
		DownstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_downstream_errors_total", Help: "Errors from WhatsApp, Slack and the LLM API, by API and code.",
		}, []string{"api", "code"}),
		ConsoleStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "supportd_console_streams", Help: "Agent console event streams open on this gateway.",
		}),
		CSAT: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "supportd_csat_total", Help: "Customers' ratings of the help after a hand-back to the bot, by score (good, ok, bad).",
		}, []string{"score"}),
	}
	r.MustRegister(m.WebhooksReceived, m.SignatureFailures, m.DedupeHits, m.Handoffs, m.BotAnswers, m.AgentReplies, m.OutboundMessages, m.Escalations,
		m.WebhookToSend, m.LLMLatency, m.LLMErrors, m.DownstreamErrors,
		m.ConsoleStreams, m.CSAT,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Webhook counts a webhook by source and result.
func (m *Metrics) Webhook(source, result string) {
	if m != nil {
		m.WebhooksReceived.WithLabelValues(source, result).Inc()
	}
}

// SignatureFailure counts a refused signature.
func (m *Metrics) SignatureFailure(source string) {
	if m != nil {
		m.SignatureFailures.WithLabelValues(source).Inc()
	}
}

// DedupeHit counts a skipped redelivery.
func (m *Metrics) DedupeHit(source string) {
	if m != nil {
		m.DedupeHits.WithLabelValues(source).Inc()
	}
}

// Handoff counts a handoff.
func (m *Metrics) Handoff(reason string) {
	if m != nil {
		m.Handoffs.WithLabelValues(reason).Inc()
	}
}

// Rating counts a customer's rating of the help (CSAT).
func (m *Metrics) Rating(score string) {
	if m != nil {
		m.CSAT.WithLabelValues(score).Inc()
	}
}

// BotAnswer counts a bot message.
func (m *Metrics) BotAnswer(kind string) {
	if m != nil {
		m.BotAnswers.WithLabelValues(kind).Inc()
	}
}

// Outbound counts a message sent to a customer, by kind.
func (m *Metrics) Outbound(kind string) {
	if m != nil {
		if kind == "" {
			kind = "other"
		}
		m.OutboundMessages.WithLabelValues(kind).Inc()
	}
}

// Escalation counts an unclaimed handoff escalated.
func (m *Metrics) Escalation() {
	if m != nil {
		m.Escalations.Inc()
	}
}

// AgentReply counts an agent reply.
func (m *Metrics) AgentReply(source string) {
	if m != nil {
		m.AgentReplies.WithLabelValues(source).Inc()
	}
}

// SinceWebhook observes the time from a webhook's arrival to the reply's send.
func (m *Metrics) SinceWebhook(received time.Time) {
	if m != nil && !received.IsZero() {
		m.WebhookToSend.Observe(time.Since(received).Seconds())
	}
}

// LLMCall observes one AI engine call.
func (m *Metrics) LLMCall(engine, op string, took time.Duration, err error) {
	if m == nil {
		return
	}
	m.LLMLatency.WithLabelValues(engine, op).Observe(took.Seconds())
	if err != nil {
		m.LLMErrors.WithLabelValues(engine, op).Inc()
	}
}

// DownstreamError counts an error from an external API.
func (m *Metrics) DownstreamError(api string, code int) {
	if m != nil {
		m.DownstreamErrors.WithLabelValues(api, strconv.Itoa(code)).Inc()
	}
}

// ConsoleStream counts an agent console event stream opening (+1) or closing (-1).
func (m *Metrics) ConsoleStream(delta int) {
	if m != nil {
		m.ConsoleStreams.Add(float64(delta))
	}
}
