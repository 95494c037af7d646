package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/supportd/supportd/ai"
	"github.com/supportd/supportd/kb"
	"github.com/supportd/supportd/workflows/conversation"
)

// replySchema is the strict output schema of a bot turn: the classification, and the answer written from the
// FAQ that answers the message ("" when none does).
func replySchema(faqIDs []string) json.RawMessage {
	return objectSchema(append(classifyProperties(faqIDs), property{"answer", jsonschema.Definition{Type: jsonschema.String}})...)
}

// replyPrompt is the fixed part of a bot turn's instructions: the classification's, then how to answer and
// the knowledge base's answers to answer from.
func replyPrompt(k *kb.KnowledgeBase) string {
	var b strings.Builder
	b.WriteString(classifyPrompt(k))
	b.WriteString("\nanswer: when kb_answers is true, your reply to the customer, written only from that FAQ's answer below; otherwise \"\".\n")
	b.WriteString(answerRules())
	b.WriteString("\nFAQ answers:\n")
	for _, f := range k.FAQs {
		fmt.Fprintf(&b, "[%s] %s\n", f.ID, strings.TrimSpace(f.Answer))
	}
	if len(k.FAQs) == 0 {
		b.WriteString("(none: answer is always \"\")\n")
	}
	return b.String()
}

// Reply classifies one customer message and answers it from the knowledge base in a single structured-output
// call. A reply outside the vocabulary, a refusal or an unusable reply is an error, never a guess; an answer is
// kept only when the model says an FAQ the knowledge base has answers the message.
func (e *Engine) Reply(ctx context.Context, req ai.ReplyRequest) (ai.Reply, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return ai.Reply{}, ai.Permanent(errors.New("llm reply: empty message"))
	}
	system := withRecent(e.replyPrompt, req.Recent)
	if name := strings.TrimSpace(req.Name); name != "" {
		q, _ := json.Marshal(truncate(name, 60))
		system += fmt.Sprintf("The customer's WhatsApp name is %s; you may use it once in the answer.\n", q)
	}
	msg, err := e.complete(ctx, "reply", system, truncate(text, maxMessageRunes), e.replyFormat)
	if err != nil {
		return ai.Reply{}, err
	}
	if msg.Refusal != "" {
		return ai.Reply{}, fmt.Errorf("llm reply: model refused: %s", truncate(msg.Refusal, 200))
	}
	r, err := e.parseReply(replyContent(msg))
	if err != nil {
		return ai.Reply{}, fmt.Errorf("llm reply: %w", err)
	}
	return r, nil
}

func (e *Engine) parseReply(content string) (ai.Reply, error) {
	c, err := e.parseClassification(content)
	if err != nil {
		return ai.Reply{}, err
	}
	obj, err := decodeObject(content, "answer")
	if err != nil {
		return ai.Reply{}, err
	}
	answer, err := stringField(obj, "answer")
	if err != nil {
		return ai.Reply{}, err
	}
	r := ai.Reply{Classification: c}
	if c.KBAnswers && strings.TrimSpace(answer) != "" {
		r.Answer = conversation.Answer{Text: whatsAppText(answer, maxAnswerRunes), Grounded: true, FAQID: c.FAQID}
	}
	return r, nil
}
