package slackapp

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// escapeReplacer turns the three characters Slack treats as control characters into entities. Nothing else is
// escaped: Slack shows any other entity literally.
var escapeReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes text safe to place in a Slack mrkdwn or plain-text field: `&`, `<` and `>` become `&amp;`,
// `&lt;` and `&gt;`, so `<!channel>`, `<@U123>` or `<http://x|y>` written by a customer shows as typed and
// mentions nobody.
func Escape(text string) string { return escapeReplacer.Replace(text) }

// textLen measures text the way the strictest Slack limit could count it: in UTF-16 code units, which is never
// less than the number of characters.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// ellipsis marks text that was cut short.
const ellipsis = "…"

// escapeLimit escapes text and, if the result is longer than max, cuts it at a character boundary outside any
// entity and appends an ellipsis, so the result is at most max long and never ends in half an `&amp;`.
func escapeLimit(text string, max int) string {
	escaped := Escape(text)
	if textLen(escaped) <= max {
		return escaped
	}
	var b strings.Builder
	n := 0
	budget := max - textLen(ellipsis)
	for _, r := range text {
		piece := string(r)
		switch r {
		case '&':
			piece = "&amp;"
		case '<':
			piece = "&lt;"
		case '>':
			piece = "&gt;"
		}
		if n+textLen(piece) > budget {
			break
		}
		b.WriteString(piece)
		n += textLen(piece)
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + ellipsis
}

// singleLine replaces every run of white space, line breaks included, with one space.
func singleLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// lineBreaks matches the line breaks of a customer message.
var lineBreaks = regexp.MustCompile(`\s*(\r\n|\r|\n)\s*`)

// joinLines puts a multi-line message on one line, marking each break, so that no line of a transcript can
// start with text that looks like another speaker.
func joinLines(text string) string {
	return lineBreaks.ReplaceAllString(strings.TrimSpace(text), " ↵ ")
}

// slackUserID matches a Slack user ID such as U024BE7LH or W012A3CDE.
var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// Mention names an agent in mrkdwn: a Slack user ID becomes a mention that Slack shows as the user's name;
// any other name (an agent of the web console) is escaped and shown as written.
func Mention(agent string) string {
	agent = strings.TrimSpace(agent)
	if slackUserID.MatchString(agent) {
		return "<@" + agent + ">"
	}
	if agent == "" {
		return "an agent"
	}
	return escapeLimit(singleLine(agent), 80)
}

// slackDate formats t as a Slack date token, which every reader sees in their own time zone; the fallback after
// the bar is what clients that cannot render it show.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2 Jan 15:04 UTC"))
}

// link formats a mrkdwn link to an http(s) URL, or returns "" for anything else (a javascript: URL, a relative
// path, an empty string), so a bad PUBLIC_URL can never produce a broken or dangerous link.
func link(rawURL, label string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	target := strings.ReplaceAll(Escape(u.String()), "|", "%7C")
	return "<" + target + "|" + Escape(label) + ">"
}

// humanDuration writes a duration the way a person would say it: "30 minutes", "1 hour 30 minutes".
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		return plural(int(d.Round(time.Second)/time.Second), "second")
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return plural(m, "minute")
	case m == 0:
		return plural(h, "hour")
	}
	return plural(h, "hour") + " " + plural(m, "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
