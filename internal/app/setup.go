package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/supportd/supportd/gateway"
	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows"
)

// SearchAttributes are the custom search attributes the conversations need.
var SearchAttributes = map[string]enumspb.IndexedValueType{
	workflows.SupportStatusKey.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	workflows.CustomerPhoneKey.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	workflows.CustomerUserIDKey.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// NewLogger builds the process logger: text in dev, JSON otherwise, unless LOG_FORMAT says.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "" {
		format = "json"
		if cfg.Mode == config.ModeDev {
			format = "text"
		}
	}
	if format == "json" {
		return slog.New(logx.NewMaskingHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(logx.NewMaskingHandler(slog.NewTextHandler(w, opts)))
}

// LoadKB loads KNOWLEDGE_BASE, or the built-in demo shop.
func LoadKB(cfg *config.Config) (*kb.KnowledgeBase, error) {
	if cfg.KnowledgeBase == "" {
		return kb.Default(), nil
	}
	k, err := kb.Load(cfg.KnowledgeBase)
	if err != nil {
		return nil, fmt.Errorf("KNOWLEDGE_BASE: %w", err)
	}
	return k, nil
}

// OpenRedis connects to REDIS_URL.
func OpenRedis(ctx context.Context, url string) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a valid redis:// URL")
	}
	rdb := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		// Redis is a mirror and a fast path: start anyway and let /readyz report it.
		slog.Default().Warn("redis does not answer yet", "addr", opts.Addr, "error", err)
	}
	return rdb, nil
}

// DialTemporal connects to Temporal, waiting up to a minute for it to come up.
func DialTemporal(ctx context.Context, address, namespace string, logger *slog.Logger, metrics client.MetricsHandler) (client.Client, error) {
	var lastErr error
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		c, err := client.DialContext(ctx, client.Options{
			HostPort:       address,
			Namespace:      namespace,
			Logger:         tlog.NewStructuredLogger(logger.With("component", "temporal-sdk")),
			MetricsHandler: metrics,
		})
		if err == nil {
			return c, nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
		logger.Warn("waiting for Temporal", "address", address, "error", err)
	}
	return nil, fmt.Errorf("TEMPORAL_ADDRESS %s: %w", address, lastErr)
}

// EnsureSearchAttributes registers SupportStatus and CustomerPhone on the namespace when they are missing.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	op := c.OperatorService()
	have, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		logger.Warn("could not list search attributes; create SupportStatus and CustomerPhone (Keyword) by hand", "error", err)
		return
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range SearchAttributes {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		return
	}
	if _, err := op.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing}); err != nil {
		logger.Warn("could not add search attributes; create SupportStatus and CustomerPhone (Keyword) by hand", "error", err)
		return
	}
	logger.Info("search attributes registered", "namespace", namespace)
}

// The HTTP server's timeouts. A request's headers must arrive within readHeaderTimeout, and its body within
// gateway.DefaultBodyTimeout after them: the gateway sets that deadline on each request itself, and
// ReadTimeout holds the same bound for handlers that do not (a worker's /metrics). A keep-alive connection
// left idle for idleTimeout is closed; that is longer than the 60 s proxies and load balancers commonly
// keep theirs open, so that the gateway does not close one a proxy is about to reuse. There is no write
// timeout: a console's event stream is answered for as long as it is open.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = readHeaderTimeout + gateway.DefaultBodyTimeout
	idleTimeout       = 2 * time.Minute
)

// Serve runs an HTTP server on addr; the returned function stops it, letting in-flight requests finish.
// onShutdown runs when the stop begins: it ends requests that never finish by themselves (event streams).
func Serve(addr string, h http.Handler, onShutdown ...func()) (func(context.Context) error, <-chan error, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, IdleTimeout: idleTimeout}
	for _, f := range onShutdown {
		srv.RegisterOnShutdown(f)
	}
	errc := make(chan error, 1)
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
		close(errc)
	}()
	return srv.Shutdown, errc, nil
}

// LocalURL is the address a person on this machine opens for a listen address such as ":8080".
func LocalURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" || host == "127.0.0.1" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
