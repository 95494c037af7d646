// Package config reads supportd's configuration once, from flags and environment variables, into one typed
// struct, and validates it for the command being run. Every error names the variable at fault.
package config

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/handoff"
	"github.com/supportd/supportd/media"
)

// Mode is the command being configured.
type Mode string

// The commands of the supportd binary.
const (
	ModeDev      Mode = "dev"
	ModeWorker   Mode = "worker"
	ModeGateway  Mode = "gateway"
	ModeClassify Mode = "classify"
)

// Config is the whole configuration of a supportd process.
type Config struct {
	Mode Mode

	HTTPAddr  string
	PublicURL string
	DataDir   string

	TemporalAddress   string
	TemporalNamespace string
	TemporalTaskQueue string
	TemporalDevPort   int
	TemporalUIPort    int
	TemporalUIURL     string

	RedisURL string

	WhatsAppAPIURL        string
	WhatsAppAccessToken   string
	WhatsAppPhoneNumberID string
	WhatsAppAppSecret     string
	WhatsAppVerifyToken   string
	WhatsAppStatusWait    time.Duration

	SlackAPIURL        string
	SlackBotToken      string
	SlackSigningSecret string
	SlackChannelID     string

	OpenAIAPIKey  string
	OpenAIBaseURL string
	OpenAIModel   string

	KnowledgeBase string
	// MediaStore is where media is kept (MEDIA_STORE): file:///path or s3://bucket?endpoint=...&region=....
	// Empty outside dev: media is kept as a placeholder (see MediaStoreWarning).
	MediaStore         string
	HandoffIdleTimeout time.Duration
	AgentAPIToken      string
	// TrustedProxies are the addresses and CIDRs of the proxies whose X-Forwarded-For is believed; empty:
	// the header is ignored and the client is whoever connected.
	TrustedProxies []string
	// CSAT is true when customers are asked to rate the help after a hand-back (CSAT=on, the default).
	CSAT bool
	// BotTurnsPerMinute is the most model calls one customer can cause a minute (BOT_TURNS_PER_MINUTE).
	BotTurnsPerMinute int

	// HandoffUnclaimedTimeout is how long, in support hours, a handoff may wait unclaimed before it is
	// escalated once; 0 turns escalation off.
	HandoffUnclaimedTimeout time.Duration
	// SlackEscalationMention is what an escalation mentions in Slack (<!subteam^S0123>, <!here>); empty for none.
	SlackEscalationMention string
	// WhatsAppReplyTemplate is the approved template that carries an agent's reply after the 24-hour window.
	WhatsAppReplyTemplate         string
	WhatsAppReplyTemplateLanguage string

	MetricsAddr string
	LogFormat   string
	LogLevel    string

	// WorkerCacheSize is how many conversations a worker process keeps in memory between their messages
	// (the Temporal SDK's sticky workflow cache); an evicted one is replayed from its history when it next
	// needs the worker.
	WorkerCacheSize int
	// DevHistoryCacheSize and DevEventsCacheBytes bound the embedded Temporal server's caches (dev mode): the
	// workflow states it keeps in memory, and the history events it keeps of them.
	DevHistoryCacheSize int
	DevEventsCacheBytes int64
}

// Var describes one setting: its environment variable (its flag is FlagName of it), default and meaning.
type Var struct {
	Env     string
	Default string
	Usage   string
	Modes   []Mode             // commands that read it
	parse   func(string) error // reads a value into the Config the Var was made for
}

var (
	all      = []Mode{ModeDev, ModeWorker, ModeGateway}
	serving  = []Mode{ModeDev, ModeGateway}
	working  = []Mode{ModeDev, ModeWorker}
	thinking = []Mode{ModeDev, ModeWorker, ModeClassify}
)

// Vars lists every setting supportd reads.
func Vars() []Var { return (&Config{}).vars() }

