// Package deploy holds the files docker-compose.yml needs (Temporal set-up scripts, dynamic config, the
// knowledge-base mount) and the tests that check the compose stack, the Dockerfile and .env.example against
// the binary: no Docker engine is needed.
package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/supportd/supportd/internal/config"
	"github.com/supportd/supportd/kb"
)

const root = ".." // the repository root, from this package's directory

// supportdServices are the compose services that run the supportd image, by the command they run.
var supportdServices = map[string]config.Mode{"worker": config.ModeWorker, "gateway": config.ModeGateway}

var wantServices = []string{"postgresql", "temporal-schema", "temporal", "temporal-setup", "temporal-ui", "redis", "worker", "gateway"}

// ---- loading ----------------------------------------------------------------------------------------------

type composeFile struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image         string         `yaml:"image"`
	Build         any            `yaml:"build"`
	Command       any            `yaml:"command"`
	Entrypoint    any            `yaml:"entrypoint"`
	EnvFile       any            `yaml:"env_file"`
	Environment   any            `yaml:"environment"`
	Ports         []any          `yaml:"ports"`
	Volumes       []any          `yaml:"volumes"`
	DependsOn     any            `yaml:"depends_on"`
	Healthcheck   map[string]any `yaml:"healthcheck"`
	ContainerName string         `yaml:"container_name"`
	Restart       string         `yaml:"restart"`
	User          string         `yaml:"user"`
}

func loadCompose(t *testing.T, b []byte) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse compose YAML: %v", err)
	}
	return c
}

func readFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envLine is one line of an env file: an assignment, or a commented-out one ("# VAR=value").
type envLine struct {
	Name, Value string
	Commented   bool
	Line        int
}

var (
	assignRE    = regexp.MustCompile(`^([A-Z][A-Z0-9_]*)=(.*)$`)
	commentedRE = regexp.MustCompile(`^#\s*([A-Z][A-Z0-9_]*)=(.*)$`)
)

// parseEnvFile reads an env file in the subset that docker-compose v1 and v2 read the same way: VAR=value,
// no quotes, no comment after a value, comment lines starting with #.
func parseEnvFile(t *testing.T, b []byte) []envLine {
	t.Helper()
	var out []envLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "#"):
			if m := commentedRE.FindStringSubmatch(line); m != nil {
				out = append(out, envLine{Name: m[1], Value: m[2], Commented: true, Line: n})
			}
		default:
			m := assignRE.FindStringSubmatch(line)
			if m == nil {
				t.Errorf(".env.example:%d: not a VAR=value line: %q", n, line)
				continue
			}
			v := m[2]
			if strings.ContainsAny(v, `"'`) || strings.Contains(v, " #") || strings.TrimSpace(v) != v {
				t.Errorf(".env.example:%d: %s: value must be bare (no quotes, spaces or trailing comment): %q", n, m[1], v)
			}
			out = append(out, envLine{Name: m[1], Value: v, Line: n})
		}
	}
	return out
}

func activeEnv(lines []envLine) map[string]string {
	m := map[string]string{}
	for _, l := range lines {
		if !l.Commented {
			m[l.Name] = l.Value
		}
	}
	return m
}

// envMap normalises a compose environment (a map, or a list of VAR=value).
func envMap(t *testing.T, v any) map[string]string {
	t.Helper()
	m := map[string]string{}
	switch e := v.(type) {
	case nil:
	case map[string]any:
		for k, val := range e {
			if val == nil {
				m[k] = ""
			} else {
				m[k] = fmt.Sprint(val)
			}
		}
	case []any:
		for _, item := range e {
			k, val, _ := strings.Cut(fmt.Sprint(item), "=")
			m[k] = val
		}
	default:
		t.Fatalf("environment has unexpected form %T", v)
	}
	return m
}

// dependsOn normalises depends_on to service -> condition ("service_started" for the list form).
func dependsOn(t *testing.T, v any) map[string]string {
	t.Helper()
	m := map[string]string{}
	switch d := v.(type) {
	case nil:
	case []any:
		for _, s := range d {
			m[fmt.Sprint(s)] = "service_started"
		}
	case map[string]any:
		for name, opts := range d {
			cond := "service_started"
			if o, ok := opts.(map[string]any); ok && o["condition"] != nil {
				cond = fmt.Sprint(o["condition"])
			}
			m[name] = cond
		}
	default:
		t.Fatalf("depends_on has unexpected form %T", v)
	}
	return m
}

