package nlp

import (
	"context"
	"strings"

	"github.com/jonreiter/govader"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// EngineName is the Classification.Engine of this engine's verdicts.
const EngineName = "local"

// Engine is the local language engine. It implements ai.Engine without any network call. Everything it
// needs (the compiled rules, the retrieval index, the sentiment lexicon) is built by New and only read
// afterwards, so one Engine serves concurrent calls.
type Engine struct {
	kb    *kb.KnowledgeBase
	rules *rules
	index *index
	vader *govader.SentimentIntensityAnalyzer
	// model is the learned layer (learn.go); nil runs the rules alone.
	model *model
}

var _ ai.Engine = (*Engine)(nil)

// New builds an engine over the knowledge base k; nil means the built-in demo shop. It compiles the
// package's rule tables, which panics only if they are malformed, a mistake the package's tests catch.
// The embedded weights of the learned layer are decoded once per process; a malformed weight file is a
// build mistake the package's tests catch, and it panics here too.
func New(k *kb.KnowledgeBase) *Engine {
	e := NewRulesOnly(k)
	md, err := builtinModel()
	if err != nil {
		panic(err)
	}
	e.model = md
	return e
}

// NewRulesOnly builds an engine without the learned layer: the rules and retrieval alone. It is what the
// learned layer is trained on top of and measured against.
func NewRulesOnly(k *kb.KnowledgeBase) *Engine {
	if k == nil {
		k = kb.Default()
	}
	return &Engine{
		kb:    k,
		rules: compileRules(),
		index: newIndex(k),
		vader: newVader(),
	}
}

// analysis is everything the engine concludes about one message.
type analysis struct {
	msg     *message
	hit     hit
	intent  conversation.Intent
	feeling feeling
}

// analyze reads one message: the rules' reading, then the learned layer's when the engine has one.
func (e *Engine) analyze(text string) analysis {
	a, rv := e.analyzeRules(text)
	if e.model != nil {
		e.decide(&a, rv)
	}
	return a
}

// analyzeRules reads one message with the rules alone: retrieval, intent, sentiment, and the anger-only
// complaint. It also returns what the rules found, which the learned layer weighs.
func (e *Engine) analyzeRules(text string) (analysis, ruleView) {
	m := parse(text)
	a := analysis{msg: m, hit: e.index.retrieve(m)}
	v := e.intent(m, a.hit)
	a.intent = v.intent
	a.feeling = e.sentiment(m, v.intent, v.complaint)
	rv := ruleView{complaint: v.complaint, human: v.human, refund: v.refund}
	if v.human && !v.refundRead {
		rv.refund = e.refundRequested(m)
	}
	// An angry message that asks for nothing else is a complaint about how things are going.
	// So is an angry statement that merely mentions something the knowledge base covers ("worst online
	// shop ever"): it asks nothing.
	if a.feeling.sentiment == conversation.SentimentAngry {
		switch {
		case a.intent == conversation.IntentOther, a.intent == conversation.IntentGreeting, a.intent == conversation.IntentThanks,
			a.intent == conversation.IntentFAQ && !anyQuestion(m):
			a.intent = conversation.IntentComplaint
		}
	}
	rv.intent, rv.feeling = a.intent, a.feeling
	return a, rv
}

// Classify classifies one customer message. It never fails except on a cancelled context.
func (e *Engine) Classify(ctx context.Context, req ai.ClassifyRequest) (conversation.Classification, error) {
	if err := ctx.Err(); err != nil {
		return conversation.Classification{}, err
	}
	a := e.analyze(req.Text)
	c := conversation.Classification{
		Intent:    a.intent,
		Sentiment: a.feeling.sentiment,
		Engine:    EngineName,
	}
	if a.hit.ok {
		c.KBAnswers = true
		c.FAQID = a.hit.doc.faq.ID
	}
	switch a.intent {
	case conversation.IntentGreeting, conversation.IntentThanks:
	default:
		c.Topic = topicOf(a.msg, c.FAQID, req.Recent)
	}
	return c, nil
}

// Answer answers from the knowledge base only: the FAQ named by req.FAQID when it exists, else the FAQ
// retrieval finds for req.Text (the same one Classify reports). When none answers, Grounded is false and
// Text is empty. The answer is the FAQ's text verbatim, after a short greeting when the customer greeted.
func (e *Engine) Answer(ctx context.Context, req ai.AnswerRequest) (conversation.Answer, error) {
	if err := ctx.Err(); err != nil {
		return conversation.Answer{}, err
	}
	m := parse(req.Text)
	var f kb.FAQ
	if req.FAQID != "" {
		f, _ = e.kb.FAQ(req.FAQID)
	}
	if f.ID == "" {
		h := e.index.retrieve(m)
		if !h.ok {
			return conversation.Answer{}, nil
		}
		f = h.doc.faq
	}
	return conversation.Answer{Text: leadIn(m, req.Name) + f.Answer, Grounded: true, FAQID: f.ID}, nil
}

// Reply classifies a message and, unless it is a greeting or thanks, answers it from the knowledge base.
func (e *Engine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	c, err := e.Classify(ctx, ai.ClassifyRequest{Text: req.Text, Recent: req.Recent})
	if err != nil {
		return ai.Reply{}, err
	}
	r := ai.Reply{Classification: c}
	if c.Intent != conversation.IntentGreeting && c.Intent != conversation.IntentThanks {
		if r.Answer, err = e.Answer(ctx, ai.AnswerRequest{Text: req.Text, FAQID: c.FAQID, Name: req.Name}); err != nil {
			return ai.Reply{}, err
		}
	}
	return r, nil
}

// leadIn greets back a customer who greeted: "Hi Thandi! ".
func leadIn(m *message, name string) string {
	if len(m.tokens) == 0 || !greetingWords[m.tokens[0].norm] {
		return ""
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(name), " "); first != "" {
		return "Hi " + first + "! "
	}
	return "Hi! "
}
