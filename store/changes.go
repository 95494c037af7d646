package store

import (
	"context"
	"encoding/json"
	"github.com/supportd/supportd/workflows/conversation"
	"time"

	"github.com/redis/go-redis/v9"
)

// ChangesChannel is the Redis pub/sub channel on which Mirror announces every list entry it writes, so that
// every gateway can push the change to the agent consoles it serves.
//
// Pub/sub, not a stream: a change is a hint, and the entry itself stays in Redis. A subscriber that was away
// (a gateway restart, a Redis failover, a console that lost its connection) reads the list once when it is
// back instead of replaying what it missed, which is correct however long it was away, where a trimmed
// stream would not be.
const ChangesChannel = "supportd:conversation_changes"

// Watcher is told what WatchChanges hears.
type Watcher struct {
	// Subscribed runs each time the subscription starts or starts again after Redis was unreachable:
	// changes announced before it may have been missed, so whoever relies on them should read afresh.
	Subscribed func()
	// Changed runs for each entry a Mirror wrote, in the order Redis delivers them.
	Changed func(conversation.Mirror)
}

// WatchChanges delivers every change any process mirrors until ctx is done. It reconnects by itself when
// Redis goes away and comes back (calling Subscribed again), so it returns only with ctx.
func (s *Store) WatchChanges(ctx context.Context, w Watcher) {
	ps := s.rdb.Subscribe(ctx, ChangesChannel)
	defer ps.Close()
	ch := ps.ChannelWithSubscriptions(redis.WithChannelSize(256), redis.WithChannelHealthCheckInterval(15*time.Second))
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			switch m := msg.(type) {
			case *redis.Subscription:
				if m.Kind == "subscribe" && w.Subscribed != nil {
					w.Subscribed()
				}
			case *redis.Message:
				var e conversation.Mirror
				if json.Unmarshal([]byte(m.Payload), &e) == nil && e.Phone != "" && w.Changed != nil {
					w.Changed(e)
				}
			}
		}
	}
}
