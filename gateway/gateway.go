// Package gateway is supportd's HTTP side: it verifies and parses webhooks from WhatsApp and Slack, turns
// each event into a message for the customer's conversation workflow, and serves the agent API and console.
// It never decides anything about a conversation: the workflow does.
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/store"
)

// Options configures the gateway.
type Options struct {
	Temporal  client.Client
	Namespace string
	TaskQueue string
	Store     *store.Store
	Logger    *slog.Logger

	WhatsAppAppSecret   string
	WhatsAppVerifyToken string

	SlackSigningSecret string
	SlackChannelID     string
	// Slack posts ephemeral hints and reads agents' names; nil without a Slack token.
	Slack SlackClient

	AgentAPIToken string
	TemporalUIURL string

	// Console and Simulator serve the agent console and the customer simulator; nil turns them off.
	Console   http.Handler
	Simulator http.Handler

	Metrics *Metrics

	// StreamHeartbeat is the interval of the comment lines that keep an idle console event stream open;
	// zero means 15 s.
	StreamHeartbeat time.Duration
	// MaxStreams and MaxAgentStreams cap the console event streams open on this gateway and per agent;
	// zero means DefaultMaxStreams and DefaultMaxAgentStreams.
	MaxStreams, MaxAgentStreams int

	// TrustedProxies are the addresses and CIDRs (TRUSTED_PROXIES) whose X-Forwarded-For (or X-Real-IP) is
	// believed; with none, the client is whoever connected.
	TrustedProxies []string
	// BodyTimeout is how long a request body may take to arrive once its headers have; zero means
	// DefaultBodyTimeout.
	BodyTimeout time.Duration

	// beforeSignal, when set, runs between the fast-path claim of an inbound message and its signal; tests
	// inject faults there.
	beforeSignal func(messageID string) error
}

// Server is the HTTP gateway.
type Server struct {
	opts   Options
	log    *slog.Logger
	engine *gin.Engine
	// work is what runs on after a request was answered (Slack outcomes and hints); Drain waits for it.
	work sync.WaitGroup
	// rebuilding is set while this gateway rebuilds the customer links (customers.go).
	rebuilding atomic.Bool
	// streams are the agent consoles' open event streams (events.go).
	streams streams
}

// backgroundTimeout bounds work that runs on after a request was answered.
const backgroundTimeout = time.Minute

// background runs f after the request that started it was answered. Drain waits for it.
func (s *Server) background(f func(ctx context.Context)) {
	s.work.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), backgroundTimeout)
		defer cancel()
		f(ctx)
	})
}

// Drain ends the console event streams and waits until the work that runs on after answered requests has
// finished, or ctx is done. Call it after the HTTP server has stopped taking requests.
func (s *Server) Drain(ctx context.Context) error {
	s.CloseStreams()
	done := make(chan struct{})
	go func() {
		s.work.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// New builds the gateway and its routes.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	if opts.BodyTimeout <= 0 {
		opts.BodyTimeout = DefaultBodyTimeout
	}
	if opts.MaxStreams <= 0 {
		opts.MaxStreams = DefaultMaxStreams
	}
	if opts.MaxAgentStreams <= 0 {
		opts.MaxAgentStreams = DefaultMaxAgentStreams
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.RemoteIPHeaders = forwardingHeaders
	if err := engine.SetTrustedProxies(opts.TrustedProxies); err != nil {
		// The configuration validates TRUSTED_PROXIES; whatever else was passed is not believed.
		opts.Logger.Error("trusted proxies not understood: forwarding headers are ignored", "error", err)
		_ = engine.SetTrustedProxies(nil)
	}
	s := &Server{opts: opts, log: opts.Logger, engine: engine}
	s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

func (s *Server) routes() {
	r := s.engine
	r.Use(gin.Recovery(), s.bodyDeadline, s.requestID)
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(s.opts.Metrics.Handler()))

	r.GET("/webhooks/whatsapp", s.whatsappSubscribe)
	r.POST("/webhooks/whatsapp", s.whatsappWebhook)
	r.POST("/webhooks/slack/interactions", s.slackInteractions)
	r.POST("/webhooks/slack/events", s.slackEvents)

	api := r.Group("/api", s.agentAuth)
	api.GET("/events", s.events)
	api.GET("/conversations", s.listConversations)
	api.GET("/conversations/:phone", s.getConversation)
	api.GET("/conversations/:phone/messages/:id", s.messageText)
	api.POST("/conversations/:phone/takeover", s.takeover)
	api.POST("/conversations/:phone/reply", s.reply)
	api.POST("/conversations/:phone/message", s.agentMessage)
	api.POST("/conversations/:phone/return-to-bot", s.returnToBot)
	api.POST("/conversations/:phone/keep", s.keep)

	if s.opts.Console != nil {
		r.GET("/agent", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/agent/") })
		r.GET("/agent/*path", gin.WrapH(http.StripPrefix("/agent", s.opts.Console)))
		r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/agent/") })
	}
	if s.opts.Simulator != nil {
		r.GET("/simulator", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/simulator/") })
		r.Any("/simulator/*path", gin.WrapH(http.StripPrefix("/simulator", s.opts.Simulator)))
	}
	r.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
}

type ctxKey int

const loggerKey ctxKey = 0

// requestID tags every request with an id (the caller's X-Request-ID, or a new one) carried by its logs.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Header("X-Request-ID", id)
	logger := s.log.With("request_id", id)
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), loggerKey, logger))
	start := time.Now()
	c.Next()
	if c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/metrics" || c.Request.URL.Path == "/readyz" {
		return
	}
	logger.Debug("http request", "method", c.Request.Method, "path", c.FullPath(), "status", c.Writer.Status(),
		"duration_ms", time.Since(start).Milliseconds())
}

func (s *Server) logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Request.Context().Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return s.log
}

func (s *Server) healthz(c *gin.Context) { c.String(http.StatusOK, "ok\n") }

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if err := CheckDependencies(ctx, s.opts.Temporal, s.opts.Store); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