// vars are the settings, each reading its value into c.
func (c *Config) vars() []Var {
	return []Var{
		{Env: "HTTP_ADDR", Default: ":8080", Usage: "gateway listen address", Modes: serving, parse: text(&c.HTTPAddr)},
		{Env: "PUBLIC_URL", Default: "http://localhost:8080", Usage: "base of links placed in Slack messages and the console", Modes: all, parse: text(&c.PublicURL)},
		{Env: "DATA_DIR", Default: ".data", Usage: "dev mode only: embedded Temporal's SQLite file and other local state", Modes: []Mode{ModeDev}, parse: text(&c.DataDir)},
		{Env: "TEMPORAL_ADDRESS", Usage: "host:port of a Temporal frontend (empty: dev embeds a server)", Modes: all, parse: text(&c.TemporalAddress)},
		{Env: "TEMPORAL_NAMESPACE", Default: "default", Usage: "Temporal namespace", Modes: all, parse: text(&c.TemporalNamespace)},
		{Env: "TEMPORAL_TASK_QUEUE", Default: "support-conversations", Usage: "Temporal task queue of the conversation workflows", Modes: all, parse: text(&c.TemporalTaskQueue)},
		{Env: "TEMPORAL_DEV_PORT", Default: "7233", Usage: "dev mode: embedded Temporal server's gRPC port", Modes: []Mode{ModeDev}, parse: port(&c.TemporalDevPort, false)},
		{Env: "TEMPORAL_UI_PORT", Default: "8233", Usage: "dev mode: embedded Temporal Web UI port; 0 turns it off", Modes: []Mode{ModeDev}, parse: port(&c.TemporalUIPort, true)},
		{Env: "TEMPORAL_UI_URL", Usage: "Temporal Web UI base URL for links in the console and Slack (dev: the embedded UI)", Modes: all, parse: text(&c.TemporalUIURL)},
		{Env: "REDIS_URL", Usage: "Redis URL, e.g. redis://localhost:6379/0 (empty: dev embeds one)", Modes: all, parse: text(&c.RedisURL)},
		{Env: "WHATSAPP_API_URL", Default: "https://graph.facebook.com/v23.0", Usage: "WhatsApp Graph API base URL", Modes: working, parse: text(&c.WhatsAppAPIURL)},
		{Env: "WHATSAPP_ACCESS_TOKEN", Usage: "WhatsApp Cloud API access token; required by the worker (empty in dev: messages go to the built-in simulator)", Modes: all, parse: text(&c.WhatsAppAccessToken)},
		{Env: "WHATSAPP_PHONE_NUMBER_ID", Usage: "WhatsApp business phone number id; required with the access token", Modes: working, parse: text(&c.WhatsAppPhoneNumberID)},
		{Env: "WHATSAPP_APP_SECRET", Usage: "Meta app secret that signs webhooks (X-Hub-Signature-256); dev generates one", Modes: serving, parse: text(&c.WhatsAppAppSecret)},
		{Env: "WHATSAPP_VERIFY_TOKEN", Usage: "token for Meta's webhook subscription check", Modes: serving, parse: text(&c.WhatsAppVerifyToken)},
		{Env: "WHATSAPP_STATUS_WAIT", Default: "5s", Usage: "how long a send retried after a crash waits for WhatsApp's status of the earlier attempt before sending again", Modes: working, parse: duration(&c.WhatsAppStatusWait)},
		{Env: "SLACK_API_URL", Default: "https://slack.com/api/", Usage: "Slack Web API base URL (with trailing /)", Modes: all, parse: text(&c.SlackAPIURL)},
		{Env: "SLACK_BOT_TOKEN", Usage: "Slack bot token (empty: handoffs go to the agent console only)", Modes: all, parse: text(&c.SlackBotToken)},
		{Env: "SLACK_SIGNING_SECRET", Usage: "Slack signing secret (required with SLACK_BOT_TOKEN)", Modes: serving, parse: text(&c.SlackSigningSecret)},
		{Env: "SLACK_CHANNEL_ID", Usage: "Slack channel that receives handoff cards", Modes: all, parse: text(&c.SlackChannelID)},
		{Env: "OPENAI_API_KEY", Usage: "API key of an OpenAI-compatible server (empty: the local engine classifies and answers)", Modes: thinking, parse: text(&c.OpenAIAPIKey)},
		{Env: "OPENAI_BASE_URL", Default: "https://api.openai.com/v1", Usage: "OpenAI-compatible API base URL", Modes: thinking, parse: text(&c.OpenAIBaseURL)},
		{Env: "OPENAI_MODEL", Default: "gpt-4o-mini", Usage: "model name", Modes: thinking, parse: text(&c.OpenAIModel)},
		{Env: "KNOWLEDGE_BASE", Usage: "path to the knowledge base YAML (empty: the built-in demo shop)", Modes: append(append([]Mode{}, all...), ModeClassify), parse: text(&c.KnowledgeBase)},
		{Env: "MEDIA_STORE", Usage: "where customer and agent media is kept: file:///path or s3://bucket?endpoint=...&region=... (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); dev: file://{DATA_DIR}/media; empty otherwise: media kept as a placeholder", Modes: all, parse: text(&c.MediaStore)},
		{Env: "HANDOFF_IDLE_TIMEOUT", Default: handoff.DefaultIdleTimeout.String(), Usage: "human inactivity before the bot asks an agent to confirm a return", Modes: working, parse: duration(&c.HandoffIdleTimeout)},
		{Env: "CSAT", Default: "on", Usage: "ask the customer to rate the help after a person returns the conversation to the bot (on or off)", Modes: working, parse: onOff(&c.CSAT)},
		{Env: "BOT_TURNS_PER_MINUTE", Default: strconv.Itoa(DefaultBotTurnsPerMinute), Usage: "most bot turns (model calls) one customer can cause per minute; past it messages are kept and shown, and the bot answers once the customer pauses", Modes: working, parse: count(&c.BotTurnsPerMinute)},
		{Env: "HANDOFF_UNCLAIMED_TIMEOUT", Default: "5m", Usage: "time in support hours a waiting handoff may go unclaimed before supportd escalates once; 0 turns it off", Modes: working, parse: durationOrOff(&c.HandoffUnclaimedTimeout)},
		{Env: "SLACK_ESCALATION_MENTION", Usage: "what an escalation mentions in Slack, e.g. <!subteam^S0123> or <!here> (empty: no mention)", Modes: working, parse: text(&c.SlackEscalationMention)},
		{Env: "WHATSAPP_REPLY_TEMPLATE", Usage: "approved template that carries an agent's reply after the 24-hour window, the reply as its body parameter (empty: late replies are refused with a hint)", Modes: working, parse: text(&c.WhatsAppReplyTemplate)},
		{Env: "WHATSAPP_REPLY_TEMPLATE_LANGUAGE", Default: "en", Usage: "language code of WHATSAPP_REPLY_TEMPLATE", Modes: working, parse: text(&c.WhatsAppReplyTemplateLanguage)},
		{Env: "AGENT_API_TOKEN", Usage: "bearer token for /api/* and the agent console; dev generates one", Modes: serving, parse: text(&c.AgentAPIToken)},
		{Env: "TRUSTED_PROXIES", Usage: "comma-separated addresses or CIDRs of proxies whose X-Forwarded-For is believed (empty: X-Forwarded-For ignored)", Modes: serving, parse: addresses(&c.TrustedProxies)},
		{Env: "METRICS_ADDR", Default: ":9090", Usage: "worker: listen address of /metrics, /healthz and /readyz; empty turns it off", Modes: []Mode{ModeWorker}, parse: text(&c.MetricsAddr)},
		{Env: "LOG_FORMAT", Usage: "text or json (default: text in dev, json otherwise)", Modes: all, parse: text(&c.LogFormat)},
		{Env: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error", Modes: all, parse: text(&c.LogLevel)},
		{Env: "WORKER_CACHE_SIZE", Default: strconv.Itoa(DefaultWorkerCacheSize), Usage: "conversations the worker keeps in memory between messages (Temporal's sticky workflow cache, shared by the process); an evicted one is replayed from its history at its next message", Modes: working, parse: count(&c.WorkerCacheSize)},
		{Env: "TEMPORAL_DEV_HISTORY_CACHE_SIZE", Default: strconv.Itoa(DefaultDevHistoryCacheSize), Usage: "dev mode: conversations whose state the embedded Temporal server keeps in memory (its history cache)", Modes: []Mode{ModeDev}, parse: count(&c.DevHistoryCacheSize)},
		{Env: "TEMPORAL_DEV_EVENTS_CACHE_SIZE", Default: DefaultDevEventsCacheSize, Usage: "dev mode: memory for history events in the embedded Temporal server's events cache, e.g. 4MiB", Modes: []Mode{ModeDev}, parse: bytesize(&c.DevEventsCacheBytes)},
	}
}

// text reads a value as it is, without surrounding space.
func text(p *string) func(string) error {
	return func(v string) error { *p = strings.TrimSpace(v); return nil }
}

// Defaults of the cache sizes (README, "Sizing").
const (
	DefaultWorkerCacheSize     = 2000
	DefaultBotTurnsPerMinute   = 6
	DefaultDevHistoryCacheSize = 2000
	DefaultDevEventsCacheSize  = "4MiB"
)

func count(p *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a whole number of at least 1", v)
		}
		*p = n
		return nil
	}
}

