// Package devserver runs a Temporal server and its Web UI inside the supportd process, for `supportd dev`
// and for integration tests: on SQLite (a file or memory), or on PostgreSQL for the tests of the production
// topology. It is the only package that imports go.temporal.io/server: production builds leave it out with
// the `nodev` build tag.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	postgresplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

const clusterName = "active"

// Options configures an embedded server.
type Options struct {
	// IP the services bind to; defaults to 127.0.0.1.
	IP string
	// Port is the frontend gRPC port (0 picks a free one).
	Port int
	// UIPort is the Web UI port; 0 turns the UI off.
	UIPort int
	// Namespace is created at start with SearchAttributes registered.
	Namespace string
	// DatabaseFile is the SQLite file; empty keeps everything in memory.
	DatabaseFile string
	// SearchAttributes are the custom search attributes of the namespace.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's warnings and errors.
	Logger *slog.Logger
	// Postgres, when set, persists to PostgreSQL instead of SQLite (DatabaseFile is then ignored). Its two
	// databases must already hold Temporal's schema (deploy/temporal/setup-schema.sh), and the namespace is
	// not created here: register it through the frontend, as deploy/temporal/setup-namespace.sh does.
	Postgres *Postgres
	// HistoryShards is fixed when the cluster's database is first used; 0 means 1.
	HistoryShards int32
	// HistoryCacheSize bounds the workflow states the history service keeps in memory (one per open
	// conversation it has seen lately); 0 means DefaultHistoryCacheSize. A state not cached is read from the
	// database when its workflow next moves.
	HistoryCacheSize int
	// EventsCacheBytes bounds the history events kept in memory, per history shard; 0 means
	// DefaultEventsCacheBytes.
	EventsCacheBytes int64
	// SuggestContinueAsNewEvents is the history length at which the server suggests continue-as-new; 0 keeps
	// Temporal's (4096 events). Tests lower it to see long conversations roll over.
	SuggestContinueAsNewEvents int
}

// Defaults of the caches; Temporal's own are 128,000 workflow states and 512 KiB of events per shard.
const (
	DefaultHistoryCacheSize = 2000
	DefaultEventsCacheBytes = 4 << 20
)

// Postgres is where a server on PostgreSQL keeps its state.
type Postgres struct {
	// Addr is host:port.
	Addr     string
	User     string
	Password string
	// Database holds the workflow state, VisibilityDatabase the list and search index.
	Database, VisibilityDatabase string
	// MaxConns caps each connection pool. Every service of the server (frontend, history, matching,
	// worker) has a pool for each of the two databases, so the server may open up to 4 × (MaxConns +
	// VisibilityMaxConns) connections; 0 means 20 and 10, the defaults of Temporal's own configuration.
	MaxConns, VisibilityMaxConns int
}

// Server is a running embedded Temporal server.
type Server struct {
	server   temporal.Server
	ui       *uiserver.Server
	address  string
	uiURL    string
	stopped  chan struct{}
	uiErrors chan error
}

