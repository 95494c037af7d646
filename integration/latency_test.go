package integration

import (
	"net/http"
	"sort"
	"testing"
	"time"
)

// BenchmarkWebhookToSend measures the time from a signed WhatsApp webhook to the bot's answer reaching the
// Graph API, with an OpenAI-compatible server that answers at once, over b.N questions from 20 customers.
// Run: go test -run '^$' -bench WebhookToSend -benchtime 300x ./integration/
func BenchmarkWebhookToSend(b *testing.B) {
	for _, engine := range []struct {
		name string
		opts []stackOption
	}{{"llm", []stackOption{withOpenAI()}}, {"local", nil}} {
		b.Run(engine.name, func(b *testing.B) {
			s := newStack(b, engine.opts...)
			phones := make([]string, 20)
			for i := range phones {
				phones[i] = newPhone()
			}
			questions := []string{"What are your trading hours?", "How much is delivery?", "Where are you located?",
				"Do you sell gift vouchers?", "What payment methods do you accept?"}
			// Warm up: the first message of each customer starts its workflow.
			for _, p := range phones {
				s.say(p, "Hi")
				s.graph.WaitForMessages(b, p, 1, 30*time.Second)
			}
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p := phones[i%len(phones)]
				have := len(s.graph.Messages(p))
				body := s.hook.Body(s.hook.Text(p, questions[i%len(questions)]))
				start := time.Now()
				if code := s.post(body); code != http.StatusOK {
					b.Fatalf("webhook: %d", code)
				}
				msgs := s.graph.WaitForMessages(b, p, have+1, 30*time.Second)
				took = append(took, msgs[have].At.Sub(start))
			}
			b.StopTimer()
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			pct := func(q float64) float64 {
				return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
			b.Logf("%s: %d messages, p50 %.1f ms, p99 %.1f ms", engine.name, len(took), pct(0.5), pct(0.99))
		})
	}
}
