package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cues are named observations about a message that the learned layer weighs together with its words. Each
// stands for a way people write, not for a sentence:
//
//   - sarcasm after a delay: praise ("great", "thanks a lot", "wonderful service") next to time passing,
//     waiting, "still" or "nothing";
//   - incredulity about money: an amount paid with "??"/"!!" or "are you serious", "for nothing";
//   - frustration at repeating oneself: "again", "twice", "third time", "I've asked before", "still no
//     answer", "for the last time";
//   - asking for a named person: a name after "speak to", "is <Name> available", "the lady who helped me",
//     "whoever is in charge";
//   - politeness ("any news?", "no rush", "please"), which keeps a chase an order question;
//   - text written to instruct the bot ("ignore your instructions and ..."), which asks the shop nothing;
//   - a place outside South Africa, which the knowledge base of a South African shop does not cover;
//   - a bare acknowledgement ("ok", a lone 👍), which is not thanks.
//
// readCues returns the names of the cues that hold, each once.
func readCues(m *message) []string {
	ts := m.tokens
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	has := func(set map[string]bool) bool {
		for i := range ts {
			if set[ts[i].norm] {
				return true
			}
		}
		return false
	}
	// near reports a word of a within span tokens before a word of b, in the same sentence.
	near := func(a, b map[string]bool, span int) bool {
		for i := range ts {
			if !a[ts[i].norm] {
				continue
			}
			for j := i + 1; j < len(ts) && j <= i+span && ts[j].sent == ts[i].sent; j++ {
				if b[ts[j].norm] {
					return true
				}
			}
		}
		return false
	}

	money := false
	for i := range ts {
		if ts[i].kind == kindMoney {
			money = true
		}
	}
	praise := has(cuePraise)
	timePassing := has(cueWaiting) || has(cueStill) || durationSaid(ts) || has(cueDates)
	lacking := has(cueNothing)
	if praise {
		add("praise")
	}
	if timePassing {
		add("time")
	}
	if lacking {
		add("nothing")
	}
	if praise && (timePassing || lacking) {
		add("sarcasm_delay")
	}
	if strings.Contains(m.text, "...") || strings.Contains(m.text, "…") {
		add("ellipsis")
	}
	if strings.ContainsAny(m.text, "\"“”") {
		add("quotes")
	}
	for _, em := range m.emoji {
		switch em {
		case "🙄", "👏", "🤦", "😒", "😤":
			add("eyeroll")
		}
	}

	// Money.
	incredulous := has(cueIncredulity) || phraseIn(ts, incredulityPhrases)
	if incredulous {
		add("incredulity")
	}
	if money {
		if m.maxQuestion >= 2 || m.maxExclaim >= 2 || m.mixedMarks || incredulous {
			add("money_incredulity")
		}
		if has(cuePaid) {
			add("money_paid")
		}
		if lacking || has(cueNegative) {
			add("money_lacking")
		}
	}
	if has(cuePaid) && (lacking || has(cueNegative)) {
		add("paid_nothing")
	}

	// Repeating oneself.
	if repeated(ts) {
		add("repeat")
	}
	if near(cueNoOne, cueReplyWords, 3) {
		add("no_answer")
	}

	// A person by name or by role.
	if namedPerson(ts) {
		add("named_person")
	}
	if near(cuePersonRole, cueRelative, 1) {
		add("person_who")
	}
	if has(cuePersonRole) {
		add("person_role")
	}
	if phraseIn(ts, inChargePhrases) {
		add("in_charge")
	}

	// A request negated: "I don't want to talk to a person", "ek wil nie my geld terug hê nie".
	if near(negators, cueRequested, 4) {
		add("negated_request")
	}

	// Politeness.
	if has(cuePolite) || phraseIn(ts, politePhrases) {
		add("polite")
	}

	// Instructions to the bot.
	if injection(ts) {
		add("injection")
	}
	if has(cueMeta) {
		add("meta")
	}

	// Places abroad and branches.
	if foreignPlace(ts) {
		add("foreign_place")
	}
	if has(cueBranch) {
		add("branch")
	}

	// A bare acknowledgement.
	if len(ts) == 0 && len(m.emoji) > 0 {
		add("emoji_only")
		for _, em := range m.emoji {
			if ackEmoji[em] {
				add("ack_emoji_only")
			}
		}
	}
	if len(ts) > 0 && len(ts) <= 2 {
		all := true
		for i := range ts {
			all = all && cueAck[ts[i].norm]
		}
		if all {
			add("ack_only")
			for _, em := range m.emoji {
				if ackEmoji[em] {
					add("ack_emoji")
				}
			}
		}
	}

	// Language.
	if has(cueZulu) || zuluMorphology(ts) {
		add("lang_zu")
	}
	if has(cueAfrikaans) {
		add("lang_af")
	}
	return out
}

