package slackapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/supportd/supportd/handoff"
)

// Action IDs of the buttons on the handoff card and on the confirmation prompt, as docs/CONTRACT.md names them. Each
// button's value is the customer's wa_id.
const (
	ActionTake   = "handoff_take"
	ActionReturn = "handoff_return"
	ActionKeep   = "handoff_keep"
)

// Block IDs of the actions blocks, followed by the customer's wa_id.
const (
	cardActionsBlockID   = "handoff:"
	promptActionsBlockID = "handoff_prompt:"
)

// Slack's limits, with margins where Slack's own counting is undocumented.
const (
	maxSectionText = 3000 // section text
	maxHeaderText  = 150  // header block
	maxBlocks      = 50   // blocks in a message
	// maxBlocksSize bounds the blocks of a message, measured by blocksSize. Slack answers msg_blocks_too_long
	// somewhere around 13,000 characters of blocks, counted in a way it does not document: more than their text
	// alone, never more than their JSON.
	maxBlocksSize = 12000
	// maxMessageText bounds the top-level text of a message; Slack truncates at 40,000.
	maxMessageText = 39000
)

// Shares of the card, in UTF-16 code units of escaped text.
const (
	maxNameText       = 80
	maxNoteText       = 300
	maxSummaryText    = 1200
	maxLineText       = 600  // one transcript message
	maxTranscriptText = 8000 // the whole transcript, before the JSON check shrinks it further
)

// Message is a Slack message ready to send: its Block Kit blocks and the top-level text that Slack shows in
// notifications and in clients that cannot render blocks.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// CardMessage builds the handoff card. It fits Slack's limits whatever the card holds: the transcript loses its
// oldest messages first, and a line links to the full conversation instead.
func CardMessage(c conversation.Card) Message {
	budget := maxTranscriptText
	for {
		blocks := cardBlocks(c, budget)
		if blocksSize(blocks) <= maxBlocksSize || budget == 0 {
			return Message{Text: cardFallback(c), Blocks: blocks}
		}
		budget = budget * 3 / 4
		if budget < maxLineText {
			budget = 0
		}
	}
}

// blocksSize measures blocks as Slack reads them: the UTF-16 length of their JSON, without the \u003c escapes
// that Go adds for HTML and that Slack decodes. It returns more than any limit when the blocks do not encode.
func blocksSize(blocks []slack.Block) int {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blocks); err != nil {
		return maxBlocksSize + 1
	}
	return textLen(strings.TrimSuffix(b.String(), "\n"))
}

func cardBlocks(c conversation.Card, transcriptBudget int) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(plainText(cardTitle(c.Reason))),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			mrkdwn(fieldText("Customer", customerName(c.Name))),
			mrkdwn(fieldText(identityTitle(c), identity(c))),
			mrkdwn(fieldText("Reason", reasonLabel(c.Reason))),
			mrkdwn(fieldText("Status", cardStatus(c))),
		}, nil),
	}
	if note := strings.TrimSpace(c.OutOfHoursNote); note != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":crescent_moon: "+escapeLimit(note, maxNoteText))))
	}
	if rating := ratingText(c.CSAT); rating != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(rating)))
	}
	blocks = append(blocks, deadlineBlocks(c)...)
	if summary := strings.TrimSpace(c.Summary); summary != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*Summary*\n"+escapeLimit(summary, maxSummaryText)), nil, nil))
	}
	room := maxBlocks - len(blocks) - 2 // keep room for the link and the buttons
	for _, text := range transcriptSections(c.Transcript, c.Link, transcriptBudget, room) {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, nil))
	}
	if l := link(c.Link, "Open the full conversation"); l != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":link: "+l)))
	}
	if buttons := cardButtons(c); len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock(cardActionsBlockID+c.Phone, buttons...))
	}
	return blocks
}

func cardTitle(r handoff.Reason) string {
	if r == handoff.ReasonNone {
		return "WhatsApp handoff"
	}
	title := "WhatsApp handoff: " + r.Label()
	if len([]rune(title)) > maxHeaderText {
		title = string([]rune(title)[:maxHeaderText-1]) + ellipsis
	}
	return title
}

