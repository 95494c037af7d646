package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/supportd/supportd/store"
)

// The agent console's event stream (GET /api/events) tells the consoles what changed, so that they do not
// ask Temporal every few seconds. Every gateway subscribes to the changes the workflows mirror to Redis
// (store.WatchChanges), so whichever gateway a console is connected to, it hears every conversation.
//
// Events, as server-sent events:
//
//	event: ready          sent first; read the list now (what happened before the stream is not replayed)
//	event: conversation   a conversation's list entry changed; data is the entry, as GET /api/conversations has it
//	event: resync         the gateway may have missed changes (it reconnected to Redis); read the list again
//
// and a comment line every heartbeat, so that proxies keep an idle stream open and a console notices a
// stream that stopped. The stream ends when the gateway shuts down; the console connects again.
//
// A stream holds a connection and a goroutine for as long as the console is open, so each agent may hold
// Options.MaxAgentStreams of them and the gateway Options.MaxStreams; past either the answer is 429, and
// the console tries again later (polling the list meanwhile). A stream that ends frees its place at once.

const (
	// defaultStreamHeartbeat is well under the 60 s read timeout of nginx and most load balancers.
	defaultStreamHeartbeat = 15 * time.Second
	// streamRetry is the reconnection delay suggested to EventSource clients.
	streamRetry = 3 * time.Second
	// streamBuffer is how many events a slow console may fall behind before its stream is ended (it then
	// connects again and reads the list afresh).
	streamBuffer = 64

	// DefaultMaxAgentStreams is a person with a few console tabs open.
	DefaultMaxAgentStreams = 5
	// DefaultMaxStreams bounds what the streams cost one gateway: a connection, a goroutine and a buffer
	// each.
	DefaultMaxStreams = 500
)

// Why a stream is refused.
var (
	errStreamsClosed  = errors.New("the gateway is shutting down")
	errAgentStreams   = errors.New("too many event streams open for this agent")
	errGatewayStreams = errors.New("too many event streams open on this gateway")
)

var (
	readyFrame  = []byte("event: ready\ndata: {}\n\n")
	resyncFrame = []byte("event: resync\ndata: {}\n\n")
	beatFrame   = []byte(": keepalive\n\n")
)

// streams is the set of open event streams of one gateway, fed by one Redis subscription.
type streams struct {
	mu      sync.Mutex
	clients map[*stream]struct{}
	// owned counts the open streams of each agent (streamOwner).
	owned  map[string]int
	closed bool
	// stopWatch ends the Redis subscription; nil until the first stream opens it.
	stopWatch context.CancelFunc
	watching  sync.WaitGroup
}

// stream is one console's connection.
type stream struct {
	owner  string
	frames chan []byte
	end    chan struct{}
	once   sync.Once
}

func (st *stream) close() { st.once.Do(func() { close(st.end) }) }

// add registers a new stream of owner, starting the subscription with watch if it is the first. It refuses
// once the gateway is shutting down (errStreamsClosed), when owner already holds perOwner streams
// (errAgentStreams), and when the gateway holds perGateway (errGatewayStreams).
func (ss *streams) add(owner string, perOwner, perGateway int, watch func(ctx context.Context)) (*stream, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	switch {
	case ss.closed:
		return nil, errStreamsClosed
	case ss.owned[owner] >= perOwner:
		return nil, errAgentStreams
	case len(ss.clients) >= perGateway:
		return nil, errGatewayStreams
	}
	if ss.clients == nil {
		ss.clients = map[*stream]struct{}{}
		ss.owned = map[string]int{}
	}
	if ss.stopWatch == nil {
		ctx, cancel := context.WithCancel(context.Background())
		ss.stopWatch = cancel
		ss.watching.Go(func() { watch(ctx) })
	}
	st := &stream{owner: owner, frames: make(chan []byte, streamBuffer), end: make(chan struct{})}
	ss.clients[st] = struct{}{}
	ss.owned[owner]++
	return st, nil
}

