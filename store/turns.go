package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// A bot turn on the model path answers in one activity: the model's reply goes straight to the customer
// when the conversation's rules allow, without a round trip through the workflow. A person taking over at the
// same moment must win or lose cleanly, never both. The turn's key in Redis decides: the reply activity
// claims it just before it sends, the workflow stops it when the bot is stopped, and whoever comes first
// holds it (activities.TurnFence).

const (
	turnPrefix  = "bot_turn:"
	turnStopped = "stopped"
)

// claimTurn sets KEYS[1] to ARGV[1] (the sender) unless the turn was stopped; a sender claiming again (a
// retried attempt) keeps it.
var claimTurn = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then return 1 end
return 0
`)

// stopTurn sets KEYS[1] to 'stopped' unless a sender holds it.
var stopTurn = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], 'stopped', 'PX', ARGV[1]) return 1 end
if v == 'stopped' then return 1 end
return 0
`)

// ClaimTurn lets sender send the bot's reply of turn, unless the turn was stopped first. It is true when the
// sender holds the turn (also when it held it already).
func (s *Store) ClaimTurn(ctx context.Context, turn, sender string, ttl time.Duration) (bool, error) {
	if sender == "" || sender == turnStopped {
		return false, fmt.Errorf("claim turn: invalid sender %q", sender)
	}
	n, err := claimTurn.Run(ctx, s.rdb, []string{turnPrefix + turn}, sender, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis claim turn: %w", err)
	}
	return n == 1, nil
}

// StopTurn stops turn: no sender can claim it afterwards. It is false when a sender already holds it (the
// reply is on its way to the customer).
func (s *Store) StopTurn(ctx context.Context, turn string, ttl time.Duration) (bool, error) {
	n, err := stopTurn.Run(ctx, s.rdb, []string{turnPrefix + turn}, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis stop turn: %w", err)
	}
	return n == 1, nil
}
