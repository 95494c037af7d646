package conversation

import (
	"unicode/utf8"
)

// The conversation's state is what a continue-as-new carries and what queries return, so it is bounded in
// bytes whatever customers write: a WhatsApp text may be 65,536 characters, and Temporal refuses a payload
// over 2 MB (and warns over 512 KB). Long texts are kept whole where they already are: a customer's message
// in the history of the run that received it (its signal), an agent's in the history of its update. The
// state keeps their beginning and says where the rest is (Cut).
const (
	// MaxLineText is how many characters of a line's text the state keeps: as much as WhatsApp lets the bot
	// or an agent send, and what the bot reads of a customer's message.
	MaxLineText = MaxTextLength
	// transcriptBudget bounds the transcript's texts, in bytes as JSON encodes them; the oldest lines are
	// left out (counted in Earlier) past it.
	transcriptBudget = 192 << 10
	// pendingBudget bounds the texts of the messages still to be handled, carried to a fresh run; past it,
	// each is cut shorter (the transcript still has them).
	pendingBudget = 64 << 10
	// MaxRecentText bounds each earlier question the classifier is given.
	MaxRecentText = 1000
	// MaxSummary bounds the agents' summary a model wrote.
	MaxSummary = 2000
	// MaxListText bounds the last message the conversations list shows.
	MaxListText = 280
	// MaxTranscript bounds the transcript's lines; older ones are counted in Earlier.
	MaxTranscript = 200
	// MaxRecent bounds the earlier questions given to the classifier.
	MaxRecent = 6
	// CarriedBudget is what the state a continue-as-new carries stays under, with a margin under
	// Temporal's 512 KB payload warning; the tests hold the workflow to it.
	CarriedBudget = 320 << 10
)

// CutText returns the first n characters of s, and whether it cut anything.
func CutText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false // no more bytes than characters allowed
	}
	i, count := 0, 0
	for i < len(s) {
		if count == n {
			return s[:i], true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s, false
}

// Clip keeps s when it has at most n characters, else cuts it to n, the last one an ellipsis.
func Clip(s string, n int) string {
	if _, cut := CutText(s, n); !cut {
		return s
	}
	c, _ := CutText(s, n-1)
	return c + "…"
}

// CutLine keeps a line's text within MaxLineText, noting where the whole text is when it cut: in the history
// of run, whose signal or update carried it.
func CutLine(l Line, run string) Line {
	text, cut := CutText(l.Text, MaxLineText)
	if !cut {
		return l
	}
	if l.Cut == nil {
		l.Cut = &Cut{Length: utf8.RuneCountInString(l.Text), In: CutInHistory, RunID: run}
	}
	l.Text = text
	return l
}

// jsonSize is how many bytes a string takes in a JSON payload, quotes included: encoding/json escapes the
// HTML characters and control characters as \u00XX.
func jsonSize(s string) int {
	n := 2
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '<' || b == '>' || b == '&':
			n += 6
		case b == '"' || b == '\\' || b == '\n' || b == '\r' || b == '\t':
			n += 2
		case b < 0x20:
			n += 6
		case b == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9):
			n += 6 // U+2028, U+2029
			i += 2
		default:
			n++
		}
	}
	return n
}

// lineSize is a line's size in the state: its texts and the fixed part of its JSON.
func lineSize(l Line) int {
	return jsonSize(l.Text) + jsonSize(l.Agent) + jsonSize(l.Error) + len(l.ID) + 160
}

// BoundTranscript leaves out the oldest lines while the transcript is over its line count or its budget,
// counting them in Earlier. The newest line is always kept.
func (s *State) BoundTranscript() {
	size, keep := 0, 0
	for i := len(s.Transcript) - 1; i >= 0; i-- {
		size += lineSize(s.Transcript[i])
		if keep > 0 && (size > transcriptBudget || keep == MaxTranscript) {
			break
		}
		keep++
	}
	if over := len(s.Transcript) - keep; over > 0 {
		s.Transcript = append([]Line(nil), s.Transcript[over:]...)
		s.Earlier += over
	}
}

// BoundPending keeps the texts of the messages still to be handled within pendingBudget: each is cut to its
// share of it. A cut message is still answered, from its beginning.
func (s *State) BoundPending() {
	size := 0
	for _, m := range s.Pending {
		size += jsonSize(m.Text)
	}
	if size <= pendingBudget {
		return
	}
	share := max(pendingBudget/(6*len(s.Pending)), 64) // characters: at most 6 bytes each in JSON
	for i := range s.Pending {
		s.Pending[i].Text = Clip(s.Pending[i].Text, share)
	}
}
