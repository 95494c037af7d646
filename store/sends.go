package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/workflows/conversation"
)

// Send records: what WhatsApp reported about each tagged send (activities.SendOnce), and the marks of sends
// under way. A record is keyed by the send's tag, the biz_opaque_callback_data WhatsApp echoes in status
// webhooks.
const (
	sendPrefix    = "wa_send:"
	sendingPrefix = "wa_sending:"
	// SendRecordTTL keeps a record as long as Meta may redeliver its status webhooks.
	SendRecordTTL = 7 * 24 * time.Hour
)

// recordSend keeps the first WAMID reported for a tag and the most advanced status, and renews the expiry.
// It returns 1 when the status moved the record forward.
var recordSend = redis.NewScript(`
local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
redis.call('HSETNX', KEYS[1], 'wamid', ARGV[1])
local changed = 0
if tonumber(ARGV[3]) > rank then
  redis.call('HSET', KEYS[1], 'status', ARGV[2], 'rank', ARGV[3])
  changed = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return changed
`)

// RecordSend records that WhatsApp took the message tagged tag as wamid, with status (accepted, sent,
// delivered, read or failed). It reports whether the record changed: false for a redelivered or out-of-order
// status that says nothing new.
func (s *Store) RecordSend(ctx context.Context, tag, wamid string, status conversation.Delivery) (bool, error) {
	rank := status.Rank()
	if rank < 0 {
		return false, fmt.Errorf("record send: unknown status %q", status)
	}
	if tag == "" || wamid == "" {
		return false, errors.New("record send: no tag or no message id")
	}
	n, err := recordSend.Run(ctx, s.rdb, []string{sendPrefix + tag}, wamid, string(status), rank, SendRecordTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis record send: %w", err)
	}
	return n == 1, nil
}

// SendRecord returns what is known of the send tagged tag; false when nothing is.
func (s *Store) SendRecord(ctx context.Context, tag string) (conversation.SendRecord, bool, error) {
	v, err := s.rdb.HMGet(ctx, sendPrefix+tag, "wamid", "status").Result()
	if err != nil {
		return conversation.SendRecord{}, false, fmt.Errorf("redis read send: %w", err)
	}
	wamid, _ := v[0].(string)
	status, _ := v[1].(string)
	if wamid == "" {
		return conversation.SendRecord{}, false, nil
	}
	return conversation.SendRecord{MessageID: wamid, Status: conversation.Delivery(status)}, true, nil
}

// MarkSending notes that a send tagged tag is about to reach WhatsApp, for ttl.
func (s *Store) MarkSending(ctx context.Context, tag string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, sendingPrefix+tag, strconv.FormatInt(time.Now().UnixMilli(), 10), ttl).Err(); err != nil {
		return fmt.Errorf("redis mark send: %w", err)
	}
	return nil
}

// Sending reports whether a send tagged tag was marked and not cleared since.
func (s *Store) Sending(ctx context.Context, tag string) (bool, error) {
	n, err := s.rdb.Exists(ctx, sendingPrefix+tag).Result()
	if err != nil {
		return false, fmt.Errorf("redis read send mark: %w", err)
	}
	return n == 1, nil
}

// ClearSending removes the mark of a send that WhatsApp refused.
func (s *Store) ClearSending(ctx context.Context, tag string) error {
	if err := s.rdb.Del(ctx, sendingPrefix+tag).Err(); err != nil {
		return fmt.Errorf("redis clear send mark: %w", err)
	}
	return nil
}