// durationSaid reports a stretch of time: "3 weeks", "two days", "a month", "since Monday".
func durationSaid(ts []token) bool {
	for i := range ts {
		if !wordClassSet("timeUnit")[ts[i].norm] || i == 0 {
			continue
		}
		p := ts[i-1].norm
		if ts[i-1].kind == kindNumber || numberWords[p] || p == "a" || p == "an" || p == "few" ||
			p == "many" || p == "n" || p == "twee" || p == "drie" {
			return true
		}
	}
	for i := 0; i+1 < len(ts); i++ {
		if (ts[i].norm == "since" || ts[i].norm == "sedert" || ts[i].norm == "sedertdien") && ts[i+1].sent == ts[i].sent {
			return true
		}
	}
	return false
}

// repeated reports a customer who says they are asking again.
func repeated(ts []token) bool {
	for i := range ts {
		n := ts[i].norm
		if cueAgain[n] {
			return true
		}
		if n == "time" || n == "times" || n == "keer" || n == "keers" {
			if i > 0 {
				p := ts[i-1].norm
				if ts[i-1].kind == kindNumber || numberWords[p] || ordinalWords[p] || p == "last" ||
					p == "many" || p == "several" || p == "same" || p == "more" || p == "laaste" {
					return true
				}
			}
		}
		if (n == "asked" || n == "asking" || n == "ask" || n == "gevra" || n == "vra" || n == "told" ||
			n == "explained" || n == "messaged" || n == "emailed" || n == "called" || n == "phoned") && i+1 <= len(ts) {
			for j := max(0, i-3); j < len(ts) && j <= i+4; j++ {
				if ts[j].sent == ts[i].sent && (ts[j].norm == "already" || ts[j].norm == "before" ||
					ts[j].norm == "al" || ts[j].norm == "yesterday" || ts[j].norm == "keep" ||
					ts[j].norm == "kept" || ts[j].norm == "still" || ts[j].norm == "gister") {
					return true
				}
			}
		}
	}
	return phraseIn(ts, repeatPhrases)
}

// namedPerson reports a person asked for by name: a capitalised unknown word after a verb of speaking or
// reaching ("chat to Sipho", "get Priya to call me"), before a word of availability ("is Thabo
// available"), or after a title ("Mr Naidoo").
func namedPerson(ts []token) bool {
	for i := range ts {
		if !nameLike(ts, i) {
			continue
		}
		if i > 0 && cueTitles[ts[i-1].norm] {
			return true
		}
		for j := max(0, i-3); j < i; j++ {
			if ts[j].sent == ts[i].sent && cueReach[ts[j].norm] {
				return true
			}
		}
		for j := i + 1; j < len(ts) && j <= i+2; j++ {
			if ts[j].sent == ts[i].sent && cueAvailable[ts[j].norm] {
				return true
			}
		}
	}
	return false
}

// nameLike reports a word typed with a capital that the engine does not know as anything else.
func nameLike(ts []token, i int) bool {
	t := &ts[i]
	if t.kind != kindWord || t.raw == "" || t.caps || t.concept != "" || len(t.norm) < 3 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t.raw)
	if !unicode.IsUpper(r) {
		return false
	}
	if i == 0 || ts[i-1].sent != t.sent {
		return false
	}
	return !stopwords[t.norm] && !greetingWords[t.norm] && !fillerWords[t.norm] && !cueNotNames[t.norm]
}

// injection reports text that tries to instruct the bot: "ignore your instructions", "disregard the
// above", "you are now in developer mode", "print your system prompt".
func injection(ts []token) bool {
	for i := range ts {
		if !cueOverride[ts[i].norm] {
			continue
		}
		for j := i + 1; j < len(ts) && j <= i+4; j++ {
			if cueMeta[ts[j].norm] {
				return true
			}
		}
	}
	return phraseIn(ts, injectionPhrases)
}

