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
	"net/http"
	"net/http/httptest"
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
}

// StartBare starts the bare worker and handler.
func StartBare(o BareOptions) (*Bare, error) {
	if o.KB == nil {
		o.KB = kb.Default()
	}
	acts := &bareActivities{engine: nlp.New(o.KB), wa: whatsapp.NewClient(o.GraphURL, o.PhoneNumberID, o.AccessToken, &http.Client{Timeout: 15 * time.Second})}
	// The same worker settings as supportd's: the comparison is of the designs, not of the tuning.
	w := worker.New(o.Client, o.TaskQueue, supportdworker.SDKOptions(0))
	w.RegisterWorkflowWithOptions(bareWorkflow, workflow.RegisterOptions{Name: bareWorkflowName})
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/whatsapp", func(rw http.ResponseWriter, r *http.Request) {
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
	})
	return &Bare{worker: w, srv: httptest.NewServer(mux)}, nil
}

// Base is the handler's base URL; webhooks go to Base() + "/webhooks/whatsapp".
func (b *Bare) Base() string { return b.srv.URL }

// Stop stops the handler and the worker.
func (b *Bare) Stop() {
	b.srv.Close()
	b.worker.Stop()
}
