package gateway

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// phonePattern accepts wa_id digits and WhatsApp's business-scoped user ids (such as "IN.1410018717833190").
var phonePattern = regexp.MustCompile(`^[A-Za-z0-9.]{3,64}$`)

// agentAuth checks the bearer token in constant time.
func (s *Server) agentAuth(c *gin.Context) {
	if s.opts.AgentAPIToken == "" {
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": "the agent API is off: set AGENT_API_TOKEN"})
		return
	}
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.opts.AgentAPIToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="supportd"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "missing or wrong agent token"})
		return
	}
	c.Next()
}

// phone resolves the {phone} of a path, any identifier of the customer (a wa_id or a business-scoped user
// ID), to the key of their conversation.
func (s *Server) phone(c *gin.Context) (string, bool) {
	p := strings.TrimPrefix(c.Param("phone"), "+")
	if !phonePattern.MatchString(p) && !conversation.IsUserID(p) {
		c.JSON(http.StatusBadRequest, gin.H{"error": "the customer must be named by their wa_id digits or their WhatsApp user ID"})
		return "", false
	}
	key, err := s.customerKey(c.Request.Context(), p)
	if err != nil {
		s.fail(c, err)
		return "", false
	}
	return key, true
}

func (s *Server) temporalURL(phone string) string {
	if s.opts.TemporalUIURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(s.opts.TemporalUIURL, "/"), s.opts.Namespace, workflows.WorkflowID(phone))
}

// listConversations lists running conversations, newest activity first. Temporal's visibility says which
// conversations exist; the Redis mirror (or, when it lacks one, a query) says how each stands.
func (s *Server) listConversations(c *gin.Context) {
	status := conversation.Status(c.Query("status"))
	if status != "" && !status.Valid() {
		c.JSON(http.StatusBadRequest, gin.H{"error": "status must be active, handoff or awaiting_confirmation"})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 10*time.Second)
	defer cancel()
	phones, visErr := s.runningConversations(ctx, status)
	recent, redisErr := s.opts.Store.Conversations(ctx, 500)
	if visErr != nil && redisErr != nil {
		s.logger(c).Error("conversation list unavailable", "temporal", visErr, "redis", redisErr)
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "conversation list unavailable: Temporal and Redis do not answer"})
		return
	}
	byPhone := map[string]conversation.Snapshot{}
	for _, m := range recent {
		byPhone[m.Phone] = m.Snapshot()
	}
	if visErr == nil && redisErr == nil {
		var missing []string
		for _, p := range phones {
			if _, ok := byPhone[p]; !ok {
				missing = append(missing, p)
			}
		}
		if entries, err := s.opts.Store.Entries(ctx, missing); err == nil {
			for _, m := range entries {
				byPhone[m.Phone] = m.Snapshot()
			}
		}
	}
	var unknown []string
	for _, p := range phones {
		if _, ok := byPhone[p]; !ok {
			unknown = append(unknown, p)
		}
	}
	for _, snap := range s.queryAll(ctx, unknown) {
		byPhone[snap.Phone] = snap
	}
	out := make([]conversation.Snapshot, 0, len(byPhone))
	for _, snap := range byPhone {
		if status != "" && snap.Status != status {
			continue
		}
		snap.TemporalURL = s.temporalURL(snap.Phone)
		out = append(out, snap)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastActivity.After(out[j].LastActivity) })
	c.JSON(http.StatusOK, out)
}