func stringList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return strings.Fields(x)
	case []any:
		var out []string
		for _, s := range x {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// containerPorts lists the container ports a service publishes (short "host:container/proto" or long form).
func containerPorts(t *testing.T, ports []any) []int {
	t.Helper()
	var out []int
	for _, p := range ports {
		var target string
		switch x := p.(type) {
		case map[string]any:
			target = fmt.Sprint(x["target"])
		default:
			s := fmt.Sprint(x)
			s, _, _ = strings.Cut(s, "/")
			parts := strings.Split(s, ":")
			target = parts[len(parts)-1]
		}
		n, err := strconv.Atoi(target)
		if err != nil {
			t.Errorf("port %v: container port %q is not a number", p, target)
			continue
		}
		out = append(out, n)
	}
	return out
}

var interpolationRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// interpolate applies compose's ${VAR}, ${VAR:-default} and ${VAR:?message} with the values in env.
func interpolate(s string, env map[string]string) (string, error) {
	var err error
	out := interpolationRE.ReplaceAllStringFunc(s, func(m string) string {
		g := interpolationRE.FindStringSubmatch(m)
		val, set := env[g[1]]
		switch g[2] {
		case ":-":
			if val == "" {
				return g[3]
			}
		case "-":
			if !set {
				return g[3]
			}
		case ":?", "?":
			if val == "" {
				err = fmt.Errorf("${%s} is required: %s", g[1], g[3])
			}
		}
		return val
	})
	return out, err
}

func configVars() map[string]config.Var {
	m := map[string]config.Var{}
	for _, v := range config.Vars() {
		m[v.Env] = v
	}
	return m
}

func reads(v config.Var, mode config.Mode) bool { return slices.Contains(v.Modes, mode) }

// ---- docker-compose.yml, read as YAML ---------------------------------------------------------------------

func TestComposeServices(t *testing.T) {
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	for _, name := range wantServices {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %s is missing", name)
		}
	}
	for name, s := range c.Services {
		if s.ContainerName != "" {
			t.Errorf("%s: container_name %q prevents --scale and clashes between projects", name, s.ContainerName)
		}
		if s.Image == "" {
			t.Errorf("%s: no image", name)
		}
		if !supportdService(name) && (!strings.Contains(s.Image, ":") || strings.HasSuffix(s.Image, ":latest")) {
			t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
		}
	}

	serverVersion := moduleVersion(t, "go.temporal.io/server")
	for _, name := range []string{"temporal", "temporal-schema", "temporal-setup"} {
		img := c.Services[name].Image
		repo, tag, _ := strings.Cut(img, ":")
		if want := "v" + tag; want != serverVersion {
			t.Errorf("%s: image %s, but go.mod has go.temporal.io/server %s: keep them on the same release", name, img, serverVersion)
		}
		if name == "temporal" && repo != "temporalio/server" || name != "temporal" && repo != "temporalio/admin-tools" {
			t.Errorf("%s: image %s is not the official Temporal image for it", name, img)
		}
	}
	if ui := c.Services["temporal-ui"].Image; !strings.HasPrefix(ui, "temporalio/ui:2.") {
		t.Errorf("temporal-ui: image %s, want temporalio/ui:2.x", ui)
	}
	if img := c.Services["postgresql"].Image; !strings.HasPrefix(img, "postgres:") {
		t.Errorf("postgresql: image %s", img)
	}
	if img := c.Services["redis"].Image; !strings.HasPrefix(img, "redis:") {
		t.Errorf("redis: image %s", img)
	}
}

func supportdService(name string) bool { _, ok := supportdServices[name]; return ok }

