package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// temporalRefusals answers a SignalWithStart the way the Temporal client and server refuse requests whose
// content is at fault (each seen in production): a workflow id that is not printable ASCII (gRPC header),
// over the server's length limit, a payload over the blob limit, a request over gRPC's size limit.
func temporalRefusals(workflowID string, msg conversation.Message, input workflows.Input) error {
	if !utf8.ValidString(workflowID) {
		return status.Error(codes.Internal, "grpc: error while marshaling: string field contains invalid UTF-8")
	}
	for i := 0; i < len(workflowID); i++ {
		if c := workflowID[i]; c < 0x20 || c > 0x7e {
			return status.Error(codes.Internal, `header key "temporal-resource-id" contains value with non-printable ASCII characters`)
		}
	}
	if len(workflowID) > 1000 {
		return serviceerror.NewInvalidArgument("WorkflowId exceeds maximum allowed length.")
	}
	signal, _ := json.Marshal(msg)
	start, _ := json.Marshal(input)
	if len(signal)+len(start)+3*len(workflowID) > 4<<20 {
		return status.Errorf(codes.ResourceExhausted, "grpc: received message larger than max (%d vs. %d)", len(signal)+len(start), 4<<20)
	}
	if len(signal) > 2<<20 || len(start) > 2<<20 {
		return serviceerror.NewInvalidArgument("Blob data size exceeds limit.")
	}
	return nil
}

// FuzzWhatsAppWebhook posts signed bodies to the gateway, in front of a Temporal that is up and refuses what
// real Temporal refuses. A body that is not a notification is a 400; any notification is a 200, whatever its
// content: nothing in it can be fixed by Meta delivering it again. Only valid identifiers reach Temporal.
func FuzzWhatsAppWebhook(f *testing.F) {
	fx := newFixture(f)
	hook := fx.hook
	const phone = "27820000009"
	f.Add(hook.Body(hook.Text(phone, "What are your trading hours?")))
	f.Add(hook.Body(hook.ButtonReply(phone, "wamid.OFFER", "handoff_yes", "Yes, a person"), hook.VoiceNote(phone),
		hook.Status("wamid.OUT", phone, "delivered"), hook.Reaction(phone, "wamid.OUT", "")))
	f.Add(rawBody(rawMessage(`2782\u00000009`, "wamid.nul"), rawMessage(phone, "wamid.after")))
	f.Add(rawBody(rawMessage("2782\xff0009", "wamid.utf8")))
	f.Add(rawBody(rawMessage(strings.Repeat("1", 2000), "wamid.long")))
	f.Add(rawBody(rawMessage(phone, strings.Repeat("i", 3000))))
	f.Add(rawBody(`{"from_user_id":"ZA.13491208655302741918","id":"wamid.bsuid","type":"text","text":{"body":"hi"}}`))
	f.Add(rawBody(`{"from":"` + phone + `","id":"wamid.name","type":"text","text":{"body":"hi"}}`)[:40])
	var invalid []string
	fx.temporal.refuse = func(workflowID string, msg conversation.Message, input workflows.Input) error {
		if err := (whatsapp.Message{From: msg.Phone, ID: msg.ID}).Validate(); err != nil {
			invalid = append(invalid, err.Error())
		}
		return temporalRefusals(workflowID, msg, input)
	}
	gw := fx.gateway(nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > MaxWebhookBody {
			return
		}
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, hook.SignedRequest("/webhooks/whatsapp", body))
		if _, err := whatsapp.Parse(body); err != nil {
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("malformed body answered %d, want 400", rec.Code)
			}
			return
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("notification answered %d: %s", rec.Code, rec.Body.String())
		}
		if len(invalid) > 0 {
			t.Fatalf("messages with invalid identifiers reached Temporal: %q", invalid)
		}
	})
}
