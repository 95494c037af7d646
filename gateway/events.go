package gateway

import (
	"context"
	"encoding/json"
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

const (
	// defaultStreamHeartbeat is well under the 60 s read timeout of nginx and most load balancers.
	defaultStreamHeartbeat = 15 * time.Second
	// streamRetry is the reconnection delay suggested to EventSource clients.
	streamRetry = 3 * time.Second
	// streamBuffer is how many events a slow console may fall behind before its stream is ended (it then
	// connects again and reads the list afresh).
	streamBuffer = 64
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
	closed  bool
	// stopWatch ends the Redis subscription; nil until the first stream opens it.
	stopWatch context.CancelFunc
	watching  sync.WaitGroup
}

// stream is one console's connection.
type stream struct {
	frames chan []byte
	end    chan struct{}
	once   sync.Once
}

func (st *stream) close() { st.once.Do(func() { close(st.end) }) }

// add registers a new stream, starting the subscription with watch if it is the first. It refuses once the
// gateway is shutting down.
func (ss *streams) add(watch func(ctx context.Context)) (*stream, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return nil, false
	}
	if ss.clients == nil {
		ss.clients = map[*stream]struct{}{}
	}
	if ss.stopWatch == nil {
		ctx, cancel := context.WithCancel(context.Background())
		ss.stopWatch = cancel
		ss.watching.Go(func() { watch(ctx) })
	}
	st := &stream{frames: make(chan []byte, streamBuffer), end: make(chan struct{})}
	ss.clients[st] = struct{}{}
	return st, true
}

func (ss *streams) remove(st *stream) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.clients, st)
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
			snap := store.Snapshot(m)
			snap.TemporalURL = s.temporalURL(snap.Phone)
			data, err := json.Marshal(snap)
			if err != nil {
				return
			}
			s.streams.broadcast(fmt.Appendf(nil, "event: conversation\ndata: %s\n\n", data))
		},
	})
}

// events serves GET /api/events, the console's event stream.
func (s *Server) events(c *gin.Context) {
	st, ok := s.streams.add(s.watchChanges)
	if !ok {
		c.Header("Retry-After", "3")
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "the gateway is shutting down"})
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