// Start builds and starts the server, creating the database and namespace when they do not exist yet.
func Start(opts Options) (*Server, error) {
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Port == 0 {
		p, err := freePort(opts.IP)
		if err != nil {
			return nil, err
		}
		opts.Port = p
	}
	if err := portFree(opts.IP, opts.Port); err != nil {
		return nil, fmt.Errorf("temporal port: %w", err)
	}
	if opts.UIPort != 0 {
		if err := portFree(opts.IP, opts.UIPort); err != nil {
			return nil, fmt.Errorf("temporal UI port: %w", err)
		}
	}

	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	logger := newLogger(opts.Logger)
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range cfg.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(net.JoinHostPort(opts.IP, strconv.Itoa(svc.RPC.GRPCPort)))
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig(opts)),
	)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	s := &Server{server: srv, address: net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port)), stopped: make(chan struct{})}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	if opts.UIPort != 0 {
		s.ui = uiserver.NewServer(uiserveroptions.WithConfigProvider(&uiconfig.Config{
			Host:                opts.IP,
			Port:                opts.UIPort,
			TemporalGRPCAddress: s.address,
			EnableUI:            true,
			DefaultNamespace:    opts.Namespace,
			CORS:                uiconfig.CORS{CookieInsecure: true},
			HideLogs:            true,
			DisableNewsFetch:    true,
		}))
		s.uiURL = fmt.Sprintf("http://%s", net.JoinHostPort(displayHost(opts.IP), strconv.Itoa(opts.UIPort)))
		s.uiErrors = make(chan error, 1)
		go func() {
			if err := s.ui.Start(); err != nil && !errors.Is(err, context.Canceled) {
				opts.Logger.Error("temporal web UI stopped", "error", err)
				s.uiErrors <- err
			}
		}()
	}
	return s, nil
}

// Address is the frontend's host:port for SDK clients.
func (s *Server) Address() string { return s.address }

// UIURL is the Web UI's base URL, empty when the UI is off.
func (s *Server) UIURL() string { return s.uiURL }

// Stop stops the UI and the server.
func (s *Server) Stop() {
	if s.ui != nil {
		s.ui.Stop()
	}
	s.server.Stop()
}

// MaxConnections is the most connections a server with these settings opens to PostgreSQL.
func (p *Postgres) MaxConnections() int {
	main, vis := p.pools()
	return 4 * (main + vis)
}

func (p *Postgres) pools() (main, visibility int) {
	main, visibility = p.MaxConns, p.VisibilityMaxConns
	if main <= 0 {
		main = 20
	}
	if visibility <= 0 {
		visibility = 10
	}
	return main, visibility
}

func (p *Postgres) sql(database string, maxConns int) *config.SQL {
	return &config.SQL{
		PluginName:      postgresplugin.PluginName,
		DatabaseName:    database,
		ConnectAddr:     p.Addr,
		ConnectProtocol: "tcp",
		User:            p.User,
		Password:        p.Password,
		MaxConns:        maxConns,
		MaxIdleConns:    maxConns,
		MaxConnLifetime: time.Hour,
	}
}

func buildConfig(opts Options) (*config.Config, error) {
	var cfg config.Config
	cfg.Persistence.NumHistoryShards = 1
	if opts.HistoryShards > 0 {
		cfg.Persistence.NumHistoryShards = opts.HistoryShards
	}
	if p := opts.Postgres; p != nil {
		main, vis := p.pools()
		cfg.Persistence.DefaultStore = "postgres"
		cfg.Persistence.VisibilityStore = "postgres-visibility"
		cfg.Persistence.DataStores = map[string]config.DataStore{
			"postgres":            {SQL: p.sql(p.Database, main)},
			"postgres-visibility": {SQL: p.sql(p.VisibilityDatabase, vis)},
		}
	} else {
		sqlCfg, err := sqliteStore(opts)
		if err != nil {
			return nil, err
		}
		cfg.Persistence.DefaultStore = "sqlite"
		cfg.Persistence.VisibilityStore = "sqlite"
		cfg.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlCfg}}
	}
	return finishConfig(opts, &cfg)
}

// sqliteStore prepares the SQLite database, its schema and the namespace.
func sqliteStore(opts Options) (*config.SQL, error) {
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName}
	if opts.DatabaseFile == "" {
		sqlCfg.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		sqlCfg.DatabaseName = fmt.Sprintf("supportd-%d", time.Now().UnixNano())
	} else {
		// The sqlite plugin passes the URI parameters it knows (mode, cache, ...) as they are and turns every
		// other key into _pragma=<key>=<value>: the keys are the pragma names themselves. WAL lets readers run
		// beside the writer and, with synchronous=normal, syncs on checkpoints instead of on every commit.
		sqlCfg.ConnectAttributes = map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "normal"}
		sqlCfg.DatabaseName = opts.DatabaseFile
		if err := os.MkdirAll(filepath.Dir(opts.DatabaseFile), 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		if _, err := os.Stat(opts.DatabaseFile); errors.Is(err, os.ErrNotExist) {
			if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
				return nil, fmt.Errorf("set up temporal schema in %s: %w", opts.DatabaseFile, err)
			}
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", opts.Namespace, err)
	}
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("create namespace %s: %w", opts.Namespace, err)
	}
	return sqlCfg, nil
}

