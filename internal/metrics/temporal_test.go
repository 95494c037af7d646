package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTemporalHandlerExposesSDKMetrics(t *testing.T) {
	m := New()
	th, err := m.TemporalHandler()
	if err != nil {
		t.Fatal(err)
	}
	h := th.WithTags(map[string]string{"task_queue": "q", "namespace": "default"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(1) // a series of its own
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_activity_execution_latency").Record(150 * time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`temporal_request_total{namespace="default",task_queue="q"} 2`,
		`temporal_request_total{namespace="default",operation="Poll",task_queue="q"} 1`,
		`temporal_num_pollers{namespace="default",task_queue="q"} 3`,
		`temporal_activity_execution_latency_seconds_count{namespace="default",task_queue="q"} 1`,
		`temporal_activity_execution_latency_seconds_bucket{namespace="default",task_queue="q",le="0.25"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}