// bytesize reads a size in bytes, with an optional unit: 512KiB, 4MiB, 1GiB (or KB, MB, GB, taken as the same).
func bytesize(p *int64) func(string) error {
	return func(v string) error {
		s := strings.TrimSpace(v)
		mult := int64(1)
		for _, u := range []struct {
			suffix string
			mult   int64
		}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
			if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
				s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
				break
			}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > (1<<40)/mult {
			return fmt.Errorf("%q is not a size (examples: 512KiB, 4MiB)", v)
		}
		*p = n * mult
		return nil
	}
}

// addresses reads a comma-separated list of IP addresses and CIDRs, such as 10.0.0.5, 172.16.0.0/12.
func addresses(p *[]string) func(string) error {
	return func(v string) error {
		var out []string
		for _, a := range strings.Split(v, ",") {
			a = strings.TrimSpace(a)
			if a == "" {
				continue
			}
			if _, err := netip.ParsePrefix(a); err != nil {
				if ip, err := netip.ParseAddr(a); err != nil || ip.Zone() != "" {
					return fmt.Errorf("%q is not an IP address or CIDR (examples: 10.0.0.5, 172.16.0.0/12, fd00::/8)", a)
				}
			}
			out = append(out, a)
		}
		*p = out
		return nil
	}
}