func TestComposeStartOrderAndHealth(t *testing.T) {
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	want := map[string]map[string]string{
		"temporal-schema": {"postgresql": "service_healthy"},
		"temporal":        {"postgresql": "service_healthy", "temporal-schema": "service_completed_successfully"},
		"temporal-setup":  {"temporal": "service_healthy"},
		"temporal-ui":     {"temporal": "service_healthy"},
		"worker":          {"temporal-setup": "service_completed_successfully", "redis": "service_healthy"},
		"gateway":         {"temporal-setup": "service_completed_successfully", "redis": "service_healthy"},
	}
	for name, deps := range want {
		got := dependsOn(t, c.Services[name].DependsOn)
		for dep, cond := range deps {
			if got[dep] != cond {
				t.Errorf("%s: depends_on %s is %q, want condition %s", name, dep, got[dep], cond)
			}
		}
	}
	// Every service_healthy target has a health check; every one-shot never restarts.
	for name, s := range c.Services {
		for dep, cond := range dependsOn(t, s.DependsOn) {
			target, ok := c.Services[dep]
			if !ok {
				t.Errorf("%s: depends on unknown service %s", name, dep)
				continue
			}
			switch cond {
			case "service_healthy":
				if target.Healthcheck == nil {
					t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
				}
			case "service_completed_successfully":
				if target.Restart != "no" && target.Restart != "" {
					t.Errorf("%s is a one-shot step (%s waits for it to complete) but has restart: %s", dep, name, target.Restart)
				}
			}
		}
	}
	for _, name := range []string{"postgresql", "temporal", "redis", "worker", "gateway"} {
		hc := c.Services[name].Healthcheck
		if hc == nil || len(stringList(hc["test"])) == 0 {
			t.Errorf("%s: no healthcheck", name)
		}
		if r := c.Services[name].Restart; r != "unless-stopped" && r != "always" {
			t.Errorf("%s: restart %q, want unless-stopped", name, r)
		}
	}

	// The supportd health checks call /readyz on the port the command listens on.
	for name, port := range map[string]string{"worker": "9090", "gateway": "8080"} {
		test := strings.Join(stringList(c.Services[name].Healthcheck["test"]), " ")
		if !strings.Contains(test, "127.0.0.1:"+port+"/readyz") {
			t.Errorf("%s: healthcheck %q does not call /readyz on :%s", name, test, port)
		}
		if strings.Contains(test, "curl") {
			t.Errorf("%s: healthcheck uses curl, which the Alpine image does not have (busybox wget)", name)
		}
	}
}

