// Package worker builds supportd's Temporal worker: it turns the configuration into clients, wraps them as
// activities and registers the conversation workflow.
package worker

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/supportd/supportd/workflows/conversation"

	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/llm"
	"github.com/supportd/supportd/nlp"
	"github.com/supportd/supportd/whatsapp"
	"github.com/supportd/supportd/workflows"
)

// Options are what the worker is built from.
type Options struct {
	Config  *config.Config
	KB      *kb.KnowledgeBase
	Store   conversation.StatusMirror
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Sender replaces the WhatsApp Graph API client (the simulator's outbox in dev mode).
	Sender conversation.Sender
	// Notifier tells agents about handoffs (Slack); nil when only the console is used.
	Notifier conversation.Notifier
}

// sendTimeout bounds one Graph API call.
const sendTimeout = 15 * time.Second

// NewActivities builds the activities from the configuration: the OpenAI-compatible engine when an API key is
// set, else the local engine; the WhatsApp client unless a sender is given.
func NewActivities(o Options) (*activities.Activities, error) {
	cfg := o.Config
	engine, name, err := NewEngine(cfg, o.KB)
	if err != nil {
		return nil, err
	}
	var fallback ai.Engine
	if name != nlp.EngineName {
		fallback = nlp.New(o.KB) // writes the agents' summary when the model cannot
	}
	sender := o.Sender
	if sender == nil {
		if !cfg.WhatsAppEnabled() {
			return nil, fmt.Errorf("WHATSAPP_ACCESS_TOKEN is required: the worker has no other way to reach customers")
		}
		c := whatsapp.NewClient(cfg.WhatsAppAPIURL, cfg.WhatsAppPhoneNumberID, cfg.WhatsAppAccessToken, &http.Client{Timeout: sendTimeout})
		sender = whatsapp.NewSender(c, o.Metrics)
	}
	once := &activities.SendOnce{Wait: cfg.WhatsAppStatusWait, SendTimeout: sendTimeout, Logger: o.Logger, Metrics: o.Metrics}
	if ledger, ok := o.Store.(activities.SendLedger); ok {
		once.Ledger = ledger
	}
	turns, _ := o.Store.(activities.TurnFence)
	return &activities.Activities{
		Turns:    turns,
		Engine:   measuredEngine{Engine: engine, name: name, metrics: o.Metrics},
		Fallback: fallback,
		Words:    words{},
		KB:       o.KB,
		Sender:   sender,
		Notifier: o.Notifier,
		Store:    o.Store,
		Once:     once,
		Settings: activities.Settings{IdleTimeout: cfg.HandoffIdleTimeout, LocalEngine: name == nlp.EngineName, CSAT: cfg.CSAT, BotTurnsPerMinute: cfg.BotTurnsPerMinute,
			UnclaimedTimeout: cfg.HandoffUnclaimedTimeout, ReplyTemplate: cfg.WhatsAppReplyTemplate, ReplyTemplateLanguage: cfg.WhatsAppReplyTemplateLanguage},
		Logger:  o.Logger,
		Metrics: o.Metrics,
	}, nil
}

// NewEngine is the AI engine a configuration asks for: the OpenAI-compatible one when an API key is set, else
// the local engine; name is its conversation.Classification.Engine ("llm" or "local").
func NewEngine(cfg *config.Config, k *kb.KnowledgeBase) (engine ai.Engine, name string, err error) {
	if !cfg.LLMEnabled() {
		return nlp.New(k), nlp.EngineName, nil
	}
	e, err := llm.New(llm.Config{BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey, Model: cfg.OpenAIModel}, k)
	if err != nil {
		return nil, "", fmt.Errorf("OPENAI_BASE_URL / OPENAI_MODEL: %w", err)
	}
	return e, llm.EngineName, nil
}

// EngineName says which engine NewActivities picks for a configuration.
func EngineName(cfg *config.Config) string {
	if cfg.LLMEnabled() {
		return fmt.Sprintf("OpenAI-compatible model %s at %s", cfg.OpenAIModel, cfg.OpenAIBaseURL)
	}
	return "local engine (no OPENAI_API_KEY): knowledge-base retrieval, rules and VADER sentiment"
}

// SDKOptions are the Temporal worker's settings. Pollers scale with the server's feedback instead of the SDK's
// two per kind: with two fixed workflow-task pollers, which alternate between the task queue and the worker's
// sticky queue, a burst of new conversations waited up to 2.5 s for its first workflow task on a server with a
// partitioned task queue (PostgreSQL topology, 20 new customers at once).
func SDKOptions(stopTimeout time.Duration) sdkworker.Options {
	pollers := sdkworker.PollerBehaviorAutoscalingOptions{InitialNumberOfPollers: 4, MaximumNumberOfPollers: 32}
	return sdkworker.Options{
		WorkerStopTimeout:          stopTimeout,
		WorkflowTaskPollerBehavior: sdkworker.NewPollerBehaviorAutoscaling(pollers),
		ActivityTaskPollerBehavior: sdkworker.NewPollerBehaviorAutoscaling(pollers),
	}
}

// Register registers the conversation workflow and the activities on a worker.
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.ConversationWorkflow, workflow.RegisterOptions{Name: workflows.WorkflowName})
	r.RegisterActivity(acts)
}

// words reads customers' words with the local engine's language tools, whichever engine classifies.
type words struct{}

func (words) Topic(text, faqID string, recent []conversation.Turn) string {
	return nlp.Topic(text, faqID, recent)
}
func (words) Affirmative(text string) bool { return nlp.Affirmative(text) }
func (words) Negative(text string) bool    { return nlp.Negative(text) }
