// Package topology runs supportd as it runs in production and breaks it: a Temporal server on PostgreSQL
// (the schema set up by deploy/temporal/setup-schema.sh with temporal-sql-tool), a real redis-server, and
// `supportd worker` and `supportd gateway` processes of the production build (-tags nodev) talking to a
// fake WhatsApp Graph API.
//
// The Temporal server runs inside the test process, from the same go.temporal.io/server library that
// `supportd dev` embeds, so no second server binary is built; the test binary also doubles as
// temporal-sql-tool for the schema script. PostgreSQL is taken from SUPPORTD_TEST_POSTGRES (host:port,
// default 127.0.0.1:5432) as SUPPORTD_TEST_POSTGRES_USER (default postgres, password
// SUPPORTD_TEST_POSTGRES_PASSWORD); without one the tests skip and say so. Each run uses two fresh
// databases with a random suffix and drops them at the end.
package topology

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/supportd/supportd/devserver"
	"github.com/supportd/supportd/internal/bench"
	"github.com/supportd/supportd/internal/testkit"
)

// sqlToolEnv makes the test binary run temporal-sql-tool with its arguments instead of the tests; bareEnv
// makes it run a part of the bare baseline (bench.RunBareProcess).
const (
	sqlToolEnv = "SUPPORTD_TEST_RUN_SQL_TOOL"
	bareEnv    = "SUPPORTD_TEST_RUN_BARE"
)

