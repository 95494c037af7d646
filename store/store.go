// Package store keeps supportd's fast shared state in Redis: the chat_status mirror other systems read, the
// conversation list the agent console shows, the deduplication keys of webhooks, and what WhatsApp reported
// about each tagged send (sends.go). Temporal stays the source of truth: everything here can be lost and
// rebuilt.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/workflows/conversation"
)

// Key layout.
const (
	statusPrefix       = "chat_status:"
	conversationPrefix = "conversation:"
	conversationsIndex = "conversations"
	dedupePrefix       = "dedupe:"
)

// Store is the Redis-backed shared state.
type Store struct {
	rdb redis.UniversalClient
}

// New wraps a Redis client.
func New(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// StatusKey is the Redis key mirroring a customer's bot status (docs/CONTRACT.md).
func StatusKey(phone string) string { return statusPrefix + phone }

// Mirror writes chat_status:{wa_id} (active, or paused with an expiry) and the conversation's list entry,
// and announces the entry on ChangesChannel in the same transaction (see WatchChanges).
func (s *Store) Mirror(ctx context.Context, m conversation.Mirror) error {
	entry, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode conversation entry: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if m.Status.BotSilent() {
			ttl := m.PausedFor
			if ttl <= 0 {
				ttl = 24 * time.Hour
			}
			p.Set(ctx, StatusKey(m.Phone), "paused", ttl)
		} else {
			p.Set(ctx, StatusKey(m.Phone), "active", 0)
		}
		p.Set(ctx, conversationPrefix+m.Phone, entry, 0)
		score := float64(m.LastActivity.UnixMilli())
		p.ZAdd(ctx, conversationsIndex, redis.Z{Score: score, Member: m.Phone})
		p.Publish(ctx, ChangesChannel, entry)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis mirror: %w", err)
	}
	return nil
}

// Conversations returns the mirrored list entries, newest activity first (at most limit).
func (s *Store) Conversations(ctx context.Context, limit int) ([]conversation.Mirror, error) {
	phones, err := s.rdb.ZRevRange(ctx, conversationsIndex, 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis list conversations: %w", err)
	}
	return s.Entries(ctx, phones)
}

// Entries returns the mirrored entries of the given phones, skipping those Redis does not know.
func (s *Store) Entries(ctx context.Context, phones []string) ([]conversation.Mirror, error) {
	if len(phones) == 0 {
		return nil, nil
	}
	keys := make([]string, len(phones))
	for i, p := range phones {
		keys[i] = conversationPrefix + p
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis read conversations: %w", err)
	}
	out := make([]conversation.Mirror, 0, len(vals))
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var m conversation.Mirror
		if json.Unmarshal([]byte(str), &m) == nil && m.Phone != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// Delivery is what the fast-path deduplication knows of an inbound message id.
type Delivery int

const (
	// DeliveryClaimed: nobody is handling the id; this delivery has claimed it for a short while.
	DeliveryClaimed Delivery = iota
	// DeliveryPending: another delivery claimed the id and has not yet reported it done (it may be handing
	// it over right now, or it may have crashed).
	DeliveryPending
	// DeliveryDone: a delivery reported the id durably handed over; a redelivery can be skipped.
	DeliveryDone
)

func (d Delivery) String() string {
	switch d {
	case DeliveryClaimed:
		return "claimed"
	case DeliveryPending:
		return "pending"
	case DeliveryDone:
		return "done"
	}
	return fmt.Sprintf("Delivery(%d)", int(d))
}

// Values of a two-phase delivery key. Any other value (such as "1", written by Claim) proves nothing.
const (
	deliveryPending = "pending"
	deliveryDone    = "done"
)

// claimScript claims KEYS[1] as pending for ARGV[1] milliseconds unless it is pending or done already, and
// returns what it found.
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' or v == 'pending' then return v end
redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[1])
return 'claimed'
`)

// releaseScript deletes KEYS[1] if it is still pending: a delivery that reported done stays done.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0
`)

// ClaimDelivery is the first phase of the two-phase deduplication of inbound messages: it claims id as
// pending for ttl, unless another delivery has claimed it or reported it done. A pending claim only says
// that someone may be at work: it expires on its own, so a delivery that crashed before MarkDelivered
// leaves nothing that would make a redelivery be skipped.
func (s *Store) ClaimDelivery(ctx context.Context, kind, id string, ttl time.Duration) (Delivery, error) {
	v, err := claimScript.Run(ctx, s.rdb, []string{dedupePrefix + kind + ":" + id}, ttl.Milliseconds()).Text()
	if err != nil {
		return DeliveryClaimed, fmt.Errorf("redis claim: %w", err)
	}
	return parseDelivery(v), nil
}

// DeliveryState reports what is known of id without claiming it; DeliveryClaimed then means that nobody
// holds it.
func (s *Store) DeliveryState(ctx context.Context, kind, id string) (Delivery, error) {
	v, err := s.rdb.Get(ctx, dedupePrefix+kind+":"+id).Result()
	if errors.Is(err, redis.Nil) {
		return DeliveryClaimed, nil
	}
	if err != nil {
		return DeliveryClaimed, fmt.Errorf("redis claim state: %w", err)
	}
	return parseDelivery(v), nil
}

// MarkDelivered is the second phase: id is durably handed over (for a WhatsApp message: Temporal accepted
// the signal), and redeliveries within ttl are skipped. Call it only once that is true.
func (s *Store) MarkDelivered(ctx context.Context, kind, id string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, dedupePrefix+kind+":"+id, deliveryDone, ttl).Err(); err != nil {
		return fmt.Errorf("redis mark delivered: %w", err)
	}
	return nil
}

// ReleaseDelivery forgets a pending claim after a failed hand-over, so that a redelivery does not wait for
// it. A key already reported done is left alone.
func (s *Store) ReleaseDelivery(ctx context.Context, kind, id string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{dedupePrefix + kind + ":" + id}).Err(); err != nil {
		return fmt.Errorf("redis release claim: %w", err)
	}
	return nil
}

func parseDelivery(v string) Delivery {
	switch v {
	case deliveryDone:
		return DeliveryDone
	case deliveryPending:
		return DeliveryPending
	}
	return DeliveryClaimed
}

const threadPrefix = "slack_thread:"

// threadTTL keeps a thread's conversation long after the handoff, for late replies.
const threadTTL = 90 * 24 * time.Hour

// SaveThread remembers that a Slack thread (its root ts) belongs to a customer's conversation.
func (s *Store) SaveThread(ctx context.Context, channel, ts, phone string) error {
	return s.rdb.Set(ctx, threadPrefix+channel+":"+ts, phone, threadTTL).Err()
}

// ThreadPhone returns the customer of a Slack thread, or "" when unknown.
func (s *Store) ThreadPhone(ctx context.Context, channel, ts string) (string, error) {
	v, err := s.rdb.Get(ctx, threadPrefix+channel+":"+ts).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return v, err
}