func TestComposeSupportdServices(t *testing.T) {
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	vars := configVars()
	worker, gateway := c.Services["worker"], c.Services["gateway"]

	if len(worker.Ports) != 0 {
		t.Errorf("worker publishes ports %v: `docker compose up --scale worker=3` would fail", worker.Ports)
	}
	if ports := containerPorts(t, gateway.Ports); !slices.Contains(ports, 8080) {
		t.Errorf("gateway publishes container ports %v, want 8080", ports)
	}
	if worker.Image != gateway.Image {
		t.Errorf("worker image %q and gateway image %q differ: both run the one supportd image", worker.Image, gateway.Image)
	}
	for name, mode := range supportdServices {
		s := c.Services[name]
		if cmd := stringList(s.Command); len(cmd) == 0 || cmd[0] != string(mode) {
			t.Errorf("%s: command %v, want [%s]", name, cmd, mode)
		}
		if s.Build == nil {
			t.Errorf("%s: no build: the image comes from ./Dockerfile", name)
		}
		if ef := stringList(s.EnvFile); !slices.Contains(ef, ".env") {
			t.Errorf("%s: env_file %v, want .env", name, ef)
		}
		if s.User == "0" || s.User == "root" {
			t.Errorf("%s: runs as root", name)
		}
		env := envMap(t, s.Environment)
		for k := range env {
			v, ok := vars[k]
			if !ok {
				t.Errorf("%s: environment passes %s, which supportd does not read (config.Vars)", name, k)
			} else if !reads(v, mode) {
				t.Errorf("%s: environment passes %s, which `supportd %s` does not read (it is for %v)", name, k, mode, v.Modes)
			}
		}
		if env["TEMPORAL_ADDRESS"] != "temporal:7233" {
			t.Errorf("%s: TEMPORAL_ADDRESS=%q, want temporal:7233", name, env["TEMPORAL_ADDRESS"])
		}
		if env["REDIS_URL"] != "redis://redis:6379/0" {
			t.Errorf("%s: REDIS_URL=%q, want redis://redis:6379/0", name, env["REDIS_URL"])
		}
		if _, ok := env["TEMPORAL_UI_URL"]; !ok {
			t.Errorf("%s: TEMPORAL_UI_URL not set", name)
		}
	}
	if got := envMap(t, worker.Environment)["METRICS_ADDR"]; got != ":9090" {
		t.Errorf("worker: METRICS_ADDR=%q, want :9090 (its healthcheck)", got)
	}
	if got := envMap(t, gateway.Environment)["HTTP_ADDR"]; got != ":8080" {
		t.Errorf("gateway: HTTP_ADDR=%q, want :8080 (its published port and healthcheck)", got)
	}

	// Redis persists to a volume with the append-only file on.
	redis := c.Services["redis"]
	if cmd := strings.Join(stringList(redis.Command), " "); !strings.Contains(cmd, "--appendonly yes") {
		t.Errorf("redis: command %q does not turn on the append-only file", cmd)
	}
	for name, path := range map[string]string{"redis": "/data", "postgresql": "/var/lib/postgresql/data"} {
		found := false
		for _, v := range c.Services[name].Volumes {
			src, rest, _ := strings.Cut(fmt.Sprint(v), ":")
			dst, _, _ := strings.Cut(rest, ":")
			if _, named := c.Volumes[src]; named && dst == path {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no named volume on %s", name, path)
		}
	}
}

// Bind mounts and the scripts the one-shot steps run exist in the repository.
func TestComposeFilesExist(t *testing.T) {
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	mounts := map[string]string{} // container path -> host path
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			src, rest, _ := strings.Cut(fmt.Sprint(v), ":")
			if !strings.HasPrefix(src, "./") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("%s: bind mount source %s: %v", name, src, err)
			}
			dst, _, _ := strings.Cut(rest, ":")
			mounts[dst] = src
		}
		if ep := stringList(s.Entrypoint); len(ep) == 2 && ep[0] == "/bin/sh" {
			script := ep[1]
			found := false
			for dst, src := range mounts {
				if rel, ok := strings.CutPrefix(script, dst+"/"); ok {
					found = true
					if _, err := os.Stat(filepath.Join(root, src, rel)); err != nil {
						t.Errorf("%s: entrypoint script %s: %v", name, script, err)
					}
				}
			}
			if !found {
				t.Errorf("%s: entrypoint script %s is not in a mounted folder", name, script)
			}
		}
	}
}

func TestSetupScripts(t *testing.T) {
	scripts, _ := filepath.Glob("temporal/*.sh")
	if len(scripts) < 2 {
		t.Fatalf("scripts: %v", scripts)
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		for _, s := range scripts {
			if out, err := exec.Command(sh, "-n", s).CombinedOutput(); err != nil {
				t.Errorf("sh -n %s: %v\n%s", s, err, out)
			}
		}
	}
	ns := string(readFile(t, "deploy/temporal/setup-namespace.sh"))
	for _, want := range []string{"--name SupportStatus --type Keyword", "--name CustomerPhone --type Keyword", "operator cluster health", "namespace create"} {
		if !strings.Contains(ns, want) {
			t.Errorf("setup-namespace.sh does not contain %q", want)
		}
	}
	schema := string(readFile(t, "deploy/temporal/setup-schema.sh"))
	for _, want := range []string{"postgresql/v12/temporal", "postgresql/v12/visibility", "update-schema", "create-database"} {
		if !strings.Contains(schema, want) {
			t.Errorf("setup-schema.sh does not contain %q", want)
		}
	}
}

