package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Customer links: every identifier a customer was seen with (a wa_id, a business-scoped user ID) points to
// the key of their conversation, so that a message carrying any of them reaches the same conversation. The
// links are a fast path only: the conversation keeps the identifiers in its search attributes (CustomerPhone,
// CustomerUserID), and the gateway finds it there when Redis has lost them (RebuildLinks).
const (
	linkPrefix = "wa_link:"
	// LinkTTL outlives any customer's silence worth remembering; each message renews it.
	LinkTTL = 400 * 24 * time.Hour
	// linksComplete is set once every link Temporal knows was written to this Redis: a miss is then final.
	linksComplete = "wa_links:complete"
	linksRebuild  = "wa_links:rebuilding"
)

// LinkCustomer points every identifier in ids to the conversation key.
func (s *Store) LinkCustomer(ctx context.Context, key string, ids ...string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			if id != "" {
				p.Set(ctx, linkPrefix+id, key, LinkTTL)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis link customer: %w", err)
	}
	return nil
}

// ClaimCustomer resolves the customer known by ids (the phone first) to one conversation key in one atomic
// step: the key the first linked identifier of ids points to or, when none is linked, newKey; and it links to
// that key every identifier of ids that has no link yet. Two first messages of one customer arriving at once
// with different identifiers (the phone and the user ID, the user ID alone) so agree on one conversation: the
// first claim wins and the other gets its key. A link that exists is left as it is.
func (s *Store) ClaimCustomer(ctx context.Context, newKey string, ids ...string) (string, error) {
	keys := linkKeys(ids)
	if len(keys) == 0 || newKey == "" {
		return "", errors.New("redis claim customer: no identifier")
	}
	key, err := claimCustomer.Run(ctx, s.rdb, keys, newKey, LinkTTL.Milliseconds()).Text()
	if err != nil {
		return "", fmt.Errorf("redis claim customer: %w", err)
	}
	return key, nil
}

// claimCustomer returns the value of the first of KEYS that is set, or ARGV[1] when none is, and sets every
// KEYS that is not set to it, for ARGV[2] milliseconds.
var claimCustomer = redis.NewScript(`
local key = false
for i = 1, #KEYS do
  key = redis.call('GET', KEYS[i])
  if key then break end
end
if not key then key = ARGV[1] end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], key, 'PX', ARGV[2], 'NX')
end
return key
`)

// CustomerKey returns the conversation key the first linked identifier of ids points to; false when none is
// linked.
func (s *Store) CustomerKey(ctx context.Context, ids ...string) (string, bool, error) {
	keys := linkKeys(ids)
	if len(keys) == 0 {
		return "", false, nil
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return "", false, fmt.Errorf("redis customer key: %w", err)
	}
	for _, v := range vals {
		if key, ok := v.(string); ok && key != "" {
			return key, true, nil
		}
	}
	return "", false, nil
}

// linkKeys are the Redis keys of the links of ids, the empty ones left out.
func linkKeys(ids []string) []string {
	var keys []string
	for _, id := range ids {
		if id != "" {
			keys = append(keys, linkPrefix+id)
		}
	}
	return keys
}

// LinksComplete reports whether Redis holds every link (none was lost since the last rebuild), so that an
// identifier without a link belongs to no conversation yet.
func (s *Store) LinksComplete(ctx context.Context) (bool, error) {
	n, err := s.rdb.Exists(ctx, linksComplete).Result()
	if err != nil {
		return false, fmt.Errorf("redis links state: %w", err)
	}
	return n == 1, nil
}

// LinksIncomplete drops the mark that Redis holds every link, after a link could not be written: misses
// then ask Temporal again until the next rebuild.
func (s *Store) LinksIncomplete(ctx context.Context) error {
	return s.rdb.Del(ctx, linksComplete).Err()
}

// RebuildLinks rebuilds the links from list, which yields every conversation key with its identifiers (from
// Temporal's visibility), and then marks the links complete. One gateway rebuilds at a time; the others
// return at once (false). A flush of Redis while it runs leaves the links incomplete, and the next miss
// rebuilds again.
func (s *Store) RebuildLinks(ctx context.Context, list func(link func(key string, ids ...string) error) error) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, linksRebuild, time.Now().UnixMilli(), 2*time.Minute).Result()
	if err != nil || !ok {
		return false, err
	}
	defer s.rdb.Del(context.WithoutCancel(ctx), linksRebuild)
	if err := list(func(key string, ids ...string) error { return s.LinkCustomer(ctx, key, append(ids, key)...) }); err != nil {
		return true, fmt.Errorf("rebuild customer links: %w", err)
	}
	// Set only if the rebuild lock is still ours: a flush during the rebuild removed it.
	if n, err := s.rdb.Exists(ctx, linksRebuild).Result(); err != nil || n == 0 {
		return true, errors.Join(err, errors.New("rebuild customer links: redis was flushed meanwhile"))
	}
	return true, s.rdb.Set(ctx, linksComplete, time.Now().UTC().Format(time.RFC3339), 0).Err()
}