func port(p *int, zeroOK bool) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n > 65535 || (n == 0 && !zeroOK) {
			return fmt.Errorf("%q is not a port number", v)
		}
		*p = n
		return nil
	}
}

func duration(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a duration (examples: 30m, 1h, 90s)", v)
		}
		if d <= 0 {
			return fmt.Errorf("%q must be positive", v)
		}
		*p = d
		return nil
	}
}

func onOff(p *bool) func(string) error {
	return func(v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "1", "yes":
			*p = true
		case "off", "false", "0", "no":
			*p = false
		default:
			return fmt.Errorf("%q is neither on nor off", v)
		}
		return nil
	}
}

// durationOrOff is duration with 0 allowed: it turns the feature off.
func durationOrOff(p *time.Duration) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "0" {
			*p = 0
			return nil
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration (examples: 5m, 1h; 0 turns it off)", v)
		}
		*p = d
		return nil
	}
}

// FlagName is the command-line flag of an environment variable: HTTP_ADDR becomes --http-addr.
func FlagName(env string) string { return strings.ToLower(strings.ReplaceAll(env, "_", "-")) }

// ErrHelp is returned by Load, and by the Parse of a FlagSet, when --help was asked for; the usage has been
// written.
var ErrHelp = flag.ErrHelp

// Load reads the configuration of mode from args and the environment (getenv), flags winning over the
// environment, and validates it. Usage and errors go to out.
func Load(mode Mode, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs, load := FlagSet(mode, getenv, out)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return load()
}