// TestComposePostgresConnections: PostgreSQL allows the connections the Temporal server's pools may open,
// four services × (workflow-state pool + visibility pool), with 10 to spare for the admin steps and psql.
func TestComposePostgresConnections(t *testing.T) {
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	env := envMap(t, c.Services["temporal"].Environment)
	pool := func(name string) int {
		n, err := strconv.Atoi(env[name])
		if err != nil || n <= 0 {
			t.Fatalf("temporal: %s=%q, want a number of connections (stated, so that max_connections can be checked)", name, env[name])
		}
		return n
	}
	need := 4 * (pool("SQL_MAX_CONNS") + pool("SQL_VIS_MAX_CONNS"))
	if pool("SQL_MAX_IDLE_CONNS") > pool("SQL_MAX_CONNS") || pool("SQL_VIS_MAX_IDLE_CONNS") > pool("SQL_VIS_MAX_CONNS") {
		t.Error("temporal: more idle connections than connections")
	}
	max := 0
	for _, arg := range stringList(c.Services["postgresql"].Command) {
		if v, ok := strings.CutPrefix(arg, "max_connections="); ok {
			max, _ = strconv.Atoi(v)
		}
	}
	if max == 0 {
		max = 100 // PostgreSQL's default
	}
	if need+10 > max {
		t.Errorf("postgresql: max_connections=%d, but the Temporal server may open %d connections (4 services × (SQL_MAX_CONNS + SQL_VIS_MAX_CONNS)) and 10 more are kept for the admin steps", max, need)
	}
}

func TestDynamicConfig(t *testing.T) {
	var dc map[string][]map[string]any
	if err := yaml.Unmarshal(readFile(t, "deploy/temporal/dynamicconfig.yaml"), &dc); err != nil {
		t.Fatalf("dynamicconfig.yaml: each key must hold a list of {value, constraints}: %v", err)
	}
	for key, list := range dc {
		for i, entry := range list {
			if _, ok := entry["value"]; !ok {
				t.Errorf("dynamicconfig.yaml: %s[%d] has no value", key, i)
			}
			for k := range entry {
				if k != "value" && k != "constraints" {
					t.Errorf("dynamicconfig.yaml: %s[%d] has unknown field %q", key, i, k)
				}
			}
		}
	}
	if _, ok := dc["system.forceSearchAttributesCacheRefreshOnRead"]; ok {
		t.Error("dynamicconfig.yaml: system.forceSearchAttributesCacheRefreshOnRead is for development only")
	}
}

func TestExampleKnowledgeBase(t *testing.T) {
	if _, err := kb.Load(filepath.Join(root, "deploy/kb/example.yaml")); err != nil {
		t.Error(err)
	}
}

// ---- .env.example -----------------------------------------------------------------------------------------

func TestEnvExample(t *testing.T) {
	lines := parseEnvFile(t, readFile(t, ".env.example"))
	vars := configVars()
	mentioned := map[string]bool{}
	seen := map[string]int{}
	for _, l := range lines {
		mentioned[l.Name] = true
		if l.Commented {
			continue
		}
		if prev, dup := seen[l.Name]; dup {
			t.Errorf(".env.example:%d: %s already set on line %d", l.Line, l.Name, prev)
		}
		seen[l.Name] = l.Line
		v, ok := vars[l.Name]
		if !ok {
			t.Errorf(".env.example:%d: %s is passed to the worker and the gateway (env_file) but supportd does not read it; comment it out if it is for docker compose only", l.Line, l.Name)
			continue
		}
		if !reads(v, config.ModeWorker) && !reads(v, config.ModeGateway) {
			t.Errorf(".env.example:%d: %s is read only by %v, not by the worker or the gateway: comment it out", l.Line, l.Name, v.Modes)
		}
	}
	for name := range vars {
		if !mentioned[name] {
			t.Errorf(".env.example does not list %s (config.Vars)", name)
		}
	}
	// Secrets have no placeholder that would work: a value copied from a public file is no secret.
	for _, name := range []string{"WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_VERIFY_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "OPENAI_API_KEY", "AGENT_API_TOKEN"} {
		if v := activeEnv(lines)[name]; v != "" {
			t.Errorf(".env.example: %s=%q: leave secrets empty", name, v)
		}
	}

	// Every variable of the configuration table of docs/CONTRACT.md.
	names := contractVars(string(readFile(t, filepath.Join("docs", "CONTRACT.md"))))
	if len(names) < 20 {
		t.Fatalf("docs/CONTRACT.md: found only %d configuration variables: %v", len(names), names)
	}
	for _, name := range names {
		if !mentioned[name] {
			t.Errorf(".env.example does not list %s (docs/CONTRACT.md)", name)
		}
		if _, ok := vars[name]; !ok {
			t.Errorf("docs/CONTRACT.md lists %s, which supportd does not read", name)
		}
	}

	// Every ${VAR} docker-compose.yml reads is supportd's own or documented in .env.example.
	for _, m := range interpolationRE.FindAllStringSubmatch(string(readFile(t, "docker-compose.yml")), -1) {
		if _, ok := vars[m[1]]; !ok && !mentioned[m[1]] {
			t.Errorf("docker-compose.yml reads ${%s}, which .env.example does not document", m[1])
		}
	}
}

