package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
)

func runWorker(ctx context.Context, cfg *config.Config, stderr io.Writer) error {
	logger := app.NewLogger(cfg, stderr)
	rdb, err := app.OpenRedis(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return serve(ctx, app.Options{Config: cfg, Logger: logger, Redis: rdb, Worker: true}, cfg.MetricsAddr, nil)
}

func runGateway(ctx context.Context, cfg *config.Config, stderr io.Writer) error {
	logger := app.NewLogger(cfg, stderr)
	rdb, err := app.OpenRedis(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return serve(ctx, app.Options{Config: cfg, Logger: logger, Redis: rdb, Gateway: true}, cfg.HTTPAddr, nil)
}

// serve starts supportd, serves HTTP on addr, and on SIGINT/SIGTERM stops taking requests, lets those in
// flight finish (a webhook is acknowledged only once Temporal holds it), then drains the worker.
func serve(ctx context.Context, o app.Options, addr string, ready func(*app.App)) error {
	logger := o.Logger
	slog.SetDefault(logger)
	a, err := app.Start(ctx, o)
	if err != nil {
		return err
	}
	shutdown := func(context.Context) error { return nil }
	var errc <-chan error
	if a.Handler != nil && addr != "" {
		if shutdown, errc, err = app.Serve(addr, a.Handler, a.CloseStreams); err != nil {
			a.Stop()
			env := "HTTP_ADDR"
			if !o.Gateway {
				env = "METRICS_ADDR"
			}
			return fmt.Errorf("%s: %w", env, err)
		}
		logger.Info("listening", "addr", addr)
	}
	if ready != nil {
		ready(a)
	}
	select {
	case <-ctx.Done():
		logger.Info("shutting down: finishing in-flight requests and activities")
	case err = <-errc:
		logger.Error("http server stopped", "error", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), app.StopGrace)
	defer cancel()
	if serr := shutdown(sctx); serr != nil {
		logger.Warn("http shutdown", "error", serr)
	}
	a.Stop()
	logger.Info("stopped")
	return err
}
