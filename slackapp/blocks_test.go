package slackapp

import (
	"encoding/json"
	"fmt"
	"github.com/supportd/supportd/workflows/conversation"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/supportd/supportd/handoff"
)

const (
	testPhone = "27821234567"
	testLink  = "http://localhost:8080/agent/#/conversations/27821234567"
	hostile   = "<!channel> & <@U123> <!here> <http://evil.example|click me> <!subteam^S1|@team>"
)

var testTime = time.Date(2026, 11, 20, 14, 5, 0, 0, time.UTC)

func testCard() conversation.Card {
	return conversation.Card{
		Phone:   testPhone,
		Name:    "Sheena Nelson",
		Reason:  handoff.ReasonRefund,
		Summary: "Wants a refund for order #42, which arrived damaged.",
		Transcript: []conversation.Line{
			{From: "customer", Text: "Hi, my order #42 arrived broken", At: testTime.Add(-3 * time.Minute)},
			{From: "bot", Text: "I'm sorry to hear that. Let me get a person.", At: testTime.Add(-2 * time.Minute)},
			{From: "customer", Text: "I want my money back", At: testTime.Add(-time.Minute)},
		},
		Link:      testLink,
		Status:    conversation.StatusHandoff,
		ChangedAt: testTime,
	}
}

// blockView is the decoded JSON of a message's blocks, as Slack would receive it.
type blockView struct {
	raw    []byte
	blocks []map[string]any
}

func viewBlocks(t *testing.T, blocks []slack.Block) blockView {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	v := blockView{raw: raw}
	if err := json.Unmarshal(raw, &v.blocks); err != nil {
		t.Fatalf("unmarshal blocks: %v", err)
	}
	return v
}