// identityTitle and identity show who the customer is on WhatsApp: their number when they share it, else
// their username and business-scoped user ID.
func identityTitle(c conversation.Card) string {
	if c.WaID == "" && (c.UserID != "" || conversation.IsUserID(c.Phone)) {
		return "WhatsApp user"
	}
	return "Number"
}

func identity(c conversation.Card) string {
	if c.WaID == "" && (c.UserID != "" || conversation.IsUserID(c.Phone)) {
		id := c.UserID
		if id == "" {
			id = c.Phone
		}
		if u := singleLine(c.Username); u != "" {
			return escapeLimit("@"+strings.TrimPrefix(u, "@"), 40) + " (" + escapeLimit(id, 140) + ")"
		}
		return escapeLimit(id, 140)
	}
	if c.WaID != "" {
		return phoneNumber(c.WaID)
	}
	return phoneNumber(c.Phone)
}

// phoneNumber shows a wa_id as an international number, "+27821234567".
func phoneNumber(phone string) string {
	if phone = strings.TrimPrefix(singleLine(phone), "+"); phone == "" {
		return "_unknown_"
	}
	return "+" + escapeLimit(phone, 40)
}

func reasonLabel(r handoff.Reason) string {
	if r == handoff.ReasonNone {
		return "_not given_"
	}
	return Escape(r.Label())
}

func customerName(name string) string {
	if name = singleLine(name); name == "" {
		return "_unknown_"
	}
	return escapeLimit(name, maxNameText)
}

// fieldText is a titled section field. Every value placed in one is bounded far below Slack's 2,000 characters
// per field.
func fieldText(title, value string) string { return "*" + title + "*\n" + value }

func cardStatus(c conversation.Card) string {
	var status string
	switch {
	case c.Status == conversation.StatusActive:
		status = ":robot_face: Returned to the bot"
		if strings.TrimSpace(c.ChangedBy) != "" {
			status += " by " + Mention(c.ChangedBy)
		}
	case c.Status == conversation.StatusAwaitingConfirmation:
		status = ":bell: No agent activity: waiting for " + Mention(c.Holder()) + " to confirm the return to the bot"
	case c.Assignee != "":
		status = ":raising_hand: Taken by " + Mention(c.Holder())
	default:
		status = ":hourglass_flowing_sand: Waiting for an agent"
	}
	if !c.ChangedAt.IsZero() {
		status += " (" + slackDate(c.ChangedAt) + ")"
	}
	return status
}

// cardButtons offers Take over and Return to bot until the conversation is back with the bot. Take over stays
// once the conversation is taken, so that a second agent pressing it is told who has it.
func cardButtons(c conversation.Card) []slack.BlockElement {
	if c.Status == conversation.StatusActive {
		return nil
	}
	take := slack.NewButtonBlockElement(ActionTake, c.Phone, plainText("Take over"))
	if c.Assignee == "" && c.Status != conversation.StatusAwaitingConfirmation {
		take = take.WithStyle(slack.StylePrimary)
	}
	back := slack.NewButtonBlockElement(ActionReturn, c.Phone, plainText("Return to bot"))
	return []slack.BlockElement{take, back}
}

// transcriptSections lays out the newest messages that fit in budget as section texts of at most maxSectionText
// each, and at most maxSections of them, preceded by a line that counts the older messages left out and links
// to the full conversation. Only the messages shown are formatted, however long the conversation.
func transcriptSections(lines []conversation.Line, conversationURL string, budget, maxSections int) []string {
	if len(lines) == 0 || maxSections <= 0 {
		return nil
	}
	// A formatted line is at most maxLineText of text plus its speaker and time, so packing lines into sections
	// wastes less than that much of each section.
	budget = min(budget, maxSections*(maxSectionText-maxLineText-200))
	omittedRoom := textLen(omittedLine(len(lines), conversationURL)) + 1

	var newestFirst []string
	used, start := 0, len(lines)
	for start > 0 {
		line := transcriptLine(lines[start-1])
		need := used + textLen(line) + 1
		if start > 1 {
			need += omittedRoom // older messages remain, and the line counting them must fit too
		}
		if need > budget {
			break
		}
		newestFirst = append(newestFirst, line)
		used += textLen(line) + 1
		start--
	}

	kept := make([]string, 0, len(newestFirst)+1)
	if start > 0 {
		kept = append(kept, omittedLine(start, conversationURL))
	}
	for i := len(newestFirst) - 1; i >= 0; i-- {
		kept = append(kept, newestFirst[i])
	}
	const heading = "*Conversation*"
	var sections []string
	current := heading
	for _, line := range kept {
		if textLen(current)+1+textLen(line) > maxSectionText {
			sections = append(sections, current)
			current = line
			continue
		}
		current += "\n" + line
	}
	return append(sections, current)
}

