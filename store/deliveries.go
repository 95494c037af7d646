package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/workflows/conversation"
)

// Deliveries: what WhatsApp last reported about each outbound message, by its WAMID, so that the transcript
// shows sent, delivered and read without a workflow task per status. The conversation hears of failures
// itself (it tells the agents); this record is what the API adds to the lines it returns.
const deliveryPrefix = "wa_delivery:"

// recordDelivery keeps the most advanced status (a late "sent" never overwrites "read") and the reason of a
// failure. It returns 1 when the status moved forward.
var recordDelivery = redis.NewScript(`
local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
local changed = 0
if tonumber(ARGV[2]) > rank then
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'rank', ARGV[2], 'error', ARGV[3])
  changed = 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return changed
`)

// RecordDelivery records a status of the outbound message wamid and reports whether it said something new.
func (s *Store) RecordDelivery(ctx context.Context, wamid string, status conversation.Delivery, reason string) (bool, error) {
	rank := status.Rank()
	if rank < 0 || wamid == "" {
		return false, fmt.Errorf("record delivery: unknown status %q or no message id", status)
	}
	n, err := recordDelivery.Run(ctx, s.rdb, []string{deliveryPrefix + wamid}, string(status), rank, reason, SendRecordTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis record delivery: %w", err)
	}
	return n == 1, nil
}

// Deliveries adds to the outbound lines of a transcript what WhatsApp reported about them, where that is
// more than the line says.
func (s *Store) Deliveries(ctx context.Context, lines []conversation.Line) error {
	var idx []int
	p := s.rdb.Pipeline()
	var cmds []*redis.SliceCmd
	for i, l := range lines {
		if l.ID != "" && (l.From == conversation.FromBot || l.From == conversation.FromAgent) && l.Source != conversation.SourceBusinessApp {
			idx = append(idx, i)
			cmds = append(cmds, p.HMGet(ctx, deliveryPrefix+l.ID, "status", "error"))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	if _, err := p.Exec(ctx); err != nil && err != redis.Nil {
		return fmt.Errorf("redis deliveries: %w", err)
	}
	for j, i := range idx {
		v := cmds[j].Val()
		status, _ := v[0].(string)
		reason, _ := v[1].(string)
		if d := conversation.Delivery(status); d.Rank() > lines[i].Delivery.Rank() {
			lines[i].Delivery = d
			if d == conversation.DeliveryFailed && lines[i].Error == "" {
				lines[i].Error = reason
			}
		}
	}
	return nil
}
