package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/supportd/supportd/workflows/conversation"
)

// A bot turn on the model path answers in one activity: the model's reply goes straight to the customer
// when the conversation's rules allow, without a round trip through the workflow. A person taking over at the
// same moment must win or lose cleanly, never both. The turn's key in Redis decides (conversation.TurnFence):
//
//   - empty: nobody has acted yet;
//   - "claim:{sender}": one attempt of the reply activity is sending the reply, for at most the claim's
//     expiry (the attempt's send is bounded by the same time, so it cannot land after the claim lapsed);
//   - "sent:{wamid}": an attempt sent it (a later attempt reports it instead of sending);
//   - "stopped": the workflow stopped the bot first; nothing may be sent.
//
// Beside it, "{key}:typing" holds the attempt showing the typing indicator, for as long as that call may take:
// a stop waits for it, so that "typing…" never shows after a person took over.

const (
	turnPrefix  = "bot_turn:"
	turnStopped = "stopped"
	claimPrefix = "claim:"
	sentPrefix  = "sent:"
	typingKey   = ":typing"
)

// claimTurn: KEYS[1] the turn, ARGV[1] the claim value, ARGV[2] its expiry in ms. It returns {state, detail}:
// 1 claimed (also by the same sender before), 0 stopped, 2 sent (detail: the wamid), 3 another attempt holds
// it (detail: ms until its claim lapses).
var claimTurn = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return {1, ''} end
if v == ARGV[1] then return {1, ''} end
if v == 'stopped' then return {0, ''} end
if string.sub(v, 1, 5) == 'sent:' then return {2, string.sub(v, 6)} end
return {3, tostring(redis.call('PTTL', KEYS[1]))}
`)

// markTurnSent: KEYS[1] the turn; the claim ARGV[1] becomes 'sent:' .. ARGV[2] for ARGV[3] ms.
var markTurnSent = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], 'sent:' .. ARGV[2], 'PX', ARGV[3]) return 1 end
return 0
`)

// stopTurn sets KEYS[1] to 'stopped' unless an attempt claimed it or sent it; it returns {stopped, ms left of
// a typing indicator under way on KEYS[2] (negative for none)}.
var stopTurn = redis.NewScript(`
local typing = redis.call('PTTL', KEYS[2])
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], 'stopped', 'PX', ARGV[1]) return {1, typing} end
if v == 'stopped' then return {1, typing} end
return {0, typing}
`)

// typeTurn: unless KEYS[1] is stopped, KEYS[2] is set to the sender ARGV[1] for ARGV[2] ms.
var typeTurn = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'stopped' then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`)

// typedTurn deletes KEYS[1] when it still holds ARGV[1].
var typedTurn = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`)

func validSender(sender string) error {
	if sender == "" || sender == turnStopped || strings.ContainsAny(sender, " \n") {
		return fmt.Errorf("bot turn: invalid sender %q", sender)
	}
	return nil
}

// ClaimTurn lets one attempt (sender) send the bot's reply of turn for window, unless the turn was stopped,
// sent, or claimed by another attempt whose claim has not lapsed.
func (s *Store) ClaimTurn(ctx context.Context, turn, sender string, window time.Duration) (conversation.TurnClaim, error) {
	if err := validSender(sender); err != nil {
		return conversation.TurnClaim{}, err
	}
	v, err := claimTurn.Run(ctx, s.rdb, []string{turnPrefix + turn}, claimPrefix+sender, window.Milliseconds()).Slice()
	if err != nil || len(v) != 2 {
		return conversation.TurnClaim{}, fmt.Errorf("redis claim turn: %v", err)
	}
	state, _ := v[0].(int64)
	detail, _ := v[1].(string)
	switch state {
	case 1:
		return conversation.TurnClaim{State: conversation.TurnClaimed}, nil
	case 0:
		return conversation.TurnClaim{State: conversation.TurnStopped}, nil
	case 2:
		return conversation.TurnClaim{State: conversation.TurnSent, MessageID: detail}, nil
	}
	var ms int64
	fmt.Sscan(detail, &ms)
	return conversation.TurnClaim{State: conversation.TurnBusy, Wait: time.Duration(max(ms, 0)) * time.Millisecond}, nil
}

// MarkTurnSent records that sender's claim of turn was sent as wamid, for ttl.
func (s *Store) MarkTurnSent(ctx context.Context, turn, sender, wamid string, ttl time.Duration) error {
	if err := markTurnSent.Run(ctx, s.rdb, []string{turnPrefix + turn}, claimPrefix+sender, wamid, ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("redis mark turn sent: %w", err)
	}
	return nil
}

// StopTurn stops turn: no attempt can claim it afterwards. stopped is false when an attempt already holds it
// or sent it (the reply is on its way to the customer). typing is how long a typing indicator under way may
// still take.
func (s *Store) StopTurn(ctx context.Context, turn string, ttl time.Duration) (stopped bool, typing time.Duration, err error) {
	key := turnPrefix + turn
	v, err := stopTurn.Run(ctx, s.rdb, []string{key, key + typingKey}, ttl.Milliseconds()).Slice()
	if err != nil || len(v) != 2 {
		return false, 0, fmt.Errorf("redis stop turn: %v", err)
	}
	n, _ := v[0].(int64)
	ms, _ := v[1].(int64)
	return n == 1, time.Duration(max(ms, 0)) * time.Millisecond, nil
}

// TypeTurn notes that sender shows the typing indicator for turn, for at most window; false when the turn was
// stopped (the indicator must not show).
func (s *Store) TypeTurn(ctx context.Context, turn, sender string, window time.Duration) (bool, error) {
	if err := validSender(sender); err != nil {
		return false, err
	}
	key := turnPrefix + turn
	n, err := typeTurn.Run(ctx, s.rdb, []string{key, key + typingKey}, sender, window.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis type turn: %w", err)
	}
	return n == 1, nil
}

// TypedTurn notes that sender's typing indicator call for turn is over.
func (s *Store) TypedTurn(ctx context.Context, turn, sender string) error {
	if err := typedTurn.Run(ctx, s.rdb, []string{turnPrefix + turn + typingKey}, sender).Err(); err != nil {
		return fmt.Errorf("redis typed turn: %w", err)
	}
	return nil
}