func (s *Server) runningConversations(ctx context.Context, status conversation.Status) ([]string, error) {
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.WorkflowName)
	if status != "" {
		query += fmt.Sprintf(" AND SupportStatus = '%s'", status)
	}
	var phones []string
	var token []byte
	for page := 0; page < 10; page++ {
		resp, err := s.opts.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: s.opts.Namespace, Query: query, PageSize: 500, NextPageToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, e := range resp.GetExecutions() {
			if p, ok := workflows.KeyOf(e.GetExecution().GetWorkflowId()); ok {
				phones = append(phones, p)
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	return phones, nil
}

// queryAll asks workflows for their status, a few at a time, for conversations the mirror does not know.
func (s *Server) queryAll(ctx context.Context, phones []string) []conversation.Snapshot {
	const limit = 100
	if len(phones) > limit {
		phones = phones[:limit]
	}
	var (
		mu  sync.Mutex
		out []conversation.Snapshot
		g   errgroup.Group
	)
	g.SetLimit(8)
	for _, p := range phones {
		g.Go(func() error {
			// A conversation that does not answer is left out; the others are still listed.
			if snap, err := s.query(ctx, p, workflows.QueryStatus); err == nil {
				mu.Lock()
				out = append(out, snap)
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// query asks a conversation workflow for its state. Right after a worker restarts, Temporal may first route a
// query to the stopped worker's cache and time out; the next attempt reaches a live worker.
func (s *Server) query(ctx context.Context, phone, name string) (conversation.Snapshot, error) {
	var snap conversation.Snapshot
	var (
		v   converter.EncodedValue
		err error
	)
	for attempt := 0; attempt < 3; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 7*time.Second)
		v, err = s.opts.Temporal.QueryWorkflow(actx, workflows.WorkflowID(phone), "", name)
		cancel()
		if err == nil || ctx.Err() != nil || !timedOut(err) {
			break
		}
	}
	if err != nil {
		return snap, err
	}
	if err := v.Get(&snap); err != nil {
		return snap, err
	}
	snap.TemporalURL = s.temporalURL(phone)
	return snap, nil
}

func (s *Server) getConversation(c *gin.Context) {
	phone, ok := s.phone(c)
	if !ok {
		return
	}
	s.respondConversation(c, phone, http.StatusOK)
}

func (s *Server) respondConversation(c *gin.Context, phone string, code int) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 25*time.Second)
	defer cancel()
	snap, err := s.query(ctx, phone, workflows.QueryConversation)
	if err != nil {
		s.fail(c, err)
		return
	}
	if snap.Transcript == nil {
		snap.Transcript = []conversation.Line{}
	}
	if err := s.opts.Store.Deliveries(ctx, snap.Transcript); err != nil {
		s.log.Warn("delivery statuses unavailable for the transcript", "error", err)
	}
	cutURLs(phone, snap.Transcript)
	c.JSON(code, snap)
}

type agentBody struct {
	Agent string `json:"agent"`
	Text  string `json:"text"`
	// Source is "console" when the agent console sends the request; anything else is the API.
	Source string `json:"source,omitempty"`
	// Note is what an agent returning the conversation leaves for the bot (optional).
	Note string `json:"note"`
}

// maxNoteLength bounds an agent's note for the bot.
const maxNoteLength = 1000

func (s *Server) agentBody(c *gin.Context, needText bool) (agentBody, bool) {
	var b agentBody
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	if err := dec.Decode(&b); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "the body must be JSON such as {\"agent\":\"Sipho\"}"})
		return b, false
	}
	b.Agent = strings.TrimSpace(b.Agent)
	if b.Agent == "" {
		c.JSON(http.StatusBadRequest, gin.H{"error": "agent is required: the name customers and colleagues will see"})
		return b, false
	}
	b.Note = strings.TrimSpace(b.Note)
	if n := utf8.RuneCountInString(b.Note); n > maxNoteLength {
		c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("note is %d characters; at most %d", n, maxNoteLength)})
		return b, false
	}
	if needText {
		b.Text = strings.TrimSpace(b.Text)
		if b.Text == "" {
			c.JSON(http.StatusBadRequest, gin.H{"error": "text is empty"})
			return b, false
		}
		if n := utf8.RuneCountInString(b.Text); n > conversation.MaxTextLength {
			c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("text is %d characters; WhatsApp allows at most %d", n, conversation.MaxTextLength)})
			return b, false
		}
	}
	return b, true
}

// agentAction reads the phone of an agent action's path and its JSON body, answering bad ones with 400.
func (s *Server) agentAction(c *gin.Context, needText bool) (string, agentBody, bool) {
	phone, ok := s.phone(c)
	if !ok {
		return "", agentBody{}, false
	}
	b, ok := s.agentBody(c, needText)
	return phone, b, ok
}

// update runs a workflow update and waits for its result. A non-empty id makes a repeat of the update (a
// retried request) get the first one's outcome instead of running again (see updateID).
func (s *Server) update(ctx context.Context, phone, name, id string, arg, result any) error {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	return s.updateWithID(ctx, phone, name, id, arg, result)
}

// updateTimeout bounds an agent action's wait for its workflow update.
const updateTimeout = 60 * time.Second

// IdempotencyKeyHeader names the header with which a client marks one message an agent sends (reply,
// message): a request repeated with the same key, by the client, a browser or a proxy, gets the first
// request's answer and sends nothing again.
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey is the longest Idempotency-Key accepted, in bytes.
const maxIdempotencyKey = 255

// idempotencyKey reads the request's Idempotency-Key: "" when it has none. A key that is empty, sent twice,
// longer than maxIdempotencyKey or not visible ASCII is answered 400 (false). The key may be written as a
// structured-field string ("..."), as the IETF draft of the header does.
func idempotencyKey(c *gin.Context) (string, bool) {
	values := c.Request.Header.Values(IdempotencyKeyHeader)
	if len(values) == 0 {
		return "", true
	}
	key := strings.TrimSpace(values[0])
	if n := len(key); n >= 2 && key[0] == '"' && key[n-1] == '"' {
		key = key[1 : n-1]
	}
	if len(values) > 1 || !validIdempotencyKey(key) {
		c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("%s must be one value of 1 to %d visible ASCII characters, such as a UUID", IdempotencyKeyHeader, maxIdempotencyKey)})
		return "", false
	}
	return key, true
}