// FlagSet returns the flags of mode's command: one for each setting the command reads, named by FlagName and
// defaulting to the environment variable (getenv) or else to the setting's default. The command may add flags
// of its own before it parses its arguments; load then reads and validates the configuration, every error
// naming the variable. Usage and errors go to out.
func FlagSet(mode Mode, getenv func(string) string, out io.Writer) (fs *flag.FlagSet, load func() (*Config, error)) {
	c := &Config{Mode: mode}
	vars := c.vars()
	fs = flag.NewFlagSet("supportd "+string(mode), flag.ContinueOnError)
	fs.SetOutput(out)
	// Flags are read as text, and parsed only once they are all in, so that a bad value is reported as the
	// variable's, like a bad value in the environment.
	values := map[string]*string{}
	for _, v := range vars {
		if slices.Contains(v.Modes, mode) {
			values[v.Env] = fs.String(FlagName(v.Env), cmp.Or(getenv(v.Env), v.Default), v.Usage)
		}
	}
	fs.Usage = func() { usage(fs, mode, vars) }
	load = func() (*Config, error) {
		if fs.NArg() > 0 {
			return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
		}
		for _, v := range vars {
			value := v.Default // settings this command does not read keep their defaults
			if p, ok := values[v.Env]; ok {
				value = *p
			} else if value == "" {
				continue
			}
			if err := v.parse(value); err != nil {
				return nil, fmt.Errorf("%s: %w", v.Env, err)
			}
		}
		if err := c.validate(); err != nil {
			return nil, err
		}
		return c, nil
	}
	return fs, load
}

// usage lists the command's settings in the table's order, each with its environment variable, and then the
// flags the command added of its own.
func usage(fs *flag.FlagSet, mode Mode, vars []Var) {
	out := fs.Output()
	fmt.Fprintf(out, "Usage: supportd %s [flags]\n\n%s\n\nFlags (each also read from its environment variable):\n", mode, Describe(mode))
	settings := map[string]bool{}
	for _, v := range vars {
		if !slices.Contains(v.Modes, mode) {
			continue
		}
		settings[FlagName(v.Env)] = true
		def := ""
		if v.Default != "" {
			def = fmt.Sprintf(" (default %q)", v.Default)
		}
		fmt.Fprintf(out, "  --%s, $%s%s\n      %s\n", FlagName(v.Env), v.Env, def, v.Usage)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if settings[f.Name] {
			return
		}
		name, text := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(out, "  --%s%s\n      %s\n", f.Name, name, text)
	})
}

// Describe says in one line what a command runs.
func Describe(mode Mode) string {
	switch mode {
	case ModeDev:
		return "Runs everything in one process: an embedded Temporal server with its Web UI, an embedded Redis when REDIS_URL is unset, the worker and the gateway, the agent console and the customer simulator."
	case ModeWorker:
		return "Runs the Temporal worker: the conversation workflows and their activities (needs TEMPORAL_ADDRESS, REDIS_URL, WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID)."
	case ModeGateway:
		return "Runs the HTTP gateway: WhatsApp and Slack webhooks, the agent API and console (needs TEMPORAL_ADDRESS, REDIS_URL and WHATSAPP_APP_SECRET)."
	case ModeClassify:
		return "Reads JSON lines {\"text\": ...} on stdin and writes one JSON line per input with text, intent, sentiment, handoff and reason."
	}
	return ""
}