// finishConfig fills in the cluster and the services, the same for every store.
func finishConfig(opts Options, cfg *config.Config) (*config.Config, error) {
	httpPort, err := freePort(opts.IP)
	if err != nil {
		return nil, err
	}
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = opts.IP
	cfg.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port)),
				HTTPAddress:            net.JoinHostPort(opts.IP, strconv.Itoa(httpPort)),
				ClusterID:              "supportd-dev",
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		var svc config.Service
		svc.RPC.BindOnIP = opts.IP
		if name == "frontend" {
			svc.RPC.GRPCPort = opts.Port
			svc.RPC.HTTPPort = httpPort
		} else {
			p, err := freePort(opts.IP)
			if err != nil {
				return nil, err
			}
			svc.RPC.GRPCPort = p
		}
		cfg.Services[name] = svc
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	cfg.PublicClient.HostPort = net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port))
	return cfg, nil
}

func dynamicConfig(opts Options) dynamicconfig.StaticClient {
	dc := dynamicconfig.StaticClient{}
	set := func(key string, v any) { dc[dynamicconfig.MakeKey(key)] = v }
	setting := func(key dynamicconfig.Key, v any) { dc[key] = v }
	// The search attributes are read from the server's cache, refreshed every minute. Forcing a refresh on
	// every read (what Temporal's own dev server does) costs a database read under a lock for every start,
	// signal-with-start and visibility write: a tenth to a sixth of the CPU per answered message here.
	set("frontend.persistenceMaxQPS", 10000)
	set("history.persistenceMaxQPS", 45000)
	set("frontend.namespaceRPS.visibility", 100)
	// The caches, bounded (the keys of go.temporal.io/server v1.32: the history cache is host level only).
	historyCache, eventsCache := opts.HistoryCacheSize, opts.EventsCacheBytes
	if historyCache <= 0 {
		historyCache = DefaultHistoryCacheSize
	}
	if eventsCache <= 0 {
		eventsCache = DefaultEventsCacheBytes
	}
	setting(dynamicconfig.HistoryCacheHostLevelMaxSize.Key(), historyCache)
	setting(dynamicconfig.EventsCacheMaxSizeBytes.Key(), int(eventsCache))
	if opts.SuggestContinueAsNewEvents > 0 {
		setting(dynamicconfig.HistoryCountSuggestContinueAsNew.Key(), opts.SuggestContinueAsNewEvents)
	}
	return dc
}

// freePort finds a port no one listens on for a service that binds it a moment later. It picks below the
// kernel's ephemeral range (32768 and up on Linux), which outgoing connections draw from: a port the kernel
// hands out for ":0" can be taken by a client's connection before the service binds it. It keeps to 20000-25999,
// below the ports testkit.FreePort hands out (26000-31999), so that an embedded server and the processes a test
// starts beside it never pick the same port in the moment between a pick and its bind.
func freePort(ip string) (int, error) {
	for range 200 {
		port := 20000 + rand.IntN(6000)
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, errors.New("find a free port: none free between 20000 and 26000")
}

func portFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("%d is in use (is another supportd dev or Temporal server running?): %w", port, err)
	}
	return l.Close()
}

func displayHost(ip string) string {
	if ip == "127.0.0.1" || ip == "0.0.0.0" || ip == "::" {
		return "localhost"
	}
	return ip
}