// contractVars lists the variables of the "Configuration (environment)" table of docs/CONTRACT.md.
func contractVars(doc string) []string {
	_, section, _ := strings.Cut(doc, "## Configuration")
	section, _, _ = strings.Cut(section, "\n## ")
	re := regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|")
	var out []string
	for _, m := range re.FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// The values of .env.example, with the compose environment on top, pass the binary's own validation; the
// only things missing are the secret the gateway cannot start without and the WhatsApp credentials the
// worker cannot send without.
func TestEnvExampleValidates(t *testing.T) {
	env := activeEnv(parseEnvFile(t, readFile(t, ".env.example")))
	c := loadCompose(t, readFile(t, "docker-compose.yml"))
	for name, mode := range supportdServices {
		t.Run(name, func(t *testing.T) {
			merged := map[string]string{}
			for k, v := range env {
				merged[k] = v
			}
			for k, v := range envMap(t, c.Services[name].Environment) {
				iv, err := interpolate(v, env)
				if err != nil {
					t.Fatalf("%s: %v", k, err)
				}
				merged[k] = iv
			}
			getenv := func(k string) string { return merged[k] }
			_, err := config.Load(mode, nil, getenv, io.Discard)
			if mode == config.ModeGateway {
				if err == nil || !strings.Contains(err.Error(), "WHATSAPP_APP_SECRET") {
					t.Fatalf("gateway with .env.example as it is: %v, want the WHATSAPP_APP_SECRET error", err)
				}
				merged["WHATSAPP_APP_SECRET"] = "s3cret"
				_, err = config.Load(mode, nil, getenv, io.Discard)
			}
			if mode == config.ModeWorker {
				if err == nil || !strings.Contains(err.Error(), "WHATSAPP_ACCESS_TOKEN") || !strings.Contains(err.Error(), "WHATSAPP_PHONE_NUMBER_ID") {
					t.Fatalf("worker with .env.example as it is: %v, want the WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID errors", err)
				}
				merged["WHATSAPP_ACCESS_TOKEN"] = "EAAG-token"
				merged["WHATSAPP_PHONE_NUMBER_ID"] = "106540352242922"
				_, err = config.Load(mode, nil, getenv, io.Discard)
			}
			if err != nil {
				t.Fatalf("supportd %s rejects .env.example + docker-compose.yml: %v", mode, err)
			}
		})
	}
}

// ---- Dockerfile and .dockerignore -------------------------------------------------------------------------

func TestDockerfile(t *testing.T) {
	df := string(readFile(t, "Dockerfile"))
	var froms []string
	var user, entrypoint string
	for _, line := range strings.Split(df, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entrypoint = strings.Join(f[1:], " ")
		}
	}
	if len(froms) < 2 {
		t.Errorf("Dockerfile: %d stages, want a multi-stage build", len(froms))
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
		t.Errorf("Dockerfile: final USER %q, want a non-root user", user)
	}
	if !strings.Contains(entrypoint, "supportd") {
		t.Errorf("Dockerfile: ENTRYPOINT %s, want supportd", entrypoint)
	}
	for _, want := range []string{"-tags nodev", "CGO_ENABLED=0", "-trimpath", "./cmd/supportd"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile: the build does not use %s", want)
		}
	}
	// The builder's Go is the one go.mod asks for.
	goVersion := goDirective(t)
	if m := regexp.MustCompile(`ARG GO_VERSION=(\S+)`).FindStringSubmatch(df); m == nil || m[1] != goVersion {
		t.Errorf("Dockerfile: ARG GO_VERSION %v, want %s (go.mod)", m, goVersion)
	}
	if !strings.Contains(froms[0], "golang:") {
		t.Errorf("Dockerfile: first stage %s, want golang", froms[0])
	}

	ignore := string(readFile(t, ".dockerignore"))
	for _, want := range []string{".env", ".git/", ".data/"} {
		if !slices.Contains(strings.Split(ignore, "\n"), want) {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
	for _, needed := range []string{"go.mod", "go.sum", "cmd", "web", "kb"} {
		if slices.Contains(strings.Split(ignore, "\n"), needed) || slices.Contains(strings.Split(ignore, "\n"), needed+"/") {
			t.Errorf(".dockerignore excludes %s, which the build needs", needed)
		}
	}
}

func goDirective(t *testing.T) string {
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(readFile(t, "go.mod")))
	if m == nil {
		t.Fatal("go.mod: no go directive")
	}
	return m[1]
}

