package testkit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a real redis-server started for a test, on a free port, with its data in a temporary directory.
type Redis struct {
	Addr string
	URL  string
	dir  string
	port int
	cmd  *exec.Cmd
}

// StartRedis starts redis-server (it must be on PATH, or at $REDIS_SERVER) and stops it when the test ends.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	r, err := StartRedisServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// StartRedisServer starts redis-server with its files in dir, for a whole test binary (TestMain); the caller
// stops it.
func StartRedisServer(dir string) (*Redis, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	r := &Redis{dir: dir, port: port}
	r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	r.URL = "redis://" + r.Addr + "/0"
	if err := r.Start(); err != nil {
		return nil, err
	}
	return r, nil
}

func redisServer() (string, error) {
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/redis-server", "/usr/local/bin/redis-server"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER")
}

// Start (re)starts the server on the same port.
func (r *Redis) Start() error {
	bin, err := redisServer()
	if err != nil {
		return err
	}
	r.cmd = exec.Command(bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c.Ping(context.Background()).Err() == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("redis-server on %s did not answer within 10s", r.Addr)
}

// Stop kills the server.
func (r *Redis) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Client returns a client for the server, closed when the test ends.
func (r *Redis) Client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
//
// It picks below the kernel's ephemeral range (32768 and up on Linux), which outgoing connections draw from:
// a port the kernel hands out for ":0" can be taken by a client's connection before the process binds it. It
// keeps to 26000-31999, above the ports an embedded Temporal server picks for itself (devserver: 20000-25999).
func FreePort() (int, error) {
	for range 200 {
		port := 26000 + rand.IntN(6000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, errors.New("no free port between 26000 and 32000")
}
