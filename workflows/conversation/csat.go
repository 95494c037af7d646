package conversation

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/supportd/supportd/handoff"
)

// The rating's words and bounds. WhatsApp allows at most three reply buttons of at most 20 characters.
const (
	titleGood          = "Great"
	titleOK            = "OK"
	titleBad           = "Not good"
	maxHandBackRunes   = 600
	maxHandBackSummary = 300
)

// Score is a customer's rating of the help after a hand-back (docs/CONTRACT.md: "csat").
type Score string

// The scores, as the API shows them and the metrics count them.
const (
	ScoreGood Score = "good"
	ScoreOK   Score = "ok"
	ScoreBad  Score = "bad"
)

// Reply button ids of the rating question (docs/CONTRACT.md).
const (
	ButtonCSATGood = "csat_good"
	ButtonCSATOK   = "csat_ok"
	ButtonCSATBad  = "csat_bad"
)

// CSAT is the rating question of the latest hand-back and the customer's answer.
type CSAT struct {
	// For is the handoff (State.Handoffs) the question was asked about; zero when none was asked.
	For int `json:"for,omitempty"`
	// Pending is true from the question until the customer answers or writes something else.
	Pending bool  `json:"pending,omitempty"`
	Score   Score `json:"score,omitempty"`
	// At is when the customer rated.
	At time.Time `json:"at,omitempty"`
}

// CSATButtons are the reply buttons of the rating question.
var CSATButtons = []Button{
	{ID: ButtonCSATGood, Title: titleGood}, {ID: ButtonCSATOK, Title: titleOK}, {ID: ButtonCSATBad, Title: titleBad},
}

// Title is the score as the customer's button says it.
func (s Score) Title() string {
	switch s {
	case ScoreGood:
		return titleGood
	case ScoreOK:
		return titleOK
	case ScoreBad:
		return titleBad
	}
	return string(s)
}

// ShouldAskCSAT reports whether the welcome back after a hand-back asks the customer to rate the help: CSAT
// is on, the question was not asked about this handoff yet, and WhatsApp's 24-hour window is open.
func ShouldAskCSAT(s *State, now time.Time) bool {
	return s.Settings.CSAT && s.Handoffs > 0 && s.CSAT.For != s.Handoffs && WindowOpen(s.LastInbound, now)
}

// DecideRating decides whether a customer message, while the bot holds the conversation, is a rating of the
// help. A tap on a rating button counts for the latest hand-back's question until it is answered, even after
// the question lapsed; typed words ("great", "ok", "not good", 1-5 stars) count only while it is pending.
// handled is false when the message is not a rating: the bot deals with it as usual and the question lapses.
// handled is true with an empty score for a tap that no longer counts (the question was answered), which
// needs nothing.
func DecideRating(s *State, m Message) (score Score, handled bool) {
	switch m.Kind {
	case KindButton:
		score = buttonScore(m.ButtonID)
		if score == "" {
			return "", false
		}
		if s.CSAT.For == 0 || s.CSAT.For != s.Handoffs || s.CSAT.Score != "" {
			return "", true
		}
		return score, true
	case KindText:
		if !s.CSAT.Pending {
			return "", false
		}
		score = typedScore(m.Text)
		return score, score != ""
	}
	return "", false
}

func buttonScore(id string) Score {
	switch id {
	case ButtonCSATGood:
		return ScoreGood
	case ButtonCSATOK:
		return ScoreOK
	case ButtonCSATBad:
		return ScoreBad
	}
	return ""
}