func moduleVersion(t *testing.T, module string) string {
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(module) + `\s+(v\S+)`).FindStringSubmatch(string(readFile(t, "go.mod")))
	if m == nil {
		t.Fatalf("go.mod does not require %s", module)
	}
	return m[1]
}

// ---- the production binary --------------------------------------------------------------------------------

func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	t.Skip("go command not found")
	return ""
}

// The nodev build does not link the Temporal server, which only the devserver package imports.
func TestNodevDependencies(t *testing.T) {
	goCmd := goTool(t)
	cmd := exec.Command(goCmd, "list", "-deps", "-tags", "nodev", "./cmd/supportd")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderrOf(err))
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "go.temporal.io/server/") || pkg == "github.com/supportd/supportd/devserver" {
			t.Errorf("supportd built with -tags nodev depends on %s", pkg)
		}
	}
}

// The Dockerfile's build works here, and the binary it makes is the production one.
func TestNodevBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goCmd := goTool(t)
	bin := filepath.Join(t.TempDir(), "supportd")
	// The Dockerfile's command less -trimpath, which only rewrites file paths but would compile every
	// dependency again instead of reusing what `go test ./...` already compiled (minutes on 2 cores).
	build := exec.Command(goCmd, "build", "-tags", "nodev", "-ldflags=-s -w", "-o", bin, "./cmd/supportd")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags nodev: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("supportd (nodev, stripped): %.1f MB", float64(fi.Size())/1e6)
	if fi.Size() > 80<<20 {
		t.Errorf("nodev binary is %d MB: is the Temporal server linked again?", fi.Size()>>20)
	}
	mods, err := exec.Command(goCmd, "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	if strings.Contains(string(mods), "go.temporal.io/server") {
		t.Error("the nodev binary contains go.temporal.io/server")
	}
	if !regexp.MustCompile(`(?m)^\s*build\s+-tags=nodev\s*$`).Match(mods) {
		t.Errorf("go version -m does not show -tags=nodev:\n%s", mods)
	}

	run := func(args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("run %v: %v", args, err)
		}
		return string(out), code
	}
	out, code := run("dev")
	if code == 0 || !strings.Contains(out, "no embedded development server") || strings.Count(strings.TrimSpace(out), "\n") > 0 {
		t.Errorf("supportd dev (nodev): exit %d, output %q; want one clear error line", code, out)
	}
	for _, mode := range []string{"worker", "gateway"} {
		out, code := run(mode, "--help")
		if code != 0 || !strings.Contains(out, "TEMPORAL_ADDRESS") {
			t.Errorf("supportd %s --help: exit %d\n%s", mode, code, out)
		}
	}
	out, code = run("gateway")
	if code == 0 || !strings.Contains(out, "WHATSAPP_APP_SECRET") {
		t.Errorf("supportd gateway without configuration: exit %d, output %q; want the missing variables named", code, out)
	}
	out, code = run("worker")
	if code == 0 || !strings.Contains(out, "WHATSAPP_ACCESS_TOKEN") || strings.Count(strings.TrimSpace(out), "\n") > 0 {
		t.Errorf("supportd worker without configuration: exit %d, output %q; want one line naming the missing variables", code, out)
	}
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// ---- docker-compose config --------------------------------------------------------------------------------

// composeCommand finds Debian's docker-compose (v1) or the docker compose plugin (v2).
func composeCommand(t *testing.T) []string {
	t.Helper()
	if p, err := exec.LookPath("docker-compose"); err == nil {
		return []string{p}
	}
	if p, err := exec.LookPath("docker"); err == nil {
		if exec.Command(p, "compose", "version").Run() == nil {
			return []string{p, "compose"}
		}
	}
	t.Skip("neither docker-compose nor `docker compose` is installed (apt-get install -y docker-compose)")
	return nil
}