func TestMain(m *testing.M) {
	if os.Getenv(sqlToolEnv) == "1" {
		args := append([]string{"temporal-sql-tool"}, os.Args[1:]...)
		if err := sqltool.RunTool(args); err != nil {
			fmt.Fprintln(os.Stderr, "temporal-sql-tool:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv(bareEnv) == "1" {
		if err := bench.RunBareProcess(os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, "bare baseline:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	flag.Parse()
	if testing.Short() {
		fmt.Println("topology tests skipped in -short mode")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "supportd-topology-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	buildOnce.dir = dir
	return m.Run()
}

const (
	appSecret  = "topology-app-secret"
	agentToken = "topology-agent-token"
	namespace  = "default"
)

// searchAttributes are registered on the namespace, as deploy/temporal/setup-namespace.sh does.
var searchAttributes = map[string]enumspb.IndexedValueType{
	"SupportStatus":  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"CustomerPhone":  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"CustomerUserID": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// postgres is the PostgreSQL the tests use.
type postgres struct {
	host, user, password string
	port                 int
}

func (p postgres) addr() string { return net.JoinHostPort(p.host, strconv.Itoa(p.port)) }

func (p postgres) sql(db string) *config.SQL {
	return &config.SQL{PluginName: "postgres12", DatabaseName: db, ConnectAddr: p.addr(), ConnectProtocol: "tcp",
		User: p.user, Password: p.password}
}

// findPostgres returns the PostgreSQL to use, or skips the test saying why there is none.
func findPostgres(t testing.TB) postgres {
	t.Helper()
	addr := os.Getenv("SUPPORTD_TEST_POSTGRES")
	if addr == "" {
		addr = "127.0.0.1:5432"
	}
	host, portText, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portText)
	if err != nil || perr != nil {
		t.Fatalf("SUPPORTD_TEST_POSTGRES=%q is not host:port", addr)
	}
	p := postgres{host: host, port: port, user: os.Getenv("SUPPORTD_TEST_POSTGRES_USER"), password: os.Getenv("SUPPORTD_TEST_POSTGRES_PASSWORD")}
	if p.user == "" {
		p.user = "postgres"
	}
	conn, err := sqltool.NewConnection(p.sql("postgres"), log.NewNoopLogger())
	if err != nil {
		t.Skipf("no PostgreSQL for the production topology at %s as %s (%v): set SUPPORTD_TEST_POSTGRES=host:port "+
			"and SUPPORTD_TEST_POSTGRES_USER/_PASSWORD, or run scripts/test, which installs and starts one", addr, p.user, err)
	}
	conn.Close()
	return p
}

// cluster is a Temporal server on PostgreSQL with its namespace, a redis-server, the fake Graph API and the
// production build of supportd, ready to start workers and gateways.
type cluster struct {
	t        testing.TB
	dir      string
	pg       postgres
	temporal *devserver.Server
	client   client.Client
	redis    *testkit.Redis
	graph    *testkit.Graph
	binary   string
}

// startCluster brings up everything but the supportd processes. The databases are dropped at the end.
func startCluster(t testing.TB) *cluster {
	t.Helper()
	pg := findPostgres(t)
	c := &cluster{t: t, dir: t.TempDir(), pg: pg, graph: testkit.NewGraph(t)}

	built := make(chan error, 1)
	c.binary = filepath.Join(c.dir, "supportd")
	go func() { built <- buildSupportd(c.binary) }()

	suffix := randomSuffix()
	db, visibility := "supportd_topo_"+suffix, "supportd_topo_vis_"+suffix
	t.Cleanup(func() {
		for _, name := range []string{db, visibility} {
			if err := sqltool.DoDropDatabase(pg.sql(name), "postgres", log.NewNoopLogger()); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		}
	})
	start := time.Now()
	c.setupSchema(db, visibility)
	t.Logf("schema: %v", time.Since(start).Round(time.Millisecond))

	srv, err := devserver.Start(devserver.Options{
		Namespace: namespace,
		Postgres: &devserver.Postgres{Addr: pg.addr(), User: pg.user, Password: pg.password, Database: db, VisibilityDatabase: visibility,
			// 4 × (6 + 3) = 36 connections: room for other users of a default PostgreSQL (max_connections 100).
			MaxConns: 6, VisibilityMaxConns: 3},
		HistoryShards: 4,
		Logger:        slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c.temporal = srv
	c.client = c.dial(namespace)
	c.setupNamespace()
	t.Logf("temporal on postgresql at %s: %v", srv.Address(), time.Since(start).Round(time.Millisecond))

	r, err := testkit.StartRedisServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	c.redis = r

	if err := <-built; err != nil {
		t.Fatal(err)
	}
	t.Logf("ready: %v", time.Since(start).Round(time.Millisecond))
	return c
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var buildOnce struct {
	sync.Mutex
	dir  string // removed when the test binary ends
	path string
}

// buildSupportd builds the production binary once per test binary and links it at path.
func buildSupportd(path string) error {
	buildOnce.Lock()
	defer buildOnce.Unlock()
	if buildOnce.path == "" {
		out := filepath.Join(buildOnce.dir, "supportd")
		cmd := exec.Command("go", "build", "-tags", "nodev", "-o", out, "./cmd/supportd")
		cmd.Dir = ".."
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build -tags nodev ./cmd/supportd: %v\n%s", err, b)
		}
		buildOnce.path = out
	}
	return os.Symlink(buildOnce.path, path)
}

// setupSchema runs deploy/temporal/setup-schema.sh as production does, with this test binary as
// temporal-sql-tool on PATH, and without SQL_PASSWORD when PostgreSQL trusts the user.
func (c *cluster) setupSchema(db, visibility string) {
	c.t.Helper()
	self, err := os.Executable()
	if err != nil {
		c.t.Fatal(err)
	}
	bin := filepath.Join(c.dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "temporal-sql-tool")); err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command("sh", filepath.Join("..", "deploy", "temporal", "setup-schema.sh"))
	cmd.Env = []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + c.dir,
		sqlToolEnv + "=1",
		"SQL_HOST=" + c.pg.host,
		"SQL_PORT=" + strconv.Itoa(c.pg.port),
		"SQL_USER=" + c.pg.user,
		"TEMPORAL_DB=" + db,
		"VISIBILITY_DB=" + visibility,
	}
	if c.pg.password != "" {
		cmd.Env = append(cmd.Env, "SQL_PASSWORD="+c.pg.password)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("deploy/temporal/setup-schema.sh: %v\n%s", err, out)
	}
}

func (c *cluster) dial(ns string) client.Client {
	c.t.Helper()
	tc, err := client.Dial(client.Options{HostPort: c.temporal.Address(), Namespace: ns,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(tc.Close)
	return tc
}

// setupNamespace does what deploy/temporal/setup-namespace.sh does with the temporal CLI: it creates the
// namespace, then the search attributes, retrying while the new namespace reaches every service.
func (c *cluster) setupNamespace() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	retry(c.t, ctx, "register namespace", func() error {
		_, err := c.client.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour)})
		var exists *serviceerror.NamespaceAlreadyExists
		if errors.As(err, &exists) {
			return nil
		}
		return err
	})
	retry(c.t, ctx, "add search attributes", func() error {
		_, err := c.client.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace: namespace, SearchAttributes: searchAttributes})
		var exists *serviceerror.AlreadyExists
		if errors.As(err, &exists) {
			return nil
		}
		return err
	})
	retry(c.t, ctx, "list search attributes", func() error {
		resp, err := c.client.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
		if err != nil {
			return err
		}
		for name := range searchAttributes {
			if _, ok := resp.CustomAttributes[name]; !ok {
				return fmt.Errorf("%s not registered yet", name)
			}
		}
		return nil
	})
}

func retry(t testing.TB, ctx context.Context, what string, f func() error) {
	t.Helper()
	for {
		err := f()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %v", what, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// env is the configuration every supportd process of the cluster gets, plus extra.
func (c *cluster) env(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.dir,
		"TMPDIR=" + os.TempDir(),
		"TEMPORAL_ADDRESS=" + c.temporal.Address(),
		"TEMPORAL_NAMESPACE=" + namespace,
		"REDIS_URL=" + c.redis.URL,
		"WHATSAPP_API_URL=" + c.graph.URL(),
		"WHATSAPP_ACCESS_TOKEN=" + c.graph.AccessToken(),
		"WHATSAPP_PHONE_NUMBER_ID=" + c.graph.PhoneNumberID(),
		"WHATSAPP_APP_SECRET=" + appSecret,
		"WHATSAPP_VERIFY_TOKEN=topology-verify",
		"AGENT_API_TOKEN=" + agentToken,
		"PUBLIC_URL=http://127.0.0.1:8080",
		"LOG_FORMAT=json",
		"LOG_LEVEL=info",
		// The benchmark's measure of idle conversations sizes the workers' cache as the caller asks.
		"WORKER_CACHE_SIZE=" + os.Getenv("WORKER_CACHE_SIZE"),
	}, extra...)
}

// process is one supportd worker or gateway.
type process struct {
	t    testing.TB
	name string
	cmd  *exec.Cmd
	url  string // where /readyz answers; the gateway's base URL
	logs string
	done chan struct{}
}

// startWorker starts `supportd worker` with its own METRICS_ADDR.
func (c *cluster) startWorker(name string, extra ...string) *process {
	return c.start(name, "worker", "METRICS_ADDR", extra)
}

// startGateway starts `supportd gateway` with its own HTTP_ADDR.
func (c *cluster) startGateway(name string, extra ...string) *process {
	return c.start(name, "gateway", "HTTP_ADDR", extra)
}

// startBare starts one part of the bare baseline (bench.BareWorker or bench.BareHandler) as a process of this
// test binary, configured as supportd's processes are; it serves /readyz on HTTP_ADDR.
func (c *cluster) startBare(name string, role bench.BareRole, extra ...string) *process {
	self, err := os.Executable()
	if err != nil {
		c.t.Fatal(err)
	}
	return c.startProgram(name, self, nil, "HTTP_ADDR", append([]string{bareEnv + "=1", "BARE_ROLE=" + string(role)}, extra...))
}

func (c *cluster) start(name, command, addrVar string, extra []string) *process {
	return c.startProgram(name, c.binary, []string{command}, addrVar, extra)
}

func (c *cluster) startProgram(name, program string, args []string, addrVar string, extra []string) *process {
	c.t.Helper()
	port, err := testkit.FreePort()
	if err != nil {
		c.t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	p := &process{t: c.t, name: name, url: "http://" + addr, logs: filepath.Join(c.dir, name+".log"), done: make(chan struct{})}
	logs, err := os.Create(p.logs)
	if err != nil {
		c.t.Fatal(err)
	}
	p.cmd = exec.Command(program, args...)
	p.cmd.Env = c.env(append([]string{addrVar + "=" + addr}, extra...)...)
	p.cmd.Stdout, p.cmd.Stderr = logs, logs
	if err := p.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		logs.Close()
		close(p.done)
	}()
	c.t.Cleanup(func() {
		p.stop()
		if c.t.Failed() {
			b, _ := os.ReadFile(p.logs)
			c.t.Logf("%s logs (last 4 KiB):\n%s", name, tail(b, 4096))
		}
	})
	return p
}

// waitReady waits until the process answers /readyz with 200.
func (p *process) waitReady() {
	p.t.Helper()
	ready := testkit.Poll(60*time.Second, func() bool {
		if resp, err := http.Get(p.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case <-p.done:
			b, _ := os.ReadFile(p.logs)
			p.t.Fatalf("%s exited before it was ready:\n%s", p.name, tail(b, 4096))
		default:
		}
		return false
	})
	if !ready {
		p.t.Fatalf("%s not ready after 60s", p.name)
	}
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the process with SIGTERM, then SIGKILL after 10 s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.kill()
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// testWriter sends the Temporal server's errors to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