// foreignPlace reports a country or city outside South Africa.
func foreignPlace(ts []token) bool {
	for i := range ts {
		if foreignPlaces[ts[i].norm] {
			return true
		}
		if i+1 < len(ts) && foreignPlaces[ts[i].norm+" "+ts[i+1].norm] {
			return true
		}
	}
	return false
}

// zuluMorphology reports words built like isiZulu verbs and nouns ("ngingakhokha", "ukulethwa",
// "nivala").
func zuluMorphology(ts []token) bool {
	n := 0
	for i := range ts {
		w := ts[i].norm
		if len(w) < 6 {
			continue
		}
		for _, p := range []string{"ngi", "niya", "uku", "ama", "isi", "izi", "aba", "kwa", "nge", "ngo"} {
			if strings.HasPrefix(w, p) && !knownWord(w) {
				n++
				break
			}
		}
	}
	return n > 0
}

// phraseIn reports whether any phrase (words separated by spaces) occurs in ts within one sentence.
func phraseIn(ts []token, phrases [][]string) bool {
	for _, p := range phrases {
		for i := 0; i+len(p) <= len(ts); i++ {
			ok := true
			for k, w := range p {
				if ts[i+k].norm != w || ts[i+k].sent != ts[i].sent {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func phraseList(ss ...string) [][]string {
	out := make([][]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Fields(s)
	}
	return out
}

// wordClassSets holds the word classes of rules.go as sets, built at package start.
var wordClassSets = map[string]map[string]bool{}

func wordClassSet(name string) map[string]bool { return wordClassSets[name] }

func init() {
	for name, ws := range wordClasses {
		s := map[string]bool{}
		for _, w := range ws {
			s[strings.TrimLeft(w, "=%")] = true
		}
		wordClassSets[name] = s
	}
}

func set(ws ...string) map[string]bool {
	s := make(map[string]bool, len(ws))
	for _, w := range ws {
		s[w] = true
	}
	return s
}

var (
	cuePraise = set("great", "wonderful", "brilliant", "amazing", "awesome", "fantastic", "lovely", "perfect",
		"excellent", "superb", "marvellous", "fabulous", "impressive", "nice", "cool", "helpful", "thanks",
		"thank", "dankie", "ngiyabonga", "siyabonga", "lekker", "wow", "bravo", "congrats", "congratulations",
		"stunning", "outstanding", "fast", "quick", "speedy", "efficient", "love", "best", "legend",
		"mooi", "pragtig", "uitstekend", "baie", "kakhulu", "enkosi", "genius", "classic")
	cueWaiting = set("wait", "waiting", "waited", "wag", "gewag", "wagte", "hold", "lindile", "ngilindile",
		"ngisalindile", "ngilinde", "delay", "delayed", "late", "overdue", "ages", "forever", "eternity",
		"promised", "supposed", "beloof", "tomorrow", "later", "soon", "week", "weeks", "month", "months")
	cueStill = set("still", "yet", "steeds", "nog", "already", "al", "again", "nou")
	cueDates = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
		"february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
		"december", "yesterday", "maandag", "dinsdag", "woensdag", "donderdag", "vrydag", "saterdag", "sondag",
		"gister")
	cueNothing = set("nothing", "niks", "nobody", "noone", "none", "never", "nooit", "no", "nowhere",
		"lutho", "akukho", "missing", "empty", "nada", "zero", "without")
	cueIncredulity = set("serious", "seriously", "kidding", "joking", "unbelievable", "incredible",
		"ridiculous", "insane", "crazy", "robbery", "scam", "scammers", "haibo", "hayibo", "jinne",
		"jislaaik", "hayi", "yoh", "eish", "wtf", "wth", "excuse", "really", "regtig", "ernstig", "what")
	incredulityPhrases = phraseList("are you serious", "for real", "you must be joking", "is this a joke",
		"wait what", "excuse me", "you cannot be serious", "how is it possible", "how is that possible",
		"what is going on", "are u for real", "are you for real", "is dit n grap")
	cuePaid = set("paid", "pay", "paying", "betaal", "betaald", "charged", "debited", "debit", "took",
		"taken", "deducted", "spent", "khokhe", "ngikhokhe", "sikhokhe", "ngikhokhile", "bought", "koop",
		"gekoop", "upfront", "full", "twice", "gone")
	cueNegative = set("not", "no", "never", "nie", "didnt", "doesnt", "dont", "cant", "wont", "isnt",
		"havent", "hasnt", "only", "half", "nothing", "niks", "broken", "leaks", "leaking", "torn", "scratched")
	cueAgain = set("again", "twice", "thrice", "repeat", "repeating", "repeated", "weer", "kaningi", "futhi",
		"umpteenth", "nogmaals", "herhaal")
	repeatPhrases = phraseList("over and over", "one more time", "last time", "same question", "same thing",
		"same answer", "keep asking", "keeps asking", "kept asking", "still no answer", "still no reply",
		"still no response", "asked before", "already asked", "already told", "told you", "how many times",
		"nog n keer", "ngibuze kaningi")
	cueNoOne      = set("no", "still", "nobody", "never", "noone", "zero", "without", "geen", "niemand")
	cueReplyWords = set("answer", "answers", "reply", "replies", "response", "responses", "feedback",
		"callback", "antwoord", "terugvoer", "replied", "answered", "responded", "help")
	cuePersonRole = set("lady", "gentleman", "guy", "man", "woman", "girl", "oke", "ou", "dame", "meneer",
		"mevrou", "tannie", "oom", "manager", "supervisor", "boss", "owner", "consultant", "eienaar",
		"bestuurder", "umphathi", "salesperson", "sales", "technician", "installer", "driver", "person",
		"someone", "somebody", "staff", "team", "sisi", "bhuti", "mama", "baba")
	cueRelative     = set("who", "that", "wat", "from", "in", "at")
	inChargePhrases = phraseList("in charge", "who is in charge", "the boss", "the manager", "the owner",
		"head office", "die baas", "die eienaar", "whoever is")
	cueReach = set("speak", "talk", "chat", "praat", "gesels", "khuluma", "ukukhuluma", "get", "ask", "put",
		"pass", "connect", "transfer", "call", "phone", "ring", "message", "whatsapp", "email", "tell",
		"dealing", "helped", "ukukhuluma", "ngikhulume", "khulume")
	cueAvailable = set("available", "around", "in", "there", "working", "on", "back", "free", "busy",
		"beskikbaar", "hier", "daar", "ekhona", "ukhona", "today", "still")
	cueTitles = set("mr", "mrs", "ms", "miss", "mnr", "mev", "dr", "sir", "madam", "mme", "ntate", "baba",
		"mama", "sisi", "bhuti", "oom", "tannie", "aunty", "uncle")
	cueNotNames = set("order", "please", "thanks", "thank", "hi", "hello", "yes", "no", "ok", "the", "my",
		"you", "your", "is", "are", "can", "could", "sunday", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday", "january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december", "snapscan", "zapper", "eft", "whatsapp", "christmas",
		"easter", "heritage", "freedom", "day", "bot", "sorry", "good", "great", "what", "when", "where",
		"how", "why", "who", "which", "still", "also", "just", "weber", "protea")
	cueRequested = set("person", "human", "agent", "someone", "anyone", "anybody", "manager", "refund",
		"money", "geld", "imali", "call", "phone", "iemand", "terugbetaling", "terug", "umuntu", "nomuntu",
		"ukukhuluma", "talk", "speak", "praat")
	cuePolite = set("please", "pls", "plz", "plse", "asseblief", "asb", "ngicela", "sicela", "ndicela",
		"kindly", "sorry", "thanks", "thank", "dankie", "ngiyabonga", "appreciate", "appreciated", "hope",
		"quick", "wondering", "hi", "hello", "morning", "ngiyacela", "bother")
	politePhrases = phraseList("no rush", "just checking", "just following up", "following up", "any news",
		"any update", "any updates", "any idea", "when can i expect", "could you check", "can you check",
		"thanks in advance", "enige nuus", "just wondering")
	cueOverride = set("ignore", "disregard", "forget", "override", "bypass", "ignoreer", "vergeet",
		"skip", "drop", "reveal", "print", "show", "output", "repeat", "translate", "list", "dump", "leak")
	cueMeta = set("instructions", "instruction", "rules", "prompt", "prompts", "previous", "above",
		"training", "programming", "guidelines", "instruksies", "reels", "system", "config", "configuration",
		"password", "passwords", "api", "key", "token", "developer", "dan", "jailbreak", "restrictions",
		"hidden", "admin", "database", "override")
	injectionPhrases = phraseList("you are now", "from now on", "pretend you are", "pretend to be", "act as",
		"as an ai", "new instruction", "system prompt", "developer mode", "word for word", "no restrictions",
		"your instructions", "were you given", "jou instruksies")
	cueBranch = set("branch", "branches", "outlet", "outlets", "franchise", "franchises", "store", "stores",
		"shop", "shops", "showroom", "tak", "takke", "winkel", "winkels", "isitolo", "igatsha", "amagatsha",
		"negatsha", "location", "locations", "office")
	cueAck = set("ok", "okay", "k", "kk", "okey", "oki", "sure", "hmm", "hmmm", "mmm", "noted", "alright",
		"right", "fine", "yes", "ja", "yebo", "no", "nee", "cha", "cool", "sho", "aight")
	ackEmoji = map[string]bool{"👍": true, "👌": true, "🤷": true, "👀": true, "🆗": true, "✔": true, "✅": true}
	cueZulu  = set("ngicela", "ngifuna", "nini", "kuphi", "malini", "kanjani", "yini", "ngoba", "futhi",
		"kodwa", "kakhulu", "manje", "namuhla", "kusasa", "ngiyabonga", "siyabonga", "sawubona", "yebo",
		"cha", "haibo", "yami", "yethu", "lami", "bafethu", "mfethu", "nina", "wena", "mina", "ukuthi",
		"ngabe", "ngubani", "noma", "uma", "ngaphezu", "izinsuku", "ezingaki", "ngingakhokha", "nikuphi")
	cueAfrikaans = set("ek", "julle", "nie", "hoe", "waar", "wanneer", "het", "wil", "asseblief", "dankie",
		"baie", "bestelling", "geld", "my", "vir", "jou", "ons", "sal", "kan", "wat", "n", "die", "maak",
		"nog", "al", "lekker", "ag", "nee", "jinne", "hoeveel", "aflewering")
	numberWords = set("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve",
		"een", "twee", "drie", "vier", "vyf", "ses", "sewe", "agt", "nege", "tien", "couple", "several")
	ordinalWords = set("first", "second", "third", "fourth", "fifth", "sixth", "tenth", "umpteenth", "1st",
		"2nd", "3rd", "4th", "5th", "eerste", "tweede", "derde", "vierde", "vyfde")
	// foreignPlaces are countries and cities abroad that customers of a South African shop ask about.
	foreignPlaces = set("namibia", "botswana", "zimbabwe", "zambia", "mozambique", "lesotho", "eswatini",
		"swaziland", "eswazini", "malawi", "angola", "kenya", "nigeria", "ghana", "tanzania", "uganda",
		"rwanda", "ethiopia", "egypt", "morocco", "mauritius", "madagascar", "seychelles", "uk", "england",
		"scotland", "ireland", "london", "manchester", "usa", "america", "canada", "australia",
		"sydney", "melbourne", "perth", "new zealand", "auckland", "dubai", "uae", "qatar", "doha", "india",
		"china", "germany", "france", "paris", "netherlands", "holland", "amsterdam", "belgium", "portugal",
		"lisbon", "spain", "italy", "europe", "windhoek", "gaborone", "harare", "bulawayo", "lusaka",
		"maputo", "maseru", "mbabane", "lilongwe", "nairobi", "lagos", "accra", "cairo", "abroad",
		"overseas", "brazil", "argentina", "japan", "singapore", "israel", "turkey", "russia", "poland",
		"sweden", "norway", "denmark", "switzerland", "austria", "greece", "swakopmund", "francistown",
		"luanda", "kinshasa", "congo", "drc", "cameroon", "senegal", "sudan", "somalia", "tunisia",
		"algeria", "libya", "new york", "texas", "california", "florida", "toronto", "vancouver")
)
