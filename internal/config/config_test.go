package config

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.TemporalTaskQueue != "support-conversations" || c.TemporalNamespace != "default" ||
		c.TemporalDevPort != 7233 || c.TemporalUIPort != 8233 || c.HandoffIdleTimeout != 30*time.Minute ||
		c.DataDir != ".data" || c.SlackAPIURL != "https://slack.com/api/" || c.OpenAIModel != "gpt-4o-mini" ||
		c.WhatsAppAPIURL != "https://graph.facebook.com/v23.0" || c.PublicURL != "http://localhost:8080" || !c.CSAT {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestEscalationAndTemplateSettings(t *testing.T) {
	c, err := Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HandoffUnclaimedTimeout != 5*time.Minute || c.SlackEscalationMention != "" || c.WhatsAppReplyTemplate != "" || c.WhatsAppReplyTemplateLanguage != "en" {
		t.Fatalf("defaults: %v %q %q %q", c.HandoffUnclaimedTimeout, c.SlackEscalationMention, c.WhatsAppReplyTemplate, c.WhatsAppReplyTemplateLanguage)
	}
	c, err = Load(ModeWorker, []string{"--whatsapp-reply-template", "agent_reply", "--handoff-unclaimed-timeout", "0"}, env(map[string]string{
		"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_ACCESS_TOKEN": "EAAG", "WHATSAPP_PHONE_NUMBER_ID": "1065",
		"SLACK_ESCALATION_MENTION": "<!subteam^S0123>", "WHATSAPP_REPLY_TEMPLATE_LANGUAGE": "en_US",
	}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HandoffUnclaimedTimeout != 0 || c.SlackEscalationMention != "<!subteam^S0123>" || c.WhatsAppReplyTemplate != "agent_reply" || c.WhatsAppReplyTemplateLanguage != "en_US" {
		t.Fatalf("got %v %q %q %q", c.HandoffUnclaimedTimeout, c.SlackEscalationMention, c.WhatsAppReplyTemplate, c.WhatsAppReplyTemplateLanguage)
	}
	var help bytes.Buffer
	if _, err := Load(ModeWorker, []string{"--help"}, env(nil), &help); err != ErrHelp {
		t.Fatalf("--help: %v", err)
	}
	for _, name := range []string{"--handoff-unclaimed-timeout", "--slack-escalation-mention", "--whatsapp-reply-template", "--whatsapp-reply-template-language"} {
		if !strings.Contains(help.String(), name) {
			t.Errorf("--help lacks %s", name)
		}
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := Load(ModeDev, []string{"--http-addr", ":9999"}, env(map[string]string{"HTTP_ADDR": ":7777", "HANDOFF_IDLE_TIMEOUT": "2m"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":9999" || c.HandoffIdleTimeout != 2*time.Minute {
		t.Fatalf("got %q %v", c.HTTPAddr, c.HandoffIdleTimeout)
	}
}

func TestCSATOff(t *testing.T) {
	for _, v := range []string{"off", "OFF", "false"} {
		c, err := Load(ModeDev, nil, env(map[string]string{"CSAT": v}), &bytes.Buffer{})
		if err != nil || c.CSAT {
			t.Fatalf("CSAT=%s: %+v, %v", v, c, err)
		}
	}
	c, err := Load(ModeWorker, []string{"--csat", "on"}, env(map[string]string{"CSAT": "off", "TEMPORAL_ADDRESS": "t:7233",
		"REDIS_URL": "redis://r:6379", "WHATSAPP_ACCESS_TOKEN": "EAAG", "WHATSAPP_PHONE_NUMBER_ID": "1065"}), &bytes.Buffer{})
	if err != nil || !c.CSAT {
		t.Fatalf("--csat on: %+v, %v", c, err)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		mode Mode
		env  map[string]string
		want string
	}{
		{ModeDev, map[string]string{"HANDOFF_IDLE_TIMEOUT": "soon"}, "HANDOFF_IDLE_TIMEOUT"},
		{ModeDev, map[string]string{"HANDOFF_IDLE_TIMEOUT": "-5m"}, "HANDOFF_IDLE_TIMEOUT"},
		{ModeDev, map[string]string{"PUBLIC_URL": "localhost:8080"}, "PUBLIC_URL"},
		{ModeDev, map[string]string{"CSAT": "sometimes"}, "CSAT"},
		{ModeDev, map[string]string{"HANDOFF_UNCLAIMED_TIMEOUT": "-1m"}, "HANDOFF_UNCLAIMED_TIMEOUT"},
		{ModeDev, map[string]string{"HANDOFF_UNCLAIMED_TIMEOUT": "later"}, "HANDOFF_UNCLAIMED_TIMEOUT"},
		{ModeDev, map[string]string{"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "api.example.com"}, "OPENAI_BASE_URL"},
		{ModeDev, map[string]string{"REDIS_URL": "localhost:6379"}, "REDIS_URL"},
		{ModeDev, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CHANNEL_ID": "C1"}, "SLACK_SIGNING_SECRET"},
		{ModeDev, map[string]string{"TEMPORAL_UI_PORT": "eighty"}, "TEMPORAL_UI_PORT"},
		{ModeDev, map[string]string{"KNOWLEDGE_BASE": "/nonexistent/kb.yaml"}, "KNOWLEDGE_BASE"},
		{ModeDev, map[string]string{"MEDIA_STORE": "/var/lib/supportd/media"}, "MEDIA_STORE"},
		{ModeDev, map[string]string{"MEDIA_STORE": "gs://media"}, "MEDIA_STORE"},
		{ModeGateway, map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_APP_SECRET": "s", "MEDIA_STORE": "s3://"}, "MEDIA_STORE"},
		{ModeGateway, map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379"}, "WHATSAPP_APP_SECRET"},
		{ModeWorker, map[string]string{"REDIS_URL": "redis://r:6379"}, "TEMPORAL_ADDRESS"},
		{ModeWorker, map[string]string{"TEMPORAL_ADDRESS": "t:7233"}, "REDIS_URL"},
		{ModeWorker, map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_PHONE_NUMBER_ID": "1065"}, "WHATSAPP_ACCESS_TOKEN"},
		{ModeWorker, map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_ACCESS_TOKEN": "EAAG"}, "WHATSAPP_PHONE_NUMBER_ID"},
	}
	for _, tc := range cases {
		_, err := Load(tc.mode, nil, env(tc.env), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want one naming %s", tc.mode, tc.env, err, tc.want)
		}
	}
}

func TestSecretValuesNotEchoed(t *testing.T) {
	_, err := Load(ModeDev, nil, env(map[string]string{"REDIS_URL": "redis://:s3cr3t@host:notaport/0"}), &bytes.Buffer{})
	if err == nil {
		t.Skip("redis accepted the URL")
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := Load(ModeDev, []string{"--help"}, env(nil), &out)
	if err != ErrHelp {
		t.Fatalf("err = %v", err)
	}
	for _, v := range Vars() {
		if !slices.Contains(v.Modes, ModeDev) {
			continue
		}
		if !strings.Contains(out.String(), "--"+FlagName(v.Env)) || !strings.Contains(out.String(), "$"+v.Env) {
			t.Errorf("help lacks %s", v.Env)
		}
	}
}

func TestSlackURLGetsTrailingSlash(t *testing.T) {
	c, err := Load(ModeDev, nil, env(map[string]string{"SLACK_API_URL": "http://127.0.0.1:1/api"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.SlackAPIURL != "http://127.0.0.1:1/api/" {
		t.Fatalf("got %q", c.SlackAPIURL)
	}
}

// A production worker needs WhatsApp credentials: only dev has the simulator to deliver to instead. The
// gateway sends nothing and needs none; dev works without them.
func TestWhatsAppCredentialsByMode(t *testing.T) {
	base := map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_APP_SECRET": "s"}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(base)
		maps.Copy(m, extra)
		return m
	}
	var out bytes.Buffer
	_, err := Load(ModeWorker, nil, env(base), &out)
	if err == nil || !strings.Contains(err.Error(), "WHATSAPP_ACCESS_TOKEN is required for supportd worker") ||
		!strings.Contains(err.Error(), "WHATSAPP_PHONE_NUMBER_ID is required for supportd worker") {
		t.Fatalf("worker without WhatsApp credentials: %v", err)
	}
	if strings.Count(err.Error(), "WHATSAPP_PHONE_NUMBER_ID") != 1 {
		t.Fatalf("the missing phone number id is reported more than once: %v", err)
	}
	if _, err := Load(ModeWorker, nil, env(with(map[string]string{"WHATSAPP_ACCESS_TOKEN": "EAAG", "WHATSAPP_PHONE_NUMBER_ID": "1065"})), &out); err != nil {
		t.Fatalf("worker with WhatsApp credentials: %v", err)
	}
	if _, err := Load(ModeGateway, nil, env(base), &out); err != nil {
		t.Fatalf("gateway without WhatsApp send credentials: %v", err)
	}
	if _, err := Load(ModeDev, nil, env(nil), &out); err != nil {
		t.Fatalf("dev without WhatsApp credentials: %v", err)
	}
}

func TestCacheSizes(t *testing.T) {
	c, err := Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkerCacheSize != DefaultWorkerCacheSize || c.DevHistoryCacheSize != DefaultDevHistoryCacheSize || c.DevEventsCacheBytes != 4<<20 {
		t.Fatalf("defaults: worker %d, history %d, events %d", c.WorkerCacheSize, c.DevHistoryCacheSize, c.DevEventsCacheBytes)
	}
	c, err = Load(ModeDev, []string{"--worker-cache-size", "500"}, env(map[string]string{
		"TEMPORAL_DEV_HISTORY_CACHE_SIZE": "300", "TEMPORAL_DEV_EVENTS_CACHE_SIZE": "512KiB"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkerCacheSize != 500 || c.DevHistoryCacheSize != 300 || c.DevEventsCacheBytes != 512<<10 {
		t.Fatalf("set: worker %d, history %d, events %d", c.WorkerCacheSize, c.DevHistoryCacheSize, c.DevEventsCacheBytes)
	}
	for k, v := range map[string]string{"WORKER_CACHE_SIZE": "0", "TEMPORAL_DEV_HISTORY_CACHE_SIZE": "lots", "TEMPORAL_DEV_EVENTS_CACHE_SIZE": "4 parsecs"} {
		if _, err := Load(ModeDev, nil, env(map[string]string{k: v}), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v, want one naming it", k, v, err)
		}
	}
	var help bytes.Buffer
	if _, err := Load(ModeWorker, []string{"--help"}, env(nil), &help); err != ErrHelp || !strings.Contains(help.String(), "--worker-cache-size, $WORKER_CACHE_SIZE") {
		t.Fatalf("worker --help (%v) does not list WORKER_CACHE_SIZE:\n%s", err, help.String())
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default %q (%v), want none: X-Forwarded-For ignored", c.TrustedProxies, err)
	}
	gateway := map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_APP_SECRET": "s",
		"TRUSTED_PROXIES": " 10.0.0.5, 172.16.0.0/12,,fd00::/8 ,::1"}
	c, err = Load(ModeGateway, nil, env(gateway), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.0.0.5", "172.16.0.0/12", "fd00::/8", "::1"}; strings.Join(c.TrustedProxies, " ") != strings.Join(want, " ") {
		t.Fatalf("TRUSTED_PROXIES read as %q, want %q", c.TrustedProxies, want)
	}
	c, err = Load(ModeDev, []string{"--trusted-proxies", "127.0.0.1"}, env(nil), &bytes.Buffer{})
	if err != nil || strings.Join(c.TrustedProxies, " ") != "127.0.0.1" {
		t.Fatalf("--trusted-proxies: %q, %v", c.TrustedProxies, err)
	}
	for _, bad := range []string{"proxy.internal", "10.0.0.300", "10.0.0.0/33", "fe80::1%eth0", "10.0.0.1:8080"} {
		_, err := Load(ModeDev, nil, env(map[string]string{"TRUSTED_PROXIES": "10.0.0.1," + bad}), &bytes.Buffer{})
		if err == nil || !strings.HasPrefix(err.Error(), "TRUSTED_PROXIES: ") || !strings.Contains(err.Error(), bad) {
			t.Errorf("TRUSTED_PROXIES=10.0.0.1,%s: error %v, want one naming the variable and the value", bad, err)
		}
	}
}

func TestBotTurnsPerMinute(t *testing.T) {
	c, err := Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil || c.BotTurnsPerMinute != 6 {
		t.Fatalf("default: %d, %v", c.BotTurnsPerMinute, err)
	}
	if c, err := Load(ModeDev, nil, env(map[string]string{"BOT_TURNS_PER_MINUTE": "20"}), &bytes.Buffer{}); err != nil || c.BotTurnsPerMinute != 20 {
		t.Fatalf("20: %+v, %v", c, err)
	}
	for _, v := range []string{"0", "-1", "lots"} {
		if _, err := Load(ModeDev, nil, env(map[string]string{"BOT_TURNS_PER_MINUTE": v}), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "BOT_TURNS_PER_MINUTE") {
			t.Fatalf("BOT_TURNS_PER_MINUTE=%s: %v", v, err)
		}
	}
}

// A command keeps the defaults of the settings it does not read, whatever the environment says of them.
func TestSettingsACommandDoesNotReadKeepTheirDefaults(t *testing.T) {
	c, err := Load(ModeClassify, nil, env(map[string]string{"HANDOFF_IDLE_TIMEOUT": "soon", "HTTP_ADDR": ":1"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HandoffIdleTimeout != 30*time.Minute || c.HTTPAddr != ":8080" || c.OpenAIModel != "gpt-4o-mini" || !c.CSAT {
		t.Fatalf("classify: %+v", c)
	}
	if _, err := Load(ModeClassify, []string{"--http-addr", ":1"}, env(nil), &bytes.Buffer{}); err == nil {
		t.Fatal("classify took --http-addr, a flag it does not read")
	}
}

func TestMediaStore(t *testing.T) {
	c, err := Load(ModeDev, nil, env(map[string]string{"DATA_DIR": "/var/lib/supportd"}), &bytes.Buffer{})
	if err != nil || c.MediaStore != "file:///var/lib/supportd/media" || c.MediaStoreWarning() != "" {
		t.Fatalf("dev MEDIA_STORE = %q, warning %q, %v; want file://{DATA_DIR}/media and no warning", c.MediaStore, c.MediaStoreWarning(), err)
	}
	c, err = Load(ModeDev, nil, env(nil), &bytes.Buffer{})
	if err != nil || !strings.HasPrefix(c.MediaStore, "file:///") || !strings.HasSuffix(c.MediaStore, "/.data/media") {
		t.Fatalf("dev MEDIA_STORE with the default DATA_DIR = %q, %v; want an absolute file url ending in .data/media", c.MediaStore, err)
	}
	gateway := map[string]string{"TEMPORAL_ADDRESS": "t:7233", "REDIS_URL": "redis://r:6379", "WHATSAPP_APP_SECRET": "s"}
	c, err = Load(ModeGateway, nil, env(gateway), &bytes.Buffer{})
	if err != nil || c.MediaStore != "" || !strings.Contains(c.MediaStoreWarning(), "MEDIA_STORE") {
		t.Fatalf("gateway without MEDIA_STORE = %q, warning %q, %v; want empty and a warning naming it", c.MediaStore, c.MediaStoreWarning(), err)
	}
	gateway["MEDIA_STORE"] = "s3://supportd-media?endpoint=http://minio:9000&region=us-east-1"
	c, err = Load(ModeGateway, nil, env(gateway), &bytes.Buffer{})
	if err != nil || c.MediaStore != gateway["MEDIA_STORE"] || c.MediaStoreWarning() != "" {
		t.Fatalf("gateway with an s3 MEDIA_STORE = %q, warning %q, %v", c.MediaStore, c.MediaStoreWarning(), err)
	}
}
