package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTemporalHandlerExposesSDKMetrics(t *testing.T) {
	m := New()
	h := m.TemporalHandler().WithTags(map[string]string{"task_queue": "q", "namespace": "default"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(1) // extra tag dropped
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_activity_execution_latency").Record(150 * time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`temporal_request_total{namespace="default",task_queue="q"} 3`,
		`temporal_num_pollers{namespace="default",task_queue="q"} 3`,
		`temporal_activity_execution_latency_seconds_count{namespace="default",task_queue="q"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