// remove forgets a stream that ended, freeing its place.
func (ss *streams) remove(st *stream) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, ok := ss.clients[st]; !ok {
		return
	}
	delete(ss.clients, st)
	if ss.owned[st.owner]--; ss.owned[st.owner] == 0 {
		delete(ss.owned, st.owner)
	}
}

// broadcast queues frame on every stream; a stream that fell too far behind is ended instead.
func (ss *streams) broadcast(frame []byte) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for st := range ss.clients {
		select {
		case st.frames <- frame:
		default:
			st.close()
		}
	}
}

// closeAll ends every stream, refuses new ones and stops the subscription.
func (ss *streams) closeAll() {
	ss.mu.Lock()
	ss.closed = true
	for st := range ss.clients {
		st.close()
	}
	stop := ss.stopWatch
	ss.mu.Unlock()
	if stop != nil {
		stop()
	}
	ss.watching.Wait()
}

// CloseStreams ends every console event stream and refuses new ones. An event stream never finishes by
// itself, so call it when shutdown starts (http.Server.RegisterOnShutdown), or Shutdown waits for the
// streams until its deadline. Drain calls it too.
func (s *Server) CloseStreams() { s.streams.closeAll() }

// watchChanges feeds the streams from Redis until ctx ends.
func (s *Server) watchChanges(ctx context.Context) {
	s.opts.Store.WatchChanges(ctx, store.Watcher{
		Subscribed: func() { s.streams.broadcast(resyncFrame) },
		Changed: func(m conversation.Mirror) {
			snap := m.Snapshot()
			snap.TemporalURL = s.temporalURL(snap.Phone)
			data, err := json.Marshal(snap)
			if err != nil {
				return
			}
			s.streams.broadcast(fmt.Appendf(nil, "event: conversation\ndata: %s\n\n", data))
		},
	})
}

// streamOwner is the agent a console event stream counts against. Agents have no identity of their own
// yet: every console signs in with the one AGENT_API_TOKEN. So an agent is told apart by the address their
// console connects from (as TRUSTED_PROXIES lets the gateway see it), and agents behind one address share
// its streams.
func streamOwner(c *gin.Context) string { return c.ClientIP() }

// events serves GET /api/events, the console's event stream.
func (s *Server) events(c *gin.Context) {
	st, err := s.streams.add(streamOwner(c), s.opts.MaxAgentStreams, s.opts.MaxStreams, s.watchChanges)
	if errors.Is(err, errStreamsClosed) {
		c.Header("Retry-After", "3")
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": err.Error()})
		return
	}
	if err != nil {
		s.logger(c).Warn("console event stream refused", "reason", err.Error(), "remote", c.ClientIP())
		msg := fmt.Sprintf("this gateway already serves %d console event streams, its most: try again later", s.opts.MaxStreams)
		if errors.Is(err, errAgentStreams) {
			msg = fmt.Sprintf("%d console event streams are open for this agent, the most one agent may hold: close a console tab, or wait for one to end", s.opts.MaxAgentStreams)
		} else {
			c.Header("Retry-After", "30")
		}
		c.JSON(http.StatusTooManyRequests, gin.H{"error": msg})
		return
	}
	defer s.streams.remove(st)
	s.opts.Metrics.ConsoleStream(1)
	defer s.opts.Metrics.ConsoleStream(-1)

	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	c.Status(http.StatusOK)
	w := c.Writer
	send := func(frames ...[]byte) bool {
		for _, f := range frames {
			if _, err := w.Write(f); err != nil {
				return false
			}
		}
		w.Flush()
		return true
	}
	if !send(fmt.Appendf(nil, "retry: %d\n\n", streamRetry.Milliseconds()), readyFrame) {
		return
	}
	beat := s.opts.StreamHeartbeat
	if beat <= 0 {
		beat = defaultStreamHeartbeat
	}
	ticker := time.NewTicker(beat)
	defer ticker.Stop()
	for {
		select {
		case <-c.Request.Context().Done():
			return
		case <-st.end:
			return
		case f := <-st.frames:
			if !send(f) {
				return
			}
		case <-ticker.C:
			if !send(beatFrame) {
				return
			}
		}
	}
}