// typedWords are the typed answers that rate the help, after normalisation (lower case, no punctuation).
var typedWords = map[string]Score{
	"great": ScoreGood, "good": ScoreGood, "very good": ScoreGood, "excellent": ScoreGood, "amazing": ScoreGood,
	"awesome": ScoreGood, "perfect": ScoreGood, "brilliant": ScoreGood, "fantastic": ScoreGood, "super": ScoreGood,
	"5": ScoreGood, "4": ScoreGood, "5 stars": ScoreGood, "4 stars": ScoreGood, "👍": ScoreGood, "😀": ScoreGood,
	"😊": ScoreGood, "🙂": ScoreGood, "❤️": ScoreGood, "it was great": ScoreGood, "it was good": ScoreGood,

	"ok": ScoreOK, "okay": ScoreOK, "k": ScoreOK, "fine": ScoreOK, "alright": ScoreOK, "average": ScoreOK,
	"so so": ScoreOK, "meh": ScoreOK, "3": ScoreOK, "3 stars": ScoreOK, "😐": ScoreOK, "it was ok": ScoreOK,
	"it was okay": ScoreOK,

	"not good": ScoreBad, "bad": ScoreBad, "very bad": ScoreBad, "poor": ScoreBad, "terrible": ScoreBad,
	"awful": ScoreBad, "horrible": ScoreBad, "no good": ScoreBad, "not great": ScoreBad, "not helpful": ScoreBad,
	"1": ScoreBad, "2": ScoreBad, "1 star": ScoreBad, "2 stars": ScoreBad, "👎": ScoreBad, "😞": ScoreBad,
	"😡": ScoreBad, "it was bad": ScoreBad, "it was not good": ScoreBad,
}

// typedScore reads a typed rating: the whole message is one of typedWords, or a row of 1-5 stars. Anything
// longer is a message to answer, not a rating.
func typedScore(text string) Score {
	t := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(t); n > 0 && n <= 5 && strings.Trim(t, "⭐★") == "" {
		return starScore(n)
	}
	return typedWords[normalizeRating(t)]
}

func starScore(n int) Score {
	switch {
	case n >= 4:
		return ScoreGood
	case n == 3:
		return ScoreOK
	}
	return ScoreBad
}

// normalizeRating lowers the case, drops punctuation and spaces out the words; emoji are kept.
func normalizeRating(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r > unicode.MaxLatin1 && !unicode.IsPunct(r) && !unicode.IsSpace(r):
			b.WriteRune(r)
		case r == '\'':
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// HandBackMemory is the bot's memory after a person handed the conversation back: the questions asked
// before are settled (context, never an open request), and what the person left (their note, the handoff's
// reason and summary) comes last.
func HandBackMemory(recent []Turn, agent, note string, reason handoff.Reason, summary string) []Turn {
	out := make([]Turn, 0, len(recent)+1)
	for _, t := range recent {
		if t.Role == "" {
			t.Settled = true
		}
		out = append(out, t)
	}
	out = append(out, Turn{Role: RoleHandBack, Text: handBackText(agent, note, reason, summary)})
	if len(out) > MaxRecent {
		out = out[len(out)-MaxRecent:]
	}
	return out
}

// handBackText is the hand-back in words for the bot.
func handBackText(agent, note string, reason handoff.Reason, summary string) string {
	if agent == "" {
		agent = "an agent"
	}
	label := reason.Label()
	if label == "" {
		label = "a handoff"
	}
	var b strings.Builder
	// (Built without fmt.Fprintf, which workflowcheck cannot prove deterministic.)
	b.WriteString("A person on our team (" + agent + ") helped the customer with this conversation (" + label + ") and handed it back to the assistant.")
	if note = strings.TrimSpace(note); note != "" {
		b.WriteString(" Their note: " + note)
		if !strings.HasSuffix(note, ".") {
			b.WriteString(".")
		}
	}
	if summary = strings.TrimSpace(summary); summary != "" {
		b.WriteString(" Summary of the handoff: " + Clip(strings.Join(strings.Fields(summary), " "), maxHandBackSummary))
	}
	return Clip(b.String(), maxHandBackRunes)
}

// CleanNote is an agent's note as the bot keeps it: trimmed, a Slack "//" prefix dropped, bounded.
func CleanNote(note string) string {
	note = strings.TrimSpace(note)
	note = strings.TrimSpace(strings.TrimPrefix(note, "//"))
	return Clip(note, maxHandBackRunes)
}
