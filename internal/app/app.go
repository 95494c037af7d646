// Package app wires supportd's parts from the configuration: the clients, the Temporal worker, the gateway,
// the agent console and the customer simulator. The supportd command and the integration tests start
// supportd through it, so they run exactly the same wiring.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/supportd/supportd/activities"
	"github.com/supportd/supportd/gateway"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/metrics"
	"github.com/supportd/supportd/simulator"
	"github.com/supportd/supportd/slackapp"
	"github.com/supportd/supportd/store"
	"github.com/supportd/supportd/web"
	"github.com/supportd/supportd/worker"
)

// Options says what to run.
type Options struct {
	Config *config.Config
	Logger *slog.Logger
	Redis  *redis.Client
	// Worker runs the Temporal worker; Gateway the HTTP gateway; Simulator adds the customer simulator.
	Worker, Gateway, Simulator bool
}

// App is a started supportd process.
type App struct {
	// Handler serves the gateway, or a worker-only process's /metrics, /healthz and /readyz.
	Handler http.Handler
	// Engine names the AI engine in use.
	Engine    string
	Simulator bool
	Temporal  client.Client
	Metrics   *metrics.Metrics

	worker  sdkworker.Worker
	gateway *gateway.Server
}

// StopGrace bounds how long in-flight activities may take to finish when the worker stops.
const StopGrace = 25 * time.Second

// Start connects to Temporal, starts the worker if asked and builds the HTTP handler.
func Start(ctx context.Context, o Options) (*App, error) {
	cfg, logger := o.Config, o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	k, err := LoadKB(cfg)
	if err != nil {
		return nil, err
	}
	st := store.New(o.Redis)
	m := metrics.New()
	sdkMetrics, err := m.TemporalHandler()
	if err != nil {
		return nil, err
	}
	tc, err := DialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, logger, sdkMetrics)
	if err != nil {
		return nil, err
	}
	a := &App{Engine: worker.EngineName(cfg), Simulator: o.Simulator, Temporal: tc, Metrics: m}
	EnsureSearchAttributes(ctx, tc, cfg.TemporalNamespace, logger)

	var slackClient *slackapp.Client
	if cfg.SlackEnabled() {
		if slackClient, err = slackapp.New(slackapp.Config{Token: cfg.SlackBotToken, APIURL: cfg.SlackAPIURL}); err != nil {
			tc.Close()
			return nil, fmt.Errorf("SLACK_BOT_TOKEN / SLACK_API_URL: %w", err)
		}
	}
	// The customer simulator exists only in supportd dev: anywhere else a worker without WhatsApp credentials
	// would report ready while every reply went to an outbox nobody reads.
	if o.Simulator && cfg.Mode != config.ModeDev {
		tc.Close()
		return nil, fmt.Errorf("the customer simulator runs only in supportd dev, not in supportd %s", cfg.Mode)
	}
	var outbox *simulator.Outbox
	if o.Simulator && !cfg.WhatsAppEnabled() {
		outbox = simulator.NewOutbox(o.Redis)
	}
	if o.Worker && outbox == nil && !cfg.WhatsAppEnabled() {
		tc.Close()
		return nil, errors.New("WHATSAPP_ACCESS_TOKEN is required: without it no reply reaches WhatsApp (the simulator is only in supportd dev)")
	}

	if o.Worker {
		opts := worker.Options{Config: cfg, KB: k, Store: st, Metrics: m, Logger: logger}
		if outbox != nil {
			opts.Sender = outbox
		}
		if slackClient != nil {
			opts.Notifier = activities.SlackNotifier{Slack: &slackapp.Notifier{Client: slackClient, Channel: cfg.SlackChannelID, PublicURL: cfg.PublicURL,
				Mention: cfg.SlackEscalationMention, Threads: st, Metrics: m, Logger: logger}}
		}
		acts, err := worker.NewActivities(opts)
		if err != nil {
			tc.Close()
			return nil, err
		}
		// The sticky cache is the process's: the size of the first worker started wins.
		sdkworker.SetStickyWorkflowCacheSize(cfg.WorkerCacheSize)
		a.worker = sdkworker.New(tc, cfg.TemporalTaskQueue, worker.SDKOptions(StopGrace))
		worker.Register(a.worker, acts)
		if err := a.worker.Start(); err != nil {
			tc.Close()
			return nil, fmt.Errorf("start worker on task queue %s: %w", cfg.TemporalTaskQueue, err)
		}
		logger.Info("worker started", "task_queue", cfg.TemporalTaskQueue, "ai", a.Engine)
	}

	switch {
	case o.Gateway:
		gopts := gateway.Options{
			Temporal: tc, Namespace: cfg.TemporalNamespace, TaskQueue: cfg.TemporalTaskQueue, Store: st, Logger: logger,
			WhatsAppAppSecret: cfg.WhatsAppAppSecret, WhatsAppVerifyToken: cfg.WhatsAppVerifyToken,
			SlackSigningSecret: cfg.SlackSigningSecret, SlackChannelID: cfg.SlackChannelID,
			AgentAPIToken: cfg.AgentAPIToken, TemporalUIURL: cfg.TemporalUIURL, TrustedProxies: cfg.TrustedProxies,
			Console: web.Console(), Metrics: m,
		}
		if slackClient != nil {
			gopts.Slack = slackClient
		}
		var sim *simulator.Handler
		if outbox != nil {
			sim = &simulator.Handler{Page: web.Simulator(), Outbox: outbox, AppSecret: cfg.WhatsAppAppSecret}
			gopts.Simulator = sim
		}
		gw := gateway.New(gopts)
		if sim != nil {
			sim.Webhook = gw
		}
		a.Handler, a.gateway = gw, gw
		if cfg.AgentAPIToken == "" {
			logger.Warn("AGENT_API_TOKEN is not set: the agent API and console are off")
		}
		if w := cfg.MediaStoreWarning(); w != "" {
			logger.Warn(w)
		}
	case cfg.MetricsAddr != "":
		a.Handler = workerHandler(tc, st, m)
	}
	return a, nil
}

// CloseStreams ends the agent consoles' event streams, which would otherwise keep an HTTP server's graceful
// shutdown waiting; pass it to Serve.
func (a *App) CloseStreams() {
	if a.gateway != nil {
		a.gateway.CloseStreams()
	}
}

// Stop lets the gateway's work after answered requests finish, drains the worker and closes the Temporal
// connection. Stop the HTTP server first.
func (a *App) Stop() {
	if a.gateway != nil {
		ctx, cancel := context.WithTimeout(context.Background(), StopGrace)
		if err := a.gateway.Drain(ctx); err != nil {
			slog.Default().Warn("gateway work after answered requests not finished", "error", err)
		}
		cancel()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	a.Temporal.Close()
}

// workerHandler serves /metrics, /healthz and /readyz for a worker-only process.
func workerHandler(tc client.Client, st *store.Store, m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := gateway.CheckDependencies(ctx, tc, st); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}