func (c *Config) validate() error {
	var errs []error
	need := func(env, val, why string) {
		if val == "" {
			errs = append(errs, fmt.Errorf("%s is required %s", env, why))
		}
	}
	checkURL := func(env, val string) {
		if val == "" {
			return
		}
		u, err := url.Parse(val)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an http(s) URL with a host", env, val))
		}
	}
	switch c.Mode {
	case ModeWorker:
		need("TEMPORAL_ADDRESS", c.TemporalAddress, "for supportd worker")
		need("REDIS_URL", c.RedisURL, "for supportd worker")
		// Only supportd dev has the customer simulator: a worker without these could reach no customer.
		need("WHATSAPP_ACCESS_TOKEN", c.WhatsAppAccessToken, "for supportd worker: it sends every reply through the WhatsApp Cloud API (the simulator is only in supportd dev)")
		need("WHATSAPP_PHONE_NUMBER_ID", c.WhatsAppPhoneNumberID, "for supportd worker: replies are sent from that business number")
	case ModeGateway:
		need("TEMPORAL_ADDRESS", c.TemporalAddress, "for supportd gateway")
		need("REDIS_URL", c.RedisURL, "for supportd gateway")
		need("WHATSAPP_APP_SECRET", c.WhatsAppAppSecret, "for supportd gateway: it verifies every webhook")
	}
	if c.Mode != ModeClassify {
		checkURL("PUBLIC_URL", c.PublicURL)
		checkURL("WHATSAPP_API_URL", c.WhatsAppAPIURL)
		checkURL("SLACK_API_URL", c.SlackAPIURL)
		checkURL("TEMPORAL_UI_URL", c.TemporalUIURL)
		if c.RedisURL != "" {
			if _, err := redis.ParseURL(c.RedisURL); err != nil {
				// The parser's message quotes the URL, password included: say what is wrong without it.
				errs = append(errs, errors.New("REDIS_URL: not a valid redis:// or rediss:// URL (example: redis://localhost:6379/0)"))
			}
		}
		if c.TemporalAddress != "" && !strings.Contains(c.TemporalAddress, ":") {
			errs = append(errs, fmt.Errorf("TEMPORAL_ADDRESS: %q is not host:port", c.TemporalAddress))
		}
		if c.WhatsAppAccessToken != "" && c.WhatsAppPhoneNumberID == "" && c.Mode == ModeDev {
			errs = append(errs, errors.New("WHATSAPP_PHONE_NUMBER_ID is required when WHATSAPP_ACCESS_TOKEN is set"))
		}
		if c.SlackBotToken != "" {
			if c.Mode != ModeWorker {
				need("SLACK_SIGNING_SECRET", c.SlackSigningSecret, "when SLACK_BOT_TOKEN is set")
			}
			need("SLACK_CHANNEL_ID", c.SlackChannelID, "when SLACK_BOT_TOKEN is set")
		}
		if c.SlackAPIURL != "" && !strings.HasSuffix(c.SlackAPIURL, "/") {
			c.SlackAPIURL += "/"
		}
		switch c.LogFormat {
		case "", "text", "json":
		default:
			errs = append(errs, fmt.Errorf("LOG_FORMAT: %q is not text or json", c.LogFormat))
		}
		switch strings.ToLower(c.LogLevel) {
		case "", "debug", "info", "warn", "error":
		default:
			errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel))
		}
	}
	if c.OpenAIAPIKey != "" {
		checkURL("OPENAI_BASE_URL", c.OpenAIBaseURL)
		need("OPENAI_MODEL", c.OpenAIModel, "when OPENAI_API_KEY is set")
	}
	if c.MediaStore == "" && c.Mode == ModeDev {
		dir, err := filepath.Abs(filepath.Join(cmp.Or(c.DataDir, "."), "media"))
		if err != nil {
			errs = append(errs, fmt.Errorf("MEDIA_STORE: no default under DATA_DIR: %v", err))
		}
		c.MediaStore = (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
	}
	if c.MediaStore != "" {
		if _, err := media.ParseURL(c.MediaStore); err != nil {
			errs = append(errs, fmt.Errorf("MEDIA_STORE: %v", err))
		}
	}
	if c.KnowledgeBase != "" {
		if _, err := os.Stat(c.KnowledgeBase); err != nil {
			errs = append(errs, fmt.Errorf("KNOWLEDGE_BASE: %v", err))
		}
	}
	return errors.Join(errs...)
}

// SlackEnabled reports whether handoffs are posted to Slack.
func (c *Config) SlackEnabled() bool { return c.SlackBotToken != "" }

// WhatsAppEnabled reports whether messages go to the real WhatsApp Cloud API.
func (c *Config) WhatsAppEnabled() bool { return c.WhatsAppAccessToken != "" }

// MediaStoreWarning is the one line the worker and the gateway log at start-up when MEDIA_STORE is not set,
// or "" when it is.
func (c *Config) MediaStoreWarning() string {
	if c.MediaStore != "" || c.Mode == ModeClassify {
		return ""
	}
	return "MEDIA_STORE is not set: customer photos, voice notes and documents are kept as a placeholder only"
}

// LLMEnabled reports whether an OpenAI-compatible server classifies and answers.
func (c *Config) LLMEnabled() bool { return c.OpenAIAPIKey != "" }