func omittedLine(n int, conversationURL string) string {
	messages := plural(n, "earlier message")
	if l := link(conversationURL, "see the full conversation"); l != "" {
		return "_" + ellipsis + " " + messages + ": " + l + "_"
	}
	return "_" + ellipsis + " " + messages + " not shown_"
}

func transcriptLine(l conversation.Line) string {
	line := "*" + speaker(l.From) + "*"
	if !l.At.IsZero() {
		line += " (" + slackDate(l.At) + ")"
	}
	text := l.Text
	if l.From == conversation.FromAgent && l.Agent != "" {
		text = l.Agent + ": " + text
	}
	return line + ": " + escapeLimit(joinLines(text), maxLineText)
}

func speaker(from string) string {
	switch f := strings.ToLower(strings.TrimSpace(from)); f {
	case "customer", "bot", "agent", "system":
		return capitalize(f)
	case "":
		return "Unknown"
	}
	return escapeLimit(singleLine(from), 40)
}

func cardFallback(c conversation.Card) string {
	text := fmt.Sprintf("WhatsApp handoff (%s): %s, %s",
		Escape(cardReasonWords(c.Reason)), escapeLimit(singleLine(c.Name), maxNameText), phoneNumber(c.Phone))
	switch {
	case c.Status == conversation.StatusActive:
		text += ", returned to the bot"
	case c.Status == conversation.StatusAwaitingConfirmation:
		text += ", waiting for " + Mention(c.Holder()) + " to confirm the return to the bot"
	case c.Assignee != "":
		text += ", taken by " + Mention(c.Holder())
	default:
		text += ", waiting for an agent"
	}
	return text
}

func cardReasonWords(r handoff.Reason) string {
	if r == handoff.ReasonNone {
		return "no reason given"
	}
	return r.Label()
}

// PromptOutcome is how an agent answered the confirmation prompt.
type PromptOutcome string

// The answers to the confirmation prompt.
const (
	PromptPending  PromptOutcome = ""
	PromptKept     PromptOutcome = "kept"
	PromptReturned PromptOutcome = "returned"
)

// Prompt is the message posted in the card's thread when no agent has acted for HANDOFF_IDLE_TIMEOUT: it asks
// the agent to return the conversation to the bot or keep it.
type Prompt struct {
	Phone    string        // the customer's wa_id, carried by the buttons
	Assignee string        // the agent asked: a Slack user ID (mentioned) or a console agent name
	Idle     time.Duration // how long nobody acted
	Outcome  PromptOutcome
	By       string    // who answered
	At       time.Time // when they answered
}

// PromptMessage builds the confirmation prompt with the buttons handoff_return and handoff_keep, or, once the
// prompt is answered, the answer without buttons.
func PromptMessage(p Prompt) Message {
	var text string
	switch p.Outcome {
	case PromptKept:
		text = ":white_check_mark: Kept with " + Mention(p.By) + "; the bot stays silent and the idle timer starts again"
	case PromptReturned:
		text = ":robot_face: Returned to the bot by " + Mention(p.By)
	default:
		idle := "a while"
		if p.Idle > 0 {
			idle = humanDuration(p.Idle)
		}
		question := fmt.Sprintf("No agent activity for %s. Return this conversation to the bot, or keep it?", idle)
		if strings.TrimSpace(p.Assignee) != "" {
			question = Mention(p.Assignee) + " " + question
		}
		blocks := []slack.Block{
			slack.NewSectionBlock(mrkdwn(":hourglass: "+question), nil, nil),
			slack.NewActionBlock(promptActionsBlockID+p.Phone,
				slack.NewButtonBlockElement(ActionReturn, p.Phone, plainText("Return to bot")).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement(ActionKeep, p.Phone, plainText("Keep with me")),
			),
		}
		return Message{Text: question, Blocks: blocks}
	}
	if !p.At.IsZero() {
		text += " (" + slackDate(p.At) + ")"
	}
	return Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}}
}