func validIdempotencyKey(key string) bool {
	if key == "" || len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// updateID is the workflow update id of an agent's message sent with an Idempotency-Key ("" without one:
// Temporal then makes up an id, and every request is a message of its own). Temporal runs one update per id in
// a conversation's workflow run and answers a repeat, even one arriving while the first still runs, with the
// first one's outcome; update ids are scoped by the workflow, so two conversations never collide. The
// endpoint and the agent are part of the id, so that the same key sent to another endpoint or by another agent
// is another message. The agent is hashed to keep the id short whatever their name.
func updateID(endpoint, agent, key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(agent))
	return endpoint + ":" + hex.EncodeToString(sum[:8]) + ":" + key
}

func (s *Server) takeover(c *gin.Context) {
	phone, b, ok := s.agentAction(c, false)
	if !ok {
		return
	}
	var res workflows.TakeoverResult
	if err := s.update(c.Request.Context(), phone, workflows.UpdateTakeover, "", workflows.TakeoverRequest{Agent: b.Agent}, &res); err != nil {
		s.fail(c, err)
		return
	}
	if res.AlreadyAssigned {
		c.JSON(http.StatusConflict, gin.H{"error": "already taken by " + res.Assignee, "assignee": res.Assignee})
		return
	}
	s.respondConversation(c, phone, http.StatusOK)
}

func (s *Server) reply(c *gin.Context) {
	key, ok := idempotencyKey(c)
	if !ok {
		return
	}
	phone, b, ok := s.agentAction(c, true)
	if !ok {
		return
	}
	var res workflows.ReplyResult
	source := conversation.SourceAPI
	if b.Source == string(conversation.SourceConsole) {
		source = conversation.SourceConsole
	}
	req := workflows.ReplyRequest{Agent: b.Agent, Text: b.Text, Source: source}
	if err := s.update(c.Request.Context(), phone, workflows.UpdateReply, updateID("reply", b.Agent, key), req, &res); err != nil {
		s.fail(c, err)
		return
	}
	s.opts.Metrics.AgentReply("console")
	c.JSON(http.StatusOK, gin.H{"ok": true, "message_id": res.MessageID})
}

func (s *Server) returnToBot(c *gin.Context) {
	s.agentDecision(c, workflows.UpdateReturnToBot)
}

func (s *Server) keep(c *gin.Context) {
	s.agentDecision(c, workflows.UpdateKeep)
}

func (s *Server) agentDecision(c *gin.Context, update string) {
	phone, b, ok := s.agentAction(c, false)
	if !ok {
		return
	}
	var snap conversation.Snapshot
	req := workflows.AgentRequest{Agent: b.Agent}
	if update == workflows.UpdateReturnToBot {
		req.Note = b.Note
	}
	if err := s.update(c.Request.Context(), phone, update, "", req, &snap); err != nil {
		s.fail(c, err)
		return
	}
	s.respondConversation(c, phone, http.StatusOK)
}

// fail answers with the HTTP status and message a workflow error deserves.
func (s *Server) fail(c *gin.Context, err error) {
	code, msg := errorStatus(err)
	if code >= 500 {
		s.logger(c).Error("agent API request failed", "path", c.FullPath(), "error", err)
	}
	c.JSON(code, gin.H{"error": msg})
}

func errorStatus(err error) (int, string) {
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return http.StatusNotFound, errNoConversation.Error()
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		switch appErr.Type() {
		case workflows.ErrTypeBotHolds, workflows.ErrTypeAlreadyWithBot:
			return http.StatusConflict, appErr.Message()
		case workflows.ErrTypeNotAssignee:
			return http.StatusForbidden, appErr.Message()
		case workflows.ErrTypeInvalidText, workflows.ErrTypeInvalidRequest:
			return http.StatusBadRequest, appErr.Message()
		case workflows.ErrTypeWindowClosed:
			return http.StatusUnprocessableEntity, appErr.Message()
		case workflows.ErrTypeRejected:
			return http.StatusBadGateway, appErr.Message()
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusGatewayTimeout, "Temporal did not answer in time"
	}
	var unavailable *serviceerror.Unavailable
	if errors.As(err, &unavailable) {
		return http.StatusServiceUnavailable, "Temporal is unavailable"
	}
	return http.StatusBadGateway, "the conversation could not be reached: " + err.Error()
}

// timedOut reports a deadline passed in Temporal or on the way to it.
func timedOut(err error) bool {
	var de *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &de) || status.Code(err) == codes.DeadlineExceeded
}

func temporalSearchAttributes(to conversation.Address, status conversation.Status) temporal.SearchAttributes {
	updates := []temporal.SearchAttributeUpdate{workflows.SupportStatusKey.ValueSet(string(status))}
	if to.Phone != "" {
		updates = append(updates, workflows.CustomerPhoneKey.ValueSet(to.Phone))
	}
	if to.UserID != "" {
		updates = append(updates, workflows.CustomerUserIDKey.ValueSet(to.UserID))
	}
	return temporal.NewSearchAttributes(updates...)
}
