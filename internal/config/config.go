// Package config reads supportd's configuration once, from flags and environment variables, into one typed
// struct, and validates it for the command being run. Every error names the variable at fault.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/handoff"
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

	KnowledgeBase      string
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

// Var describes one setting: its environment variable, flag, default and meaning.
type Var struct {
	Env     string
	Flag    string
	Default string
	Usage   string
	Modes   []Mode // commands that read it
	set     func(c *Config, v string) error
}

var (
	all      = []Mode{ModeDev, ModeWorker, ModeGateway}
	serving  = []Mode{ModeDev, ModeGateway}
	working  = []Mode{ModeDev, ModeWorker}
	thinking = []Mode{ModeDev, ModeWorker, ModeClassify}
)

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = strings.TrimSpace(v); return nil }
}

// Vars lists every setting supportd reads.
func Vars() []Var {
	return []Var{
		{Env: "HTTP_ADDR", Default: ":8080", Usage: "gateway listen address", Modes: serving, set: str(func(c *Config) *string { return &c.HTTPAddr })},
		{Env: "PUBLIC_URL", Default: "http://localhost:8080", Usage: "base of links placed in Slack messages and the console", Modes: all, set: str(func(c *Config) *string { return &c.PublicURL })},
		{Env: "DATA_DIR", Default: ".data", Usage: "dev mode only: embedded Temporal's SQLite file and other local state", Modes: []Mode{ModeDev}, set: str(func(c *Config) *string { return &c.DataDir })},
		{Env: "TEMPORAL_ADDRESS", Usage: "host:port of a Temporal frontend (empty: dev embeds a server)", Modes: all, set: str(func(c *Config) *string { return &c.TemporalAddress })},
		{Env: "TEMPORAL_NAMESPACE", Default: "default", Usage: "Temporal namespace", Modes: all, set: str(func(c *Config) *string { return &c.TemporalNamespace })},
		{Env: "TEMPORAL_TASK_QUEUE", Default: "support-conversations", Usage: "Temporal task queue of the conversation workflows", Modes: all, set: str(func(c *Config) *string { return &c.TemporalTaskQueue })},
		{Env: "TEMPORAL_DEV_PORT", Default: "7233", Usage: "dev mode: embedded Temporal server's gRPC port", Modes: []Mode{ModeDev}, set: port(func(c *Config) *int { return &c.TemporalDevPort }, false)},
		{Env: "TEMPORAL_UI_PORT", Default: "8233", Usage: "dev mode: embedded Temporal Web UI port; 0 turns it off", Modes: []Mode{ModeDev}, set: port(func(c *Config) *int { return &c.TemporalUIPort }, true)},
		{Env: "TEMPORAL_UI_URL", Usage: "Temporal Web UI base URL for links in the console and Slack (dev: the embedded UI)", Modes: all, set: str(func(c *Config) *string { return &c.TemporalUIURL })},
		{Env: "REDIS_URL", Usage: "Redis URL, e.g. redis://localhost:6379/0 (empty: dev embeds one)", Modes: all, set: str(func(c *Config) *string { return &c.RedisURL })},
		{Env: "WHATSAPP_API_URL", Default: "https://graph.facebook.com/v23.0", Usage: "WhatsApp Graph API base URL", Modes: working, set: str(func(c *Config) *string { return &c.WhatsAppAPIURL })},
		{Env: "WHATSAPP_ACCESS_TOKEN", Usage: "WhatsApp Cloud API access token; required by the worker (empty in dev: messages go to the built-in simulator)", Modes: all, set: str(func(c *Config) *string { return &c.WhatsAppAccessToken })},
		{Env: "WHATSAPP_PHONE_NUMBER_ID", Usage: "WhatsApp business phone number id; required with the access token", Modes: working, set: str(func(c *Config) *string { return &c.WhatsAppPhoneNumberID })},
		{Env: "WHATSAPP_APP_SECRET", Usage: "Meta app secret that signs webhooks (X-Hub-Signature-256); dev generates one", Modes: serving, set: str(func(c *Config) *string { return &c.WhatsAppAppSecret })},
		{Env: "WHATSAPP_VERIFY_TOKEN", Usage: "token for Meta's webhook subscription check", Modes: serving, set: str(func(c *Config) *string { return &c.WhatsAppVerifyToken })},
		{Env: "WHATSAPP_STATUS_WAIT", Default: "5s", Usage: "how long a send retried after a crash waits for WhatsApp's status of the earlier attempt before sending again", Modes: working, set: duration(func(c *Config) *time.Duration { return &c.WhatsAppStatusWait })},
		{Env: "SLACK_API_URL", Default: "https://slack.com/api/", Usage: "Slack Web API base URL (with trailing /)", Modes: all, set: str(func(c *Config) *string { return &c.SlackAPIURL })},
		{Env: "SLACK_BOT_TOKEN", Usage: "Slack bot token (empty: handoffs go to the agent console only)", Modes: all, set: str(func(c *Config) *string { return &c.SlackBotToken })},
		{Env: "SLACK_SIGNING_SECRET", Usage: "Slack signing secret (required with SLACK_BOT_TOKEN)", Modes: serving, set: str(func(c *Config) *string { return &c.SlackSigningSecret })},
		{Env: "SLACK_CHANNEL_ID", Usage: "Slack channel that receives handoff cards", Modes: all, set: str(func(c *Config) *string { return &c.SlackChannelID })},
		{Env: "OPENAI_API_KEY", Usage: "API key of an OpenAI-compatible server (empty: the local engine classifies and answers)", Modes: thinking, set: str(func(c *Config) *string { return &c.OpenAIAPIKey })},
		{Env: "OPENAI_BASE_URL", Default: "https://api.openai.com/v1", Usage: "OpenAI-compatible API base URL", Modes: thinking, set: str(func(c *Config) *string { return &c.OpenAIBaseURL })},
		{Env: "OPENAI_MODEL", Default: "gpt-4o-mini", Usage: "model name", Modes: thinking, set: str(func(c *Config) *string { return &c.OpenAIModel })},
		{Env: "KNOWLEDGE_BASE", Usage: "path to the knowledge base YAML (empty: the built-in demo shop)", Modes: append(append([]Mode{}, all...), ModeClassify), set: str(func(c *Config) *string { return &c.KnowledgeBase })},
		{Env: "HANDOFF_IDLE_TIMEOUT", Default: handoff.DefaultIdleTimeout.String(), Usage: "human inactivity before the bot asks an agent to confirm a return", Modes: working, set: duration(func(c *Config) *time.Duration { return &c.HandoffIdleTimeout })},
		{Env: "CSAT", Default: "on", Usage: "ask the customer to rate the help after a person returns the conversation to the bot (on or off)", Modes: working, set: onOff(func(c *Config) *bool { return &c.CSAT })},
		{Env: "BOT_TURNS_PER_MINUTE", Default: strconv.Itoa(DefaultBotTurnsPerMinute), Usage: "most bot turns (model calls) one customer can cause per minute; past it messages are kept and shown, and the bot answers once the customer pauses", Modes: working, set: count(func(c *Config) *int { return &c.BotTurnsPerMinute })},
		{Env: "HANDOFF_UNCLAIMED_TIMEOUT", Default: "5m", Usage: "time in support hours a waiting handoff may go unclaimed before supportd escalates once; 0 turns it off", Modes: working, set: durationOrOff(func(c *Config) *time.Duration { return &c.HandoffUnclaimedTimeout })},
		{Env: "SLACK_ESCALATION_MENTION", Usage: "what an escalation mentions in Slack, e.g. <!subteam^S0123> or <!here> (empty: no mention)", Modes: working, set: str(func(c *Config) *string { return &c.SlackEscalationMention })},
		{Env: "WHATSAPP_REPLY_TEMPLATE", Usage: "approved template that carries an agent's reply after the 24-hour window, the reply as its body parameter (empty: late replies are refused with a hint)", Modes: working, set: str(func(c *Config) *string { return &c.WhatsAppReplyTemplate })},
		{Env: "WHATSAPP_REPLY_TEMPLATE_LANGUAGE", Default: "en", Usage: "language code of WHATSAPP_REPLY_TEMPLATE", Modes: working, set: str(func(c *Config) *string { return &c.WhatsAppReplyTemplateLanguage })},
		{Env: "AGENT_API_TOKEN", Usage: "bearer token for /api/* and the agent console; dev generates one", Modes: serving, set: str(func(c *Config) *string { return &c.AgentAPIToken })},
		{Env: "TRUSTED_PROXIES", Usage: "comma-separated addresses or CIDRs of proxies whose X-Forwarded-For is believed (empty: X-Forwarded-For ignored)", Modes: serving, set: addresses(func(c *Config) *[]string { return &c.TrustedProxies })},
		{Env: "METRICS_ADDR", Default: ":9090", Usage: "worker: listen address of /metrics, /healthz and /readyz; empty turns it off", Modes: []Mode{ModeWorker}, set: str(func(c *Config) *string { return &c.MetricsAddr })},
		{Env: "LOG_FORMAT", Usage: "text or json (default: text in dev, json otherwise)", Modes: all, set: str(func(c *Config) *string { return &c.LogFormat })},
		{Env: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error", Modes: all, set: str(func(c *Config) *string { return &c.LogLevel })},
		{Env: "WORKER_CACHE_SIZE", Default: strconv.Itoa(DefaultWorkerCacheSize), Usage: "conversations the worker keeps in memory between messages (Temporal's sticky workflow cache, shared by the process); an evicted one is replayed from its history at its next message", Modes: working, set: count(func(c *Config) *int { return &c.WorkerCacheSize })},
		{Env: "TEMPORAL_DEV_HISTORY_CACHE_SIZE", Default: strconv.Itoa(DefaultDevHistoryCacheSize), Usage: "dev mode: conversations whose state the embedded Temporal server keeps in memory (its history cache)", Modes: []Mode{ModeDev}, set: count(func(c *Config) *int { return &c.DevHistoryCacheSize })},
		{Env: "TEMPORAL_DEV_EVENTS_CACHE_SIZE", Default: DefaultDevEventsCacheSize, Usage: "dev mode: memory for history events in the embedded Temporal server's events cache, e.g. 4MiB", Modes: []Mode{ModeDev}, set: bytesize(func(c *Config) *int64 { return &c.DevEventsCacheBytes })},
	}
}

// Defaults of the cache sizes (README, "Sizing").
const (
	DefaultWorkerCacheSize     = 2000
	DefaultBotTurnsPerMinute   = 6
	DefaultDevHistoryCacheSize = 2000
	DefaultDevEventsCacheSize  = "4MiB"
)

func count(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a whole number of at least 1", v)
		}
		*p(c) = n
		return nil
	}
}