// deadlineBlocks warn about an overdue handoff and a 24-hour window about to close.
func deadlineBlocks(c conversation.Card) []slack.Block {
	var out []slack.Block
	if !c.EscalatedAt.IsZero() && c.Assignee == "" && c.Status != conversation.StatusActive {
		out = append(out, slack.NewContextBlock("", mrkdwn(":rotating_light: *Overdue*: nobody has taken this conversation"+unclaimedFor(c.UnclaimedTimeout)+" (escalated "+slackDate(c.EscalatedAt)+")")))
	}
	if !c.WindowClosesAt.IsZero() && c.Status != conversation.StatusActive {
		out = append(out, slack.NewContextBlock("", mrkdwn(":hourglass: The customer's 24-hour WhatsApp window closes "+slackDate(c.WindowClosesAt)+
			": reply before then, or later replies go out as the approved reply template")))
	}
	return out
}

func unclaimedFor(d time.Duration) string {
	if d <= 0 {
		return " in time"
	}
	return " within " + humanDuration(d) + " of support hours"
}

// EscalationText is the channel message that bumps an overdue handoff: the mention (as configured, sent as
// is: a user group or <!here>), who is waiting, and a link to the card's conversation.
func EscalationText(mention string, c conversation.Card) string {
	var b strings.Builder
	if m := strings.TrimSpace(mention); m != "" {
		b.WriteString(m + " ")
	}
	b.WriteString(":rotating_light: *" + customerName(c.Name) + "* (" + phoneNumber(c.Phone) + ") is waiting for a person: nobody has taken this handoff" + unclaimedFor(c.UnclaimedTimeout) + ".")
	if l := link(c.Link, "Open the conversation"); l != "" {
		b.WriteString(" " + l)
	}
	return b.String()
}

// CustomerText is the thread message for a customer's WhatsApp message. A message of several lines is quoted
// line by line, so none of its lines can pass for a message from someone else.
func CustomerText(text string) string { return speakerText("*Customer:*", text) }

// AgentText is the thread message for a reply an agent sent from outside Slack (the web console or the API).
func AgentText(agent, text string) string { return speakerText("*Agent* "+Mention(agent)+":", text) }

// NotDeliveredText tells the thread that WhatsApp could not deliver a message, who wrote it (empty for the
// bot) and why.
func NotDeliveredText(agent, text, reason string) string {
	who := "The bot's message"
	if agent != "" {
		who = "The message from " + Mention(agent)
	}
	if reason = singleLine(reason); reason == "" {
		reason = "no reason given"
	}
	return speakerText(":warning: "+who+" was *not delivered* ("+escapeLimit(reason, 200)+"):", text)
}

// newlines turns every kind of line break into "\n".
var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func speakerText(label, text string) string {
	escaped := escapeLimit(strings.TrimSpace(text), maxMessageText-textLen(label)-200)
	lines := strings.Split(newlines.Replace(escaped), "\n")
	if len(lines) == 1 {
		return label + " " + escaped
	}
	return label + "\n>" + strings.Join(lines, "\n>")
}

// AlreadyTakenText tells an agent who pressed Take over that someone else already has the conversation.
func AlreadyTakenText(assignee string) string {
	return Mention(assignee) + " already has this conversation. Your thread replies stay internal."
}

// NoteKeptText tells an agent that their `//` note stays internal, and that the latest one is left for the
// bot when the conversation is returned to it.
func NoteKeptText() string {
	return "Internal note: it stays in the thread and is not sent to the customer. " +
		"When you press Return to bot, your latest note is left for the bot, so it does not ask again what you settled."
}

// ratingText is the customer's rating of the help after the latest hand-back (CSAT), for the card.
func ratingText(score string) string {
	switch score {
	case "good":
		return ":star: Customer's rating after the hand-back: *Great*"
	case "ok":
		return ":neutral_face: Customer's rating after the hand-back: *OK*"
	case "bad":
		return ":warning: Customer's rating after the hand-back: *Not good*"
	}
	return ""
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
}

func plainText(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, true, false)
}
