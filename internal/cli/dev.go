//go:build !nodev

package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/app"
	"github.com/supportd/supportd/internal/config"
)

// devSecrets are generated once per DATA_DIR, so that a restart keeps the console signed in and old
// simulator webhooks valid.
type devSecrets struct {
	WhatsAppAppSecret string `json:"whatsapp_app_secret"`
	AgentAPIToken     string `json:"agent_api_token"`
}

func runDev(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) error {
	logger := app.NewLogger(cfg, stderr)
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("DATA_DIR %s: %w", cfg.DataDir, err)
	}
	generated, err := fillDevSecrets(cfg)
	if err != nil {
		return err
	}

	var uiURL string
	if cfg.TemporalAddress == "" {
		srv, err := devserver.Start(devserver.Options{
			Port:             cfg.TemporalDevPort,
			UIPort:           cfg.TemporalUIPort,
			Namespace:        cfg.TemporalNamespace,
			DatabaseFile:     filepath.Join(cfg.DataDir, "temporal.db"),
			SearchAttributes: app.SearchAttributes,
			Logger:           logger,
			HistoryCacheSize: cfg.DevHistoryCacheSize,
			EventsCacheBytes: cfg.DevEventsCacheBytes,
		})
		if err != nil {
			return fmt.Errorf("embedded Temporal (TEMPORAL_DEV_PORT %d, TEMPORAL_UI_PORT %d): %w", cfg.TemporalDevPort, cfg.TemporalUIPort, err)
		}
		defer srv.Stop()
		cfg.TemporalAddress = srv.Address()
		uiURL = srv.UIURL()
	}
	if cfg.TemporalUIURL == "" {
		cfg.TemporalUIURL = uiURL
	}

	var rdb *redis.Client
	if cfg.RedisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return fmt.Errorf("embedded Redis: %w", err)
		}
		defer mr.Close()
		rdb = redis.NewClient(&redis.Options{Addr: mr.Addr()})
	} else {
		if rdb, err = app.OpenRedis(ctx, cfg.RedisURL); err != nil {
			return err
		}
	}
	defer rdb.Close()

	o := app.Options{Config: cfg, Logger: logger, Redis: rdb, Worker: true, Gateway: true, Simulator: !cfg.WhatsAppEnabled()}
	return serve(ctx, o, cfg.HTTPAddr, func(a *app.App) { printBanner(stdout, cfg, a, generated) })
}

// fillDevSecrets uses the configured secrets, or those stored in DATA_DIR, or generates and stores new ones.
// It reports which were generated, so the banner can print them.
func fillDevSecrets(cfg *config.Config) (map[string]bool, error) {
	path := filepath.Join(cfg.DataDir, "secrets.json")
	var s devSecrets
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &s)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("DATA_DIR: read %s: %w", path, err)
	}
	generated := map[string]bool{}
	fill := func(env string, configured *string, stored *string) {
		if *configured != "" {
			return
		}
		if *stored == "" {
			*stored = randomToken()
		}
		*configured = *stored
		generated[env] = true
	}
	fill("WHATSAPP_APP_SECRET", &cfg.WhatsAppAppSecret, &s.WhatsAppAppSecret)
	fill("AGENT_API_TOKEN", &cfg.AgentAPIToken, &s.AgentAPIToken)
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("DATA_DIR: write %s: %w", path, err)
	}
	return generated, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func printBanner(w io.Writer, cfg *config.Config, a *app.App, generated map[string]bool) {
	base := app.LocalURL(cfg.HTTPAddr)
	secret := func(env, value string) string {
		if generated[env] {
			return value + "  (generated; set " + env + " to choose your own)"
		}
		return "(from " + env + ")"
	}
	fmt.Fprintf(w, "\nsupportd dev is running (%s)\n\n", time.Now().Format("15:04:05"))
	fmt.Fprintf(w, "  Agent console       %s/agent/\n", base)
	fmt.Fprintf(w, "  Agent API token     %s\n", secret("AGENT_API_TOKEN", cfg.AgentAPIToken))
	if a.Simulator {
		fmt.Fprintf(w, "  Customer simulator  %s/simulator/\n", base)
	}
	fmt.Fprintf(w, "  WhatsApp webhook    %s/webhooks/whatsapp\n", base)
	fmt.Fprintf(w, "  WhatsApp app secret %s\n", secret("WHATSAPP_APP_SECRET", cfg.WhatsAppAppSecret))
	if cfg.TemporalUIURL != "" {
		fmt.Fprintf(w, "  Temporal UI         %s/namespaces/%s/workflows\n", cfg.TemporalUIURL, cfg.TemporalNamespace)
	}
	fmt.Fprintf(w, "  Temporal            %s (namespace %s, task queue %s)\n", cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TemporalTaskQueue)
	fmt.Fprintf(w, "  AI                  %s\n", a.Engine)
	if cfg.SlackEnabled() {
		fmt.Fprintf(w, "  Slack               handoffs posted to channel %s\n", cfg.SlackChannelID)
	} else {
		fmt.Fprintf(w, "  Slack               off (no SLACK_BOT_TOKEN): handoffs appear in the agent console\n")
	}
	if cfg.WhatsAppEnabled() {
		fmt.Fprintf(w, "  WhatsApp            sending through %s\n", cfg.WhatsAppAPIURL)
	} else {
		fmt.Fprintf(w, "  WhatsApp            off (no WHATSAPP_ACCESS_TOKEN): replies go to the customer simulator\n")
	}
	fmt.Fprintf(w, "  Data                %s\n\nPress Ctrl+C to stop.\n\n", cfg.DataDir)
}
