package nlp

import "strings"

// Affirmative reports whether text, typed in answer to "Would you like to chat to a person?", accepts:
// "yes", "yeah", "yep", "ja", "jaa", "yebo", "please", "ok please", "sure", "yes please", "go ahead", 👍.
// A message that says more than yes (a new question) is not an answer, and neither is a mixed "yes no".
func Affirmative(text string) bool { return readReply(text) == replyYes }

// Negative reports whether text, typed in answer to that offer, declines: "no", "nee", "cha", "no thanks",
// "not now", "maybe later", "I'm fine", 👎. Anything else is neither affirmative nor negative.
func Negative(text string) bool { return readReply(text) == replyNo }

type replyKind int

const (
	replyNeither replyKind = iota
	replyYes
	replyNo
)

// readReply reads a short answer. Every word must belong to the answer's vocabulary; at least one must
// say yes or no. A clear yes and a clear no together say neither; a no with a softer "ok" or "please" in it
// ("no it's ok", "no thanks please") still declines.
func readReply(text string) replyKind {
	m := parse(text)
	yes, weakYes, no := false, false, false
	for _, e := range m.emoji {
		switch {
		case yesEmoji[e]:
			yes = true
		case noEmoji[e]:
			no = true
		case positiveEmoji[e] > 0:
		default:
			return replyNeither
		}
	}
	ts := m.tokens
	if declines(ts) {
		no = true
	}
	for i := 0; i < len(ts); i++ {
		t := &ts[i]
		switch {
		case t.norm == "not" && i+1 < len(ts) && notNow[ts[i+1].norm]:
			no = true
			i++
		case noWords[t.norm] || declineWords[t.norm]:
			no = true
		case weakYesWords[t.norm]:
			weakYes = true
		case yesWords[t.norm]:
			yes = true
		case replyFillers[t.norm]:
		default:
			return replyNeither
		}
	}
	switch {
	case no && !yes:
		return replyNo
	case (yes || weakYes) && !no:
		return replyYes
	}
	return replyNeither
}

// declines reports a refusal said without "no": "I'm fine", "all good", "never mind".
func declines(ts []token) bool {
	words := make([]string, len(ts))
	for i, t := range ts {
		words[i] = t.norm
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, p := range declinePhrases {
		if strings.Contains(joined, " "+p+" ") {
			return true
		}
	}
	return false
}

// declinePhrases refuse an offer politely.
var declinePhrases = []string{
	"i am fine", "i am good", "i am ok", "all good", "it is fine", "its fine", "it is ok", "its ok",
	"never mind", "nevermind", "no need", "not needed", "do not worry", "dont worry", "dit is reg",
	"ek is reg", "kulungile ngiyabonga",
}

var (
	yesEmoji = map[string]bool{"👍": true, "✅": true, "👌": true, "✔": true, "🙏": true, "💯": true}
	noEmoji  = map[string]bool{"👎": true, "❌": true, "🚫": true, "✖": true}
	// declineWords say no without the word no.
	declineWords = map[string]bool{"later": true, "nevermind": true, "worries": true}
	// weakYesWords accept on their own but give way to a no beside them.
	weakYesWords = map[string]bool{
		"ok": true, "okay": true, "please": true, "sure": true, "alright": true, "right": true,
		"asseblief": true, "ngicela": true, "ndicela": true, "kulungile": true,
	}
	// notNow words after "not" decline: "not now", "not yet".
	notNow = map[string]bool{"now": true, "yet": true, "really": true, "necessary": true, "needed": true, "today": true}
	// replyFillers may surround a yes or a no.
	replyFillers = map[string]bool{
		"thanks": true, "thank": true, "you": true, "dankie": true, "ngiyabonga": true, "siyabonga": true,
		"enkosi": true, "man": true, "bru": true, "sir": true, "maam": true, "madam": true, "i": true,
		"would": true, "like": true, "that": true, "go": true, "ahead": true, "do": true, "it": true,
		"be": true, "great": true, "good": true, "right": true, "away": true, "now": true, "is": true,
		"am": true, "fine": true, "all": true, "maybe": true, "need": true, "worry": true, "never": true,
		"mind": true, "a": true, "person": true, "human": true, "agent": true, "want": true, "to": true,
		"talk": true, "chat": true, "speak": true, "with": true, "someone": true, "an": true, "me": true,
		"connect": true, "perfect": true, "cool": true, "lekker": true, "asb": true, "kahle": true,
		"its": true, "thats": true, "will": true, "ok": true, "alright": true, "really": true,
		"kakhulu": true, "baie": true, "much": true, "so": true, "just": true, "for": true,
		"sorry": true, "lol": true, "sharp": true, "shot": true, "ja-nee": true, "well": true,
		"continue": true, "bot": true, "the": true,
	}
)