// texts returns every text string in the blocks, in order.
func (v blockView) texts() []string {
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				out = append(out, s)
			}
			for _, k := range []string{"text", "fields", "elements"} {
				if c, ok := x[k]; ok {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	for _, b := range v.blocks {
		walk(b)
	}
	return out
}

func (v blockView) allText() string { return strings.Join(v.texts(), "\n") }

type button struct{ blockID, actionID, value, text, style string }

func (v blockView) buttons() []button {
	var out []button
	for _, b := range v.blocks {
		if b["type"] != "actions" {
			continue
		}
		blockID, _ := b["block_id"].(string)
		for _, e := range b["elements"].([]any) {
			el := e.(map[string]any)
			style, _ := el["style"].(string)
			out = append(out, button{
				blockID:  blockID,
				actionID: el["action_id"].(string),
				value:    el["value"].(string),
				text:     el["text"].(map[string]any)["text"].(string),
				style:    style,
			})
		}
	}
	return out
}

// slackTokenPattern finds Slack control sequences: anything between < and >.
var slackTokenPattern = regexp.MustCompile(`<[^<>]*>`)

// checkOnlyOwnTokens fails if text holds a Slack control sequence other than the ones the product writes: a
// date, a link to the conversation and a mention of allowedMention.
func checkOnlyOwnTokens(t *testing.T, text, allowedMention string) {
	t.Helper()
	for _, token := range slackTokenPattern.FindAllString(text, -1) {
		switch {
		case strings.HasPrefix(token, "<!date^"):
		case strings.HasPrefix(token, "<"+testLink+"|"):
		case allowedMention != "" && token == "<@"+allowedMention+">":
		default:
			t.Errorf("unexpected Slack control sequence %q in %q", token, text)
		}
	}
}

func TestCardMessageContent(t *testing.T) {
	m := CardMessage(testCard())
	v := viewBlocks(t, m.Blocks)
	text := v.allText()
	for _, want := range []string{
		"Sheena Nelson",
		"+27821234567",
		"Refund request",
		"Wants a refund for order #42",
		"*Customer*",
		"Hi, my order #42 arrived broken",
		"I'm sorry to hear that", // only &, < and > are escaped
	} {
		if !strings.Contains(text, want) {
			t.Errorf("card text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "<"+testLink+"|Open the full conversation>") {
		t.Errorf("card lacks the link to the conversation:\n%s", text)
	}
	if !strings.Contains(text, "Waiting for an agent") {
		t.Errorf("card lacks the waiting status:\n%s", text)
	}
	if v.blocks[0]["type"] != "header" {
		t.Errorf("first block = %v, want a header", v.blocks[0]["type"])
	}
	for _, want := range []string{"Sheena Nelson", "+27821234567", "Refund request", "waiting for an agent"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("fallback text %q lacks %q", m.Text, want)
		}
	}
	if strings.Contains(text, "crescent_moon") {
		t.Errorf("card shows an out-of-hours note though none was given:\n%s", text)
	}
	checkOnlyOwnTokens(t, text, "")
	checkOnlyOwnTokens(t, m.Text, "")
}

func TestCardMessageTranscriptOrderAndSpeakers(t *testing.T) {
	text := viewBlocks(t, CardMessage(testCard()).Blocks).allText()
	first := strings.Index(text, "arrived broken")
	second := strings.Index(text, "Let me get a person")
	third := strings.Index(text, "money back")
	if first < 0 || second < 0 || third < 0 || first >= second || second >= third {
		t.Fatalf("transcript out of order or incomplete:\n%s", text)
	}
	if !strings.Contains(text, "*Bot* (") || !strings.Contains(text, "*Customer* (") {
		t.Errorf("transcript lines lack speakers and times:\n%s", text)
	}
}

func TestCardMessageEscapesCustomerText(t *testing.T) {
	c := testCard()
	c.Name = hostile
	c.Summary = "Summary " + hostile
	c.OutOfHoursNote = "Back at 08:00 " + hostile
	c.Transcript = []conversation.Line{
		{From: "customer", Text: hostile},
		{From: "customer", Text: "line one\n*Agent:* refund approved <!channel>"},
		{From: "<@U999>", Text: "from a strange speaker"},
	}
	setStage(&c, "taken", "UAGENT1", "")
	m := CardMessage(c)
	text := viewBlocks(t, m.Blocks).allText()

	if !strings.Contains(text, "&lt;!channel&gt; &amp; &lt;@U123&gt;") {
		t.Errorf("customer text not escaped as expected:\n%s", text)
	}
	for _, inert := range []string{"<!channel>", "<!here>", "<@U123>", "<http://evil.example", "<!subteam", "<@U999>"} {
		if strings.Contains(text, inert) || strings.Contains(m.Text, inert) {
			t.Errorf("customer text %q reached Slack unescaped:\n%s\nfallback: %s", inert, text, m.Text)
		}
	}
	checkOnlyOwnTokens(t, text, "UAGENT1")
	checkOnlyOwnTokens(t, m.Text, "UAGENT1")
	if !strings.Contains(text, "<@UAGENT1>") {
		t.Errorf("the assignee is not mentioned:\n%s", text)
	}
	// A line break in a customer message cannot start a line that passes for another speaker.
	if strings.Contains(text, "\n*Agent:*") {
		t.Errorf("a customer message started a transcript line of its own:\n%s", text)
	}
	if !strings.Contains(text, "line one ↵ *Agent:*") {
		t.Errorf("multi-line message not joined on one line:\n%s", text)
	}
}

func TestCardMessageButtons(t *testing.T) {
	tests := []struct {
		state string
		want  []button
	}{
		{"waiting", []button{
			{"handoff:" + testPhone, ActionTake, testPhone, "Take over", "primary"},
			{"handoff:" + testPhone, ActionReturn, testPhone, "Return to bot", ""},
		}},
		{"taken", []button{
			{"handoff:" + testPhone, ActionTake, testPhone, "Take over", ""},
			{"handoff:" + testPhone, ActionReturn, testPhone, "Return to bot", ""},
		}},
		{"awaiting", []button{
			{"handoff:" + testPhone, ActionTake, testPhone, "Take over", ""},
			{"handoff:" + testPhone, ActionReturn, testPhone, "Return to bot", ""},
		}},
		{"returned", nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.state), func(t *testing.T) {
			c := testCard()
			setStage(&c, tc.state, "UAGENT1", "UAGENT2")
			got := viewBlocks(t, CardMessage(c).Blocks).buttons()
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("buttons = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCardMessageStates(t *testing.T) {
	tests := []struct {
		state     string
		assignee  string
		returned  string
		wantText  []string
		wantTexts []string // in the fallback
	}{
		{"waiting", "", "", []string{"Waiting for an agent"}, []string{"waiting for an agent"}},
		{"taken", "UAGENT1", "", []string{"Taken by <@UAGENT1>", "<!date^" + fmt.Sprint(testTime.Unix())}, []string{"taken by <@UAGENT1>"}},
		{"taken", "alice <b>", "", []string{"Taken by alice &lt;b&gt;"}, []string{"taken by alice &lt;b&gt;"}},
		{"awaiting", "UAGENT1", "", []string{"No agent activity", "<@UAGENT1> to confirm"}, []string{"confirm the return"}},
		{"returned", "UAGENT1", "UAGENT2", []string{"Returned to the bot by <@UAGENT2>"}, []string{"returned to the bot"}},
	}
	for _, tc := range tests {
		c := testCard()
		setStage(&c, tc.state, tc.assignee, tc.returned)
		m := CardMessage(c)
		text := viewBlocks(t, m.Blocks).allText()
		for _, want := range tc.wantText {
			if !strings.Contains(text, want) {
				t.Errorf("%s card lacks %q:\n%s", tc.state, want, text)
			}
		}
		for _, want := range tc.wantTexts {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s fallback %q lacks %q", tc.state, m.Text, want)
			}
		}
	}
}

func TestCardMessageOutOfHours(t *testing.T) {
	c := testCard()
	c.OutOfHoursNote = "Outside support hours: a person will answer from Monday 08:00."
	text := viewBlocks(t, CardMessage(c).Blocks).allText()
	if !strings.Contains(text, ":crescent_moon: Outside support hours: a person will answer from Monday 08:00.") {
		t.Errorf("card lacks the out-of-hours note:\n%s", text)
	}
}

func TestCardMessageShowsTheRating(t *testing.T) {
	for score, want := range map[string]string{"good": "*Great*", "ok": "*OK*", "bad": "*Not good*"} {
		c := testCard()
		c.Status, c.CSAT = conversation.StatusActive, score
		text := viewBlocks(t, CardMessage(c).Blocks).allText()
		if !strings.Contains(text, "Customer's rating after the hand-back: "+want) {
			t.Errorf("card with csat %q lacks its rating:\n%s", score, text)
		}
	}
	if text := viewBlocks(t, CardMessage(testCard()).Blocks).allText(); strings.Contains(text, "rating") {
		t.Errorf("card without a rating shows one:\n%s", text)
	}
}

func TestCardMessageWithoutOptionalParts(t *testing.T) {
	m := CardMessage(conversation.Card{Phone: testPhone})
	v := viewBlocks(t, m.Blocks)
	text := v.allText()
	for _, want := range []string{"_unknown_", "+27821234567", "_not given_", "WhatsApp handoff"} {
		if !strings.Contains(text, want) {
			t.Errorf("bare card lacks %q:\n%s", want, text)
		}
	}
	if len(v.buttons()) != 2 {
		t.Errorf("bare card has %d buttons, want 2", len(v.buttons()))
	}
	c := testCard()
	c.Link = "javascript:alert(1)"
	text = viewBlocks(t, CardMessage(c).Blocks).allText()
	if strings.Contains(text, "javascript") {
		t.Errorf("card links to a non-http URL:\n%s", text)
	}
}

// checkLimits fails if a message breaks one of Slack's limits, or the margin kept below msg_blocks_too_long.
func checkLimits(t *testing.T, m Message) blockView {
	t.Helper()
	v := viewBlocks(t, m.Blocks)
	if len(v.blocks) > maxBlocks {
		t.Errorf("%d blocks, limit %d", len(v.blocks), maxBlocks)
	}
	if n := blocksSize(m.Blocks); n > maxBlocksSize {
		t.Errorf("blocks measure %d, limit %d", n, maxBlocksSize)
	}
	if n := textLen(m.Text); n > 40000 {
		t.Errorf("fallback text is %d long", n)
	}
	for _, b := range v.blocks {
		switch b["type"] {
		case "section":
			if text, ok := b["text"].(map[string]any); ok {
				if n := textLen(text["text"].(string)); n > maxSectionText {
					t.Errorf("section text is %d long, limit %d", n, maxSectionText)
				}
			}
			if fields, ok := b["fields"].([]any); ok {
				for _, f := range fields {
					if n := textLen(f.(map[string]any)["text"].(string)); n > 2000 {
						t.Errorf("field is %d long", n)
					}
				}
			}
		case "header":
			if n := textLen(b["text"].(map[string]any)["text"].(string)); n > maxHeaderText {
				t.Errorf("header is %d long", n)
			}
		}
	}
	return v
}

func TestCardMessageTruncatesLongTranscript(t *testing.T) {
	tests := map[string]string{
		"latin":     strings.Repeat("where is my parcel? ", 25),
		"ampersand": strings.Repeat("&<>", 200),
		"emoji":     strings.Repeat("😡🙏", 150),
		"cjk":       strings.Repeat("我的包裹在哪里", 60),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c := testCard()
			c.Name = strings.Repeat("N&", 200)
			c.Summary = strings.Repeat(body, 10)
			c.OutOfHoursNote = strings.Repeat(body, 5)
			c.Transcript = nil
			for i := range 300 {
				c.Transcript = append(c.Transcript, conversation.Line{From: "customer", Text: fmt.Sprintf("message %d: %s", i, body), At: testTime})
			}
			c.Transcript = append(c.Transcript, conversation.Line{From: "customer", Text: "the newest message", At: testTime})
			v := checkLimits(t, CardMessage(c))
			text := v.allText()
			if !strings.Contains(text, "the newest message") {
				t.Errorf("the newest message was cut")
			}
			if strings.Contains(text, "message 0:") {
				t.Errorf("the oldest message was kept while newer ones were cut")
			}
			omitted := regexp.MustCompile(`_… (\d+) earlier messages: <` + regexp.QuoteMeta(testLink) + `\|see the full conversation>_`)
			match := omitted.FindStringSubmatch(text)
			if match == nil {
				t.Fatalf("no line linking to the earlier messages:\n%s", text)
			}
			// The count is exactly the messages not shown.
			var n int
			fmt.Sscan(match[1], &n)
			shown := strings.Count(text, "*Customer* (")
			if n+shown != len(c.Transcript) {
				t.Errorf("%d omitted + %d shown != %d messages", n, shown, len(c.Transcript))
			}
			if len(v.buttons()) != 2 {
				t.Errorf("buttons lost to truncation")
			}
		})
	}
}

func TestCardMessageTruncatesOneHugeMessage(t *testing.T) {
	c := testCard()
	c.Transcript = []conversation.Line{{From: "customer", Text: strings.Repeat("x", 100000) + "END"}}
	v := checkLimits(t, CardMessage(c))
	text := v.allText()
	if strings.Contains(text, "END") {
		t.Errorf("a 100,000-character message was not cut")
	}
	if !strings.Contains(text, "xxx…") {
		t.Errorf("the cut message is not marked with an ellipsis")
	}
}

func TestCardMessageWithoutLinkCountsOmitted(t *testing.T) {
	c := testCard()
	c.Link = ""
	c.Transcript = nil
	for range 100 {
		c.Transcript = append(c.Transcript, conversation.Line{From: "customer", Text: strings.Repeat("a", 500)})
	}
	text := checkLimits(t, CardMessage(c)).allText()
	if !regexp.MustCompile(`_… \d+ earlier messages not shown_`).MatchString(text) {
		t.Errorf("no line counting the earlier messages:\n%.500s", text)
	}
}

func TestPromptMessagePending(t *testing.T) {
	m := PromptMessage(Prompt{Phone: testPhone, Assignee: "UAGENT1", Idle: 30 * time.Minute})
	v := checkLimits(t, m)
	text := v.allText()
	if !strings.Contains(text, "<@UAGENT1> No agent activity for 30 minutes") {
		t.Errorf("prompt text = %q", text)
	}
	if !strings.Contains(m.Text, "<@UAGENT1>") {
		t.Errorf("prompt fallback %q does not mention the assignee", m.Text)
	}
	want := []button{
		{"handoff_prompt:" + testPhone, ActionReturn, testPhone, "Return to bot", "primary"},
		{"handoff_prompt:" + testPhone, ActionKeep, testPhone, "Keep with me", ""},
	}
	if got := v.buttons(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("prompt buttons = %+v, want %+v", got, want)
	}
}

func TestPromptMessageAnswered(t *testing.T) {
	tests := []struct {
		outcome PromptOutcome
		want    string
	}{
		{PromptKept, "Kept with <@UAGENT1>"},
		{PromptReturned, "Returned to the bot by <@UAGENT1>"},
	}
	for _, tc := range tests {
		m := PromptMessage(Prompt{Phone: testPhone, Assignee: "UAGENT1", Outcome: tc.outcome, By: "UAGENT1", At: testTime})
		v := checkLimits(t, m)
		if got := v.allText(); !strings.Contains(got, tc.want) || !strings.Contains(got, "<!date^") {
			t.Errorf("%s prompt = %q, want %q and a date", tc.outcome, got, tc.want)
		}
		if len(v.buttons()) != 0 {
			t.Errorf("%s prompt still has buttons", tc.outcome)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Minute:                "30 minutes",
		time.Minute:                     "1 minute",
		time.Hour:                       "1 hour",
		90 * time.Minute:                "1 hour 30 minutes",
		2*time.Hour + time.Minute:       "2 hours 1 minute",
		45 * time.Second:                "45 seconds",
		29*time.Minute + 40*time.Second: "30 minutes",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestThreadTexts(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"customer", CustomerText("where is my order?"), "*Customer:* where is my order?"},
		{"customer escaped", CustomerText(hostile), "*Customer:* " + Escape(hostile)},
		{"customer multi-line", CustomerText("12 Main St\nCape Town\n*Agent:* ok"), "*Customer:*\n>12 Main St\n>Cape Town\n>*Agent:* ok"},
		{"customer quote", CustomerText("> not a quote"), "*Customer:* &gt; not a quote"},
		{"agent from console", AgentText("alice", "Refund sent"), "*Agent* alice: Refund sent"},
		{"agent from slack", AgentText("UAGENT1", "<!channel>"), "*Agent* <@UAGENT1>: &lt;!channel&gt;"},
		{"already taken", AlreadyTakenText("UAGENT1"), "<@UAGENT1> already has this conversation. Your thread replies stay internal."},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if n := textLen(CustomerText(strings.Repeat("&", 50000))); n > maxMessageText {
		t.Errorf("customer thread text is %d long, limit %d", n, maxMessageText)
	}
}

func TestMention(t *testing.T) {
	for in, want := range map[string]string{
		"U024BE7LH":  "<@U024BE7LH>",
		"W012A3CDE":  "<@W012A3CDE>",
		"alice":      "alice",
		"<!channel>": "&lt;!channel&gt;",
		"U12 x":      "U12 x",
		"":           "an agent",
		"u024be7lh":  "u024be7lh",
	} {
		if got := Mention(in); got != want {
			t.Errorf("Mention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeLimit(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"a<b", 10, "a&lt;b"},
		{"hello world", 8, "hello w…"},
		{"ab&cd", 5, "ab…"}, // never half an entity
		{"😀😀😀", 5, "😀😀…"},
		{"", 5, ""},
	}
	for _, tc := range tests {
		if got := escapeLimit(tc.in, tc.max); got != tc.want {
			t.Errorf("escapeLimit(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// checkEscaped fails unless s holds no raw < or > and every & starts one of the three entities.
func checkEscaped(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "<>") {
		t.Fatalf("raw < or > in %q", s)
	}
	for i := range len(s) {
		if s[i] == '&' && !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
			t.Fatalf("bare & at %d in %q", i, s)
		}
	}
}

func FuzzEscapeLimit(f *testing.F) {
	for _, seed := range []string{"", hostile, "a&b", strings.Repeat("&", 100), "😀<😀>", "\xff\xfe"} {
		f.Add(seed, 10)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max < 1 || max > 5000 {
			return
		}
		got := escapeLimit(in, max)
		checkEscaped(t, got)
		if textLen(got) > max && textLen(Escape(in)) > max {
			t.Fatalf("escapeLimit(%q, %d) = %q, longer than %d", in, max, got, max)
		}
	})
}

func FuzzCardMessage(f *testing.F) {
	f.Add("Sheena", "summary", "hi", "bot", 3)
	f.Add(hostile, hostile, hostile, hostile, 200)
	f.Add(strings.Repeat("&", 300), "", strings.Repeat("😀", 700), "", 60)
	f.Fuzz(func(t *testing.T, name, summary, text, from string, n int) {
		if n < 0 || n > 400 {
			return
		}
		c := testCard()
		c.Name, c.Summary, c.OutOfHoursNote = name, summary, summary
		c.Transcript = nil
		for range n {
			c.Transcript = append(c.Transcript, conversation.Line{From: from, Text: text, At: testTime})
		}
		m := CardMessage(c)
		v := checkLimits(t, m)
		checkOnlyOwnTokens(t, v.allText(), "")
		checkOnlyOwnTokens(t, m.Text, "")
		if len(v.buttons()) != 2 {
			t.Fatalf("card has %d buttons", len(v.buttons()))
		}
	})
}

// setStage puts the card in one of the looks it has: waiting for a person, taken, awaiting confirmation of a
// return, or returned to the bot by changedBy.
func setStage(c *conversation.Card, stage, assignee, changedBy string) {
	c.Status, c.Assignee, c.ChangedBy = conversation.StatusHandoff, "", ""
	switch stage {
	case "taken":
		c.Assignee = assignee
	case "awaiting":
		c.Status, c.Assignee = conversation.StatusAwaitingConfirmation, assignee
	case "returned":
		c.Status, c.Assignee, c.ChangedBy = conversation.StatusActive, assignee, changedBy
	}
}

func TestCardMessageDeadlines(t *testing.T) {
	c := testCard()
	c.EscalatedAt, c.UnclaimedTimeout = testTime, 5*time.Minute
	c.WindowClosesAt = testTime.Add(40 * time.Minute)
	texts := viewBlocks(t, CardMessage(c).Blocks).allText()
	if !strings.Contains(texts, "*Overdue*: nobody has taken this conversation within 5 minutes of support hours") ||
		!strings.Contains(texts, "24-hour WhatsApp window closes <!date^") {
		t.Fatalf("card texts: %s", texts)
	}
	c.Assignee = "U01ALICE" // taken: no longer overdue; the window warning stays
	texts = viewBlocks(t, CardMessage(c).Blocks).allText()
	if strings.Contains(texts, "Overdue") || !strings.Contains(texts, "window closes") {
		t.Fatalf("taken card texts: %s", texts)
	}
}

func TestEscalationText(t *testing.T) {
	c := testCard()
	c.Name, c.UnclaimedTimeout = hostile, 5*time.Minute
	got := EscalationText("<!subteam^S0123>", c)
	if !strings.HasPrefix(got, "<!subteam^S0123> :rotating_light: *") || !strings.Contains(got, "+"+testPhone) ||
		!strings.Contains(got, "within 5 minutes of support hours") || !strings.Contains(got, "<"+testLink+"|Open the conversation>") {
		t.Fatalf("escalation text %q", got)
	}
	for _, bad := range []string{"<!channel>", "<@U123>", "<!here>"} {
		if strings.Contains(got, bad) {
			t.Fatalf("customer's name mentions %s: %q", bad, got)
		}
	}
	if got := EscalationText("", c); strings.HasPrefix(got, " ") || !strings.HasPrefix(got, ":rotating_light:") {
		t.Fatalf("no mention: %q", got)
	}
}