// TestComposeConfig runs `docker-compose config` with .env.example as the .env, in a copy of the files the
// stack needs (so that the repository gets no .env), and checks the resolved configuration.
func TestComposeConfig(t *testing.T) {
	compose := composeCommand(t)
	dir := t.TempDir()
	for _, f := range []string{"docker-compose.yml", "Dockerfile", ".dockerignore"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(dir, f))
	}
	copyFile(t, filepath.Join(root, ".env.example"), filepath.Join(dir, ".env"))
	copyFile(t, filepath.Join(root, ".env.example"), filepath.Join(dir, ".env.example"))
	copyTree(t, filepath.Join(root, "deploy"), filepath.Join(dir, "deploy"))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(compose[1:], "-f", "docker-compose.yml", "--env-file", ".env.example", "config")
	cmd := exec.CommandContext(ctx, compose[0], args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(append(compose, args...), " "), err, stderr.String())
	}
	if s := stderr.String(); strings.Contains(strings.ToLower(s), "warn") {
		t.Errorf("docker-compose config warns:\n%s", s)
	}
	c := loadCompose(t, out)

	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	want := slices.Clone(wantServices)
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Errorf("services %v, want %v", names, want)
	}
	if len(c.Services["worker"].Ports) != 0 {
		t.Errorf("worker publishes %v", c.Services["worker"].Ports)
	}
	if ports := containerPorts(t, c.Services["gateway"].Ports); !slices.Contains(ports, 8080) {
		t.Errorf("gateway publishes container ports %v, want 8080", ports)
	}

	// Everything the supportd containers get, from environment: and from env_file (.env.example), is a
	// variable that command reads, or at least one the binary reads (one .env serves both commands).
	vars := configVars()
	fromFile := activeEnv(parseEnvFile(t, readFile(t, ".env.example")))
	for name, mode := range supportdServices {
		env := envMap(t, c.Services[name].Environment)
		for _, ef := range stringList(c.Services[name].EnvFile) { // compose v1 keeps env_file apart
			for k, v := range activeEnv(parseEnvFile(t, mustRead(t, filepath.Join(dir, ef)))) {
				if _, ok := env[k]; !ok {
					env[k] = v
				}
			}
		}
		for k := range fromFile {
			if _, ok := env[k]; !ok {
				t.Errorf("%s: %s from .env.example did not reach the container", name, k)
			}
		}
		for k := range env {
			v, ok := vars[k]
			switch {
			case !ok:
				t.Errorf("%s: gets %s, which supportd does not read", name, k)
			case !reads(v, mode) && !reads(v, otherMode(mode)):
				t.Errorf("%s: gets %s, which neither the worker nor the gateway reads", name, k)
			}
		}
		if env["TEMPORAL_ADDRESS"] != "temporal:7233" || env["REDIS_URL"] != "redis://redis:6379/0" {
			t.Errorf("%s: TEMPORAL_ADDRESS=%q REDIS_URL=%q", name, env["TEMPORAL_ADDRESS"], env["REDIS_URL"])
		}
		if env["TEMPORAL_UI_URL"] != fromFile["TEMPORAL_UI_URL"] {
			t.Errorf("%s: TEMPORAL_UI_URL=%q, want .env's %q", name, env["TEMPORAL_UI_URL"], fromFile["TEMPORAL_UI_URL"])
		}
	}
}

func otherMode(m config.Mode) config.Mode {
	if m == config.ModeWorker {
		return config.ModeGateway
	}
	return config.ModeWorker
}

// cleanEnv is the process environment without variables that would change what docker compose resolves.
func cleanEnv() []string {
	vars := configVars()
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := vars[k]; ok || strings.HasPrefix(k, "COMPOSE_") || strings.HasPrefix(k, "DOCKER_") {
			continue
		}
		switch k {
		case "SUPPORTD_IMAGE", "GATEWAY_PUBLISH", "TEMPORAL_UI_PUBLISH", "TEMPORAL_PUBLISH", "POSTGRES_PASSWORD", "TEMPORAL_HISTORY_SHARDS", "TEMPORAL_RETENTION":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b := mustRead(t, src)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFile(t, path, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
