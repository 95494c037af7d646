package gateway

import (
	"context"
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/supportd/supportd/internal/logx"
	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// A customer is one conversation whichever identifiers their messages carry (docs/CONTRACT.md, "Customers
// and their identifiers"). The conversation's key is fixed when it starts (the wa_id if the first message
// had one, else the business-scoped user ID); every identifier seen with it is linked to it in Redis, and
// the conversation keeps its current identifiers in the search attributes CustomerPhone and CustomerUserID.
// Redis is the fast path; when it misses and may have lost links, Temporal's visibility is asked, and the
// links are rebuilt from it once.

// customerKey returns the key of the conversation of the customer known by ids (a wa_id and/or a user ID,
// the phone first), or, for a customer never seen, the key a new conversation would get: the first of ids. It
// only looks, and so answers the agent API and WhatsApp's statuses, which start no conversation.
func (s *Server) customerKey(ctx context.Context, ids ...string) (string, error) {
	return s.resolveCustomer(ctx, false, ids)
}

// claimCustomer is customerKey for a message that starts the customer's conversation if it has none: the key of
// a customer never seen is claimed in Redis for all of ids at once (store.ClaimCustomer), so that their first
// messages, arriving at the same time with different identifiers (the phone and the user ID, the user ID
// alone), all land in the conversation of whichever claimed first.
func (s *Server) claimCustomer(ctx context.Context, ids ...string) (string, error) {
	return s.resolveCustomer(ctx, true, ids)
}

func (s *Server) resolveCustomer(ctx context.Context, claim bool, ids []string) (string, error) {
	ids = nonEmpty(ids)
	if len(ids) == 0 {
		return "", fmt.Errorf("no customer identifier")
	}
	key, found, err := s.opts.Store.CustomerKey(ctx, ids...)
	if err == nil && found {
		return key, nil
	}
	if err == nil {
		complete, cerr := s.opts.Store.LinksComplete(ctx)
		if cerr == nil && complete {
			return s.newCustomer(ctx, claim, ids), nil // every link is in Redis: a customer never seen
		}
	}
	if err != nil {
		s.log.Warn("redis customer links unavailable; asking Temporal", "error", err)
	} else {
		s.rebuildLinks()
	}
	key, found, err = s.findConversation(ctx, ids)
	if err != nil {
		return "", fmt.Errorf("find the customer's conversation: %w", err)
	}
	if !found {
		return s.newCustomer(ctx, claim, ids), nil
	}
	if lerr := s.opts.Store.LinkCustomer(ctx, key, ids...); lerr != nil {
		s.log.Warn("customer links not saved", logx.Phone(key), "error", lerr)
	}
	return key, nil
}

// newCustomer is the key of a customer neither the links nor Temporal know: the first of ids, unless (with
// claim) a concurrent first message under another of their identifiers claimed the customer first.
func (s *Server) newCustomer(ctx context.Context, claim bool, ids []string) string {
	if !claim {
		return ids[0]
	}
	key, err := s.opts.Store.ClaimCustomer(ctx, ids[0], ids...)
	if err != nil {
		s.log.Warn("a new customer's identifiers not claimed in redis; a first message under another of them at the same time may start a second conversation",
			logx.Phone(ids[0]), "error", err)
		return ids[0]
	}
	return key
}

// link records that ids belong to the conversation key. It is best effort: the conversation's search
// attributes hold the same knowledge.
// A link that could not be written also drops the mark that Redis holds every link, so that a later miss
// asks Temporal instead of starting a second conversation.
func (s *Server) link(ctx context.Context, key string, ids ...string) {
	if err := s.opts.Store.LinkCustomer(ctx, key, nonEmpty(ids)...); err != nil {
		s.log.Warn("customer links not saved; Temporal is asked on misses until they are rebuilt", logx.Phone(key), "error", err)
		if err := s.opts.Store.LinksIncomplete(ctx); err != nil {
			s.log.Warn("customer links not marked incomplete", "error", err)
		}
	}
}

// findConversation looks in Temporal's visibility for the newest conversation of a customer known by any of
// ids.
func (s *Server) findConversation(ctx context.Context, ids []string) (string, bool, error) {
	query := fmt.Sprintf("WorkflowType = '%s' AND (", workflows.WorkflowName)
	for i, id := range ids {
		if i > 0 {
			query += " OR "
		}
		attr := workflows.CustomerPhoneKey.GetName()
		if conversation.IsUserID(id) {
			attr = workflows.CustomerUserIDKey.GetName()
		}
		query += fmt.Sprintf("%s = '%s' OR WorkflowId = '%s'", attr, quoteless(id), quoteless(workflows.WorkflowID(id)))
	}
	query += ")"
	resp, err := s.opts.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: s.opts.Namespace, Query: query, PageSize: 1,
	})
	if err != nil {
		return "", false, err
	}
	for _, e := range resp.GetExecutions() {
		if key, ok := workflows.KeyOf(e.GetExecution().GetWorkflowId()); ok {
			return key, true, nil
		}
	}
	return "", false, nil
}

// rebuildLinks rewrites, in the background, the links of every conversation Temporal knows, then marks them
// complete, so that later misses need not ask Temporal. Redis keeps one gateway at a time at it.
func (s *Server) rebuildLinks() {
	if !s.rebuilding.CompareAndSwap(false, true) {
		return
	}
	s.background(func(ctx context.Context) {
		defer s.rebuilding.Store(false)
		n := 0
		ran, err := s.opts.Store.RebuildLinks(ctx, func(link func(key string, ids ...string) error) error {
			query := fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowName)
			var token []byte
			for {
				resp, err := s.opts.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
					Namespace: s.opts.Namespace, Query: query, PageSize: 1000, NextPageToken: token,
				})
				if err != nil {
					return err
				}
				for _, e := range resp.GetExecutions() {
					key, ok := workflows.KeyOf(e.GetExecution().GetWorkflowId())
					if !ok {
						continue
					}
					var ids []string
					for _, attr := range []string{workflows.CustomerPhoneKey.GetName(), workflows.CustomerUserIDKey.GetName()} {
						if p := e.GetSearchAttributes().GetIndexedFields()[attr]; p != nil {
							var v string
							if converter.GetDefaultDataConverter().FromPayload(p, &v) == nil && v != "" {
								ids = append(ids, v)
							}
						}
					}
					if err := link(key, ids...); err != nil {
						return err
					}
					n++
				}
				if token = resp.GetNextPageToken(); len(token) == 0 {
					return nil
				}
			}
		})
		switch {
		case err != nil:
			s.log.Warn("customer links not rebuilt; Temporal is asked on each miss meanwhile", "error", err)
		case ran:
			s.log.Info("customer links rebuilt from Temporal", "conversations", n)
		}
	})
}

// quoteless keeps an identifier from closing the quotes of a visibility query. Identifiers are validated
// before they get here (digits, or a user ID's letters, digits and one dot); this is a second guard.
func quoteless(id string) string {
	out := make([]byte, 0, len(id))
	for i := 0; i < len(id); i++ {
		if c := id[i]; c != '\'' && c != '\\' {
			out = append(out, c)
		}
	}
	return string(out)
}

func nonEmpty(ids []string) []string {
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