// bytesize reads a size in bytes, with an optional unit: 512KiB, 4MiB, 1GiB (or KB, MB, GB, taken as the same).
func bytesize(p func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
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
		*p(c) = n * mult
		return nil
	}
}

// addresses reads a comma-separated list of IP addresses and CIDRs, such as 10.0.0.5, 172.16.0.0/12.
func addresses(p func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error {
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
		*p(c) = out
		return nil
	}
}

func port(p func(*Config) *int, zeroOK bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n > 65535 || (n == 0 && !zeroOK) {
			return fmt.Errorf("%q is not a port number", v)
		}
		*p(c) = n
		return nil
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a duration (examples: 30m, 1h, 90s)", v)
		}
		if d <= 0 {
			return fmt.Errorf("%q must be positive", v)
		}
		*p(c) = d
		return nil
	}
}

func onOff(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "1", "yes":
			*p(c) = true
		case "off", "false", "0", "no":
			*p(c) = false
		default:
			return fmt.Errorf("%q is neither on nor off", v)
		}
		return nil
	}
}

// durationOrOff is duration with 0 allowed: it turns the feature off.
func durationOrOff(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		if strings.TrimSpace(v) == "0" {
			*p(c) = 0
			return nil
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration (examples: 5m, 1h; 0 turns it off)", v)
		}
		*p(c) = d
		return nil
	}
}

