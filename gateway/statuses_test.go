package gateway_test

import (
	"context"
	"github.com/supportd/supportd/workflows/conversation"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/gateway"
	"github.com/supportd/supportd/internal/testkit"
	"github.com/supportd/supportd/store"
)

const secret = "gateway-test-secret"

func statusGateway(t *testing.T) (*gateway.Server, *store.Store, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	st := store.New(rdb)
	return gateway.New(gateway.Options{Store: st, WhatsAppAppSecret: secret, Temporal: noConversations{}}), st, mr
}

// noConversations is a Temporal that knows no conversation: a failed status has nobody to tell.
type noConversations struct{ client.Client }

func (noConversations) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	return &workflowservice.ListWorkflowExecutionsResponse{}, nil
}

func (noConversations) SignalWorkflow(context.Context, string, string, string, any) error {
	return serviceerror.NewNotFound("workflow not found")
}

func postStatuses(t *testing.T, gw http.Handler, hook *testkit.WhatsAppWebhook, statuses ...testkit.WhatsAppStatus) int {
	t.Helper()
	events := make([]testkit.WhatsAppEvent, len(statuses))
	for i, s := range statuses {
		events[i] = s
	}
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, hook.SignedRequest("/webhooks/whatsapp", hook.Body(events...)))
	return rec.Code
}

func tagged(hook *testkit.WhatsAppWebhook, wamid, status, tag string) testkit.WhatsAppStatus {
	s := hook.Status(wamid, "27820000001", status)
	s.CallbackData = tag
	return s
}

func TestStatusesOfTaggedSendsAreRecorded(t *testing.T) {
	gw, st, _ := statusGateway(t)
	hook := testkit.NewWhatsAppWebhook(secret)
	tag := activities.SendTag("conversation-27820000001", "run", "7")

	// read arrives first, then the late sent, then read again; in two webhooks.
	if code := postStatuses(t, gw, hook, tagged(hook, "wamid.A", "read", tag)); code != http.StatusOK {
		t.Fatalf("status webhook answered %d", code)
	}
	if code := postStatuses(t, gw, hook, tagged(hook, "wamid.A", "sent", tag), tagged(hook, "wamid.A", "read", tag)); code != http.StatusOK {
		t.Fatalf("status webhook answered %d", code)
	}
	rec, found, err := st.SendRecord(t.Context(), tag)
	if err != nil || !found || rec != (conversation.SendRecord{MessageID: "wamid.A", Status: "read"}) {
		t.Fatalf("record %+v found %v, %v; want wamid.A read", rec, found, err)
	}

	// Another tool's callback data, an untagged status and a voice "played" are not recorded.
	other := activities.SendTag("conversation-27820000001", "run", "8")
	postStatuses(t, gw, hook,
		tagged(hook, "wamid.B", "sent", "campaign-42"),
		tagged(hook, "wamid.C", "played", other),
		hook.Status("wamid.D", "27820000001", "delivered"))
	if _, found, _ := st.SendRecord(t.Context(), "campaign-42"); found {
		t.Error("another tool's callback data recorded")
	}
	if _, found, _ := st.SendRecord(t.Context(), other); found {
		t.Error("a played status recorded")
	}
}

func TestFailedStatusIsRecordedLoggedAndCounted(t *testing.T) {
	gw, st, _ := statusGateway(t)
	hook := testkit.NewWhatsAppWebhook(secret)
	tag := activities.SendTag("conversation-27820000001", "run", "9")
	failed := hook.FailedStatus("wamid.F", "27820000001", 131047)
	failed.CallbackData = tag
	if code := postStatuses(t, gw, hook, failed); code != http.StatusOK {
		t.Fatalf("status webhook answered %d", code)
	}
	if rec, _, _ := st.SendRecord(t.Context(), tag); rec.Status != "failed" || rec.MessageID != "wamid.F" {
		t.Fatalf("record %+v, want wamid.F failed", rec)
	}
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if !strings.Contains(string(body), `supportd_downstream_errors_total{api="whatsapp",code="131047"} 1`) {
		t.Errorf("failed status not counted:\n%s", body)
	}
}

func TestStatusesAreAnswered200WhenRedisIsDown(t *testing.T) {
	gw, _, mr := statusGateway(t)
	mr.Close()
	hook := testkit.NewWhatsAppWebhook(secret)
	tag := activities.SendTag("conversation-27820000001", "run", "10")
	code := postStatuses(t, gw, hook, tagged(hook, "wamid.A", "sent", tag), tagged(hook, "wamid.A", "delivered", tag))
	if code != http.StatusOK {
		t.Fatalf("status webhook answered %d with redis down, want 200", code)
	}
}
