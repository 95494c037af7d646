// Package bench measures supportd against a bare Temporal baseline on the same Temporal server, in the
// same run, and prints the ratios with their targets. Benchmarks in integration/ (embedded server) and
// topology/ (a server on PostgreSQL, the production build in processes) drive it; see README, "Benchmark".
//
// The bare baseline is the least any design could do per WhatsApp message: a minimal HTTP handler checks
// the webhook's signature, parses it and calls SignalWithStart; the workflow, one per customer, receives
// the signal, runs a local activity that looks the answer up in the knowledge base (the local engine's
// Answer) and sends it with one activity through the same WhatsApp client to the same fake Graph API. Both
// sides are measured the same way: from posting the signed webhook to the answer reaching the Graph API.
package bench

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/nlp"
	"github.com/supportd/supportd/whatsapp"
	supportdworker "github.com/supportd/supportd/worker"
)

const (
	bareWorkflowName = "BareConversation"
	bareSignal       = "message"
	// BarePrefix starts the workflow id of a bare conversation.
	BarePrefix = "bare-"
)

// bareMessage is what the bare handler signals.
type bareMessage struct {
	ID   string
	Text string
}

// bareActivities are the bare workflow's two steps.
type bareActivities struct {
	engine *nlp.Engine
	wa     *whatsapp.Client
}

// Answer looks the answer up in the knowledge base; a message it does not answer gets a fixed greeting.
func (a *bareActivities) Answer(ctx context.Context, text string) (string, error) {
	ans, err := a.engine.Answer(ctx, ai.AnswerRequest{Text: text})
	if err != nil {
		return "", err
	}
	if !ans.Grounded {
		return "Hello! How can I help?", nil
	}
	return ans.Text, nil
}

// Send sends the answer to the customer.
func (a *bareActivities) Send(ctx context.Context, to, text string) error {
	_, err := a.wa.SendText(ctx, to, text)
	return err
}

// bareWorkflow answers each message in turn: signal → local activity → activity.
func bareWorkflow(ctx workflow.Context, phone string) error {
	var a *bareActivities
	messages := workflow.GetSignalChannel(ctx, bareSignal)
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{ScheduleToCloseTimeout: 5 * time.Second})
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 20 * time.Second})
	for {
		var m bareMessage
		messages.Receive(ctx, &m)
		var answer string
		if err := workflow.ExecuteLocalActivity(lctx, a.Answer, m.Text).Get(ctx, &answer); err != nil {
			return err
		}
		if err := workflow.ExecuteActivity(actx, a.Send, phone, answer).Get(ctx, nil); err != nil {
			return err
		}
	}
}

// Bare is a running bare baseline: its worker and its webhook handler.
type Bare struct {
	worker worker.Worker
	srv    *httptest.Server
}

// BareOptions configures the baseline.
type BareOptions struct {
	Client    client.Client
	TaskQueue string
	AppSecret string
	// Graph API base URL, phone number id and access token, as for supportd.
	GraphURL, PhoneNumberID, AccessToken string
	KB                                   *kb.KnowledgeBase
	// Role is what to run: the worker and the webhook handler (the default), or one of them, for a
	// baseline deployed as processes like supportd's workers and gateways.
	Role BareRole
	// Listener is where the handler and /readyz listen; nil for a local test server on a free port.
	Listener net.Listener
}

// BareRole says which part of the baseline a process runs.
type BareRole string

// The parts of the baseline.
const (
	BareBoth    BareRole = ""
	BareWorker  BareRole = "worker"
	BareHandler BareRole = "handler"
)

// StartBare starts the bare worker and handler.
func StartBare(o BareOptions) (*Bare, error) {
	if o.KB == nil {
		o.KB = kb.Default()
	}
	b := &Bare{}
	if o.Role != BareHandler {
		acts := &bareActivities{engine: nlp.New(o.KB), wa: whatsapp.NewClient(o.GraphURL, o.PhoneNumberID, o.AccessToken, &http.Client{Timeout: 15 * time.Second})}
		// The same worker settings as supportd's: the comparison is of the designs, not of the tuning.
		b.worker = worker.New(o.Client, o.TaskQueue, supportdworker.SDKOptions(0))
		b.worker.RegisterWorkflowWithOptions(bareWorkflow, workflow.RegisterOptions{Name: bareWorkflowName})
		b.worker.RegisterActivity(acts)
		if err := b.worker.Start(); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(http.StatusOK) })
	if o.Role != BareWorker {
		mux.HandleFunc("POST /webhooks/whatsapp", handler(o))
	}
	b.srv = httptest.NewUnstartedServer(mux)
	if o.Listener != nil {
		b.srv.Listener.Close()
		b.srv.Listener = o.Listener
	}
	b.srv.Start()
	return b, nil
}

// handler checks a webhook's signature, parses it and signals each message to its customer's workflow.
func handler(o BareOptions) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(rw, "read", http.StatusBadRequest)
			return
		}
		if err := whatsapp.VerifySignature(o.AppSecret, body, r.Header.Get("X-Hub-Signature-256")); err != nil {
			http.Error(rw, "signature", http.StatusUnauthorized)
			return
		}
		n, err := whatsapp.Parse(body)
		if err != nil {
			http.Error(rw, "malformed", http.StatusBadRequest)
			return
		}
		for _, m := range n.Messages() {
			id := BarePrefix + m.From
			if _, err := o.Client.SignalWithStartWorkflow(r.Context(), id, bareSignal, bareMessage{ID: m.ID, Text: m.Text},
				client.StartWorkflowOptions{ID: id, TaskQueue: o.TaskQueue}, bareWorkflowName, m.From); err != nil {
				http.Error(rw, "temporal", http.StatusServiceUnavailable)
				return
			}
		}
		rw.WriteHeader(http.StatusOK)
	}
}

// Base is the handler's base URL; webhooks go to Base() + "/webhooks/whatsapp".
func (b *Bare) Base() string { return b.srv.URL }

// Stop stops the handler and the worker.
func (b *Bare) Stop() {
	b.srv.Close()
	if b.worker != nil {
		b.worker.Stop()
	}
}

// RunBareProcess runs one part of the baseline (BARE_ROLE: worker or handler) as a process until SIGTERM or
// SIGINT, configured as supportd's processes are: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
// WHATSAPP_APP_SECRET, WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, and HTTP_ADDR for
// the handler's webhooks and /readyz.
func RunBareProcess(getenv func(string) string) error {
	tc, err := client.Dial(client.Options{HostPort: getenv("TEMPORAL_ADDRESS"), Namespace: getenv("TEMPORAL_NAMESPACE"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer tc.Close()
	l, err := net.Listen("tcp", getenv("HTTP_ADDR"))
	if err != nil {
		return err
	}
	b, err := StartBare(BareOptions{Client: tc, TaskQueue: getenv("TEMPORAL_TASK_QUEUE"), AppSecret: getenv("WHATSAPP_APP_SECRET"),
		GraphURL: getenv("WHATSAPP_API_URL"), PhoneNumberID: getenv("WHATSAPP_PHONE_NUMBER_ID"), AccessToken: getenv("WHATSAPP_ACCESS_TOKEN"),
		Role: BareRole(getenv("BARE_ROLE")), Listener: l})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	b.Stop()
	return nil
}