// FlagName is the command-line flag of an environment variable: HTTP_ADDR becomes --http-addr.
func FlagName(env string) string { return strings.ToLower(strings.ReplaceAll(env, "_", "-")) }

// ErrHelp is returned by Load when --help was asked for; the usage has been written.
var ErrHelp = flag.ErrHelp

// Load reads the configuration of mode from args and the environment (getenv), flags winning over the
// environment, and validates it. Usage and errors go to out.
func Load(mode Mode, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("supportd "+string(mode), flag.ContinueOnError)
	fs.SetOutput(out)
	vars := varsFor(mode)
	values := map[string]*string{}
	for _, v := range vars {
		def := v.Default
		if e, ok := lookup(getenv, v.Env); ok {
			def = e
		}
		values[v.Env] = fs.String(FlagName(v.Env), def, fmt.Sprintf("%s (env %s)", v.Usage, v.Env))
	}
	fs.Usage = func() { usage(out, mode, vars) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("supportd %s: unexpected argument %q", mode, fs.Arg(0))
	}
	c := &Config{Mode: mode}
	for _, v := range Vars() { // defaults for settings this mode does not expose
		if v.Default != "" {
			if err := v.set(c, v.Default); err != nil {
				return nil, fmt.Errorf("%s: %w", v.Env, err)
			}
		}
	}
	for _, v := range vars {
		if err := v.set(c, *values[v.Env]); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Env, err)
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func lookup(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}

func varsFor(mode Mode) []Var {
	var out []Var
	for _, v := range Vars() {
		for _, m := range v.Modes {
			if m == mode {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

func usage(out io.Writer, mode Mode, vars []Var) {
	fmt.Fprintf(out, "Usage: supportd %s [flags]\n\n%s\n\nFlags (each also read from its environment variable):\n", mode, Describe(mode))
	for _, v := range vars {
		def := ""
		if v.Default != "" {
			def = fmt.Sprintf(" (default %q)", v.Default)
		}
		fmt.Fprintf(out, "  --%s, $%s%s\n      %s\n", FlagName(v.Env), v.Env, def, v.Usage)
	}
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

// LLMEnabled reports whether an OpenAI-compatible server classifies and answers.
func (c *Config) LLMEnabled() bool { return c.OpenAIAPIKey != "" }
