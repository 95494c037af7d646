package nlp

// This file holds the word tables the engine reads messages with. They are immutable lookup tables: plain
// data, written in the forms customers type, in English, Afrikaans, isiZulu, isiXhosa and Sesotho.

// variants maps a spelling variant, abbreviation or contraction typed without its apostrophe to its
// normalised form (one or more words).
var variants = map[string]string{
	// Pronouns and verbs of chat English.
	"u": "you", "ya": "yeah", "yu": "you", "yoo": "you", "ur": "your", "yr": "your", "youre": "you are",
	"r": "are", "im": "i am", "ive": "i have",
	"dont": "do not", "didnt": "did not", "doesnt": "does not", "cant": "can not", "cannot": "can not",
	"wont": "will not", "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
	"havent": "have not", "hasnt": "has not", "hadnt": "had not", "couldnt": "could not",
	"wouldnt": "would not", "shouldnt": "should not", "aint": "is not", "nt": "not", "dnt": "do not",
	"whats": "what is", "wats": "what is", "wheres": "where is", "hows": "how is", "thats": "that is",
	"theres": "there is", "whens": "when is", "whos": "who is", "lets": "let us",
	"wanna": "want to", "gonna": "going to", "gotta": "got to", "lemme": "let me", "gimme": "give me",
	"dunno": "do not know", "cos": "because", "coz": "because", "cuz": "because", "bcoz": "because",
	"bcos": "because", "coss": "because",
	"wat": "what", "wht": "what", "wot": "what", "wen": "when", "wn": "when", "wer": "where",
	"whr": "where", "wher": "where", "hw": "how", "cn": "can", "cld": "could", "cud": "could",
	"wud": "would", "shud": "should", "hv": "have", "hav": "have", "nd": "and", "abt": "about",
	"nw": "now", "b4": "before", "bt": "but", "jst": "just", "alrdy": "already", "evn": "even",
	"sumone": "someone", "some1": "someone", "any1": "anyone", "no1": "nobody", "noone": "nobody",
	"ppl": "people", "pple": "people", "msg": "message", "msgs": "messages", "info": "information",
	"pls": "please", "plz": "please", "plse": "please", "plis": "please", "pliz": "please",
	"pleas": "please", "pleez": "please", "plez": "please", "pleaze": "please", "pleasee": "please",
	"thx": "thanks", "thnx": "thanks", "thanx": "thanks", "tnx": "thanks", "tx": "thanks",
	"thnks": "thanks", "thanxs": "thanks", "thankz": "thanks", "tanks": "thanks", "thks": "thanks",
	"thanku": "thank you", "thankyou": "thank you", "ty": "thank you", "tq": "thank you",
	"thnk": "thank", "tnk": "thank",
	"k": "ok", "kk": "ok", "okk": "ok", "okey": "ok", "okie": "ok", "oky": "ok", "okay": "ok", "okat": "ok",
	"oki": "ok", "okays": "ok", "ohk": "ok", "okaay": "ok",
	"hie": "hi", "hy": "hi", "hii": "hi", "hallo": "hello", "helo": "hello", "hellow": "hello",
	"hellooo": "hello", "heyy": "hey", "hola": "hello", "howsit": "howzit", "hoezit": "howzit",
	"howzet": "howzit", "sawbona": "sawubona", "sawubona": "sawubona", "sanbonani": "sanibonani",
	"gud": "good", "gd": "good", "gr8": "great", "grt": "great", "awsome": "awesome", "awsum": "awesome",
	"2day": "today", "tday": "today", "2nite": "tonight", "tonite": "tonight",
	"tmrw": "tomorrow", "tmr": "tomorrow", "tmro": "tomorrow", "tmoro": "tomorrow", "tomoz": "tomorrow",
	"tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow", "2moro": "tomorrow",
	"2morrow": "tomorrow", "tomorrw": "tomorrow", "tmw": "tomorrow", "2mrw": "tomorrow",
	"wknd": "weekend", "sat": "saturday", "mon": "monday", "tues": "tuesday",
	"wed": "wednesday", "thurs": "thursday", "fri": "friday",
	// Shop words, misspelt.
	"adress": "address", "addres": "address", "adres": "address", "addy": "address",
	"delivary": "delivery", "delievery": "delivery", "deliverey": "delivery", "dilivery": "delivery",
	"delivry": "delivery", "delivey": "delivery", "delvery": "delivery", "deliv": "delivery",
	"deliverd": "delivered", "dlivered": "delivered",
	"refnd": "refund", "refud": "refund", "refun": "refund", "refunt": "refund", "refumd": "refund",
	"recieve": "receive", "recieved": "received", "recived": "received", "receieved": "received",
	"parcle": "parcel", "parsel": "parcel", "percel": "parcel", "oder": "order", "ordr": "order",
	"odrer": "order", "orda": "order", "oda": "order", "iorder": "order",
	"payed": "paid", "pymnt": "payment", "paymnt": "payment", "paymeny": "payment",
	"warrenty": "warranty", "waranty": "warranty", "warranty": "warranty", "guarentee": "guarantee",
	"garantee": "guarantee", "vouture": "voucher", "vocher": "voucher", "vouchr": "voucher",
	"emial": "email", "emai": "email", "mail": "email", "emails": "email",
	"instal": "install", "instalation": "installation", "istall": "install",
	"collectiom": "collection", "colect": "collect", "collet": "collect",
	"manger": "manager", "manajer": "manager", "supervisr": "supervisor",
	"ridiculas": "ridiculous", "rediculous": "ridiculous", "ridiculus": "ridiculous",
	"unaceptable": "unacceptable", "unacceptible": "unacceptable", "usless": "useless",
	"rubish": "rubbish", "nonsens": "nonsense", "pathethic": "pathetic",
	"whatsapp": "whatsapp", "watsapp": "whatsapp", "whatapp": "whatsapp", "watsap": "whatsapp",
	"hellopeters": "hellopeter", "mastercard": "card", "visa": "card", "amex": "card",
	"creditcard": "card", "debitcard": "card", "cards": "card", "kaart": "card", "kaarte": "card",
	"kontant": "cash", "ukheshi": "cash",
	"bru": "bru", "bro": "bru", "boet": "bru", "broer": "bru", "china": "bru", "bra": "bru", "brah": "bru",
	// Afrikaans spellings.
	"asb": "asseblief", "asseblief": "asseblief", "dankie": "dankie", "dnkie": "dankie", "dankir": "dankie",
	"mre": "more", "goeiemore": "goeie more", "goeiemiddag": "goeie middag",
	"goeienaand": "goeie naand",
	// isiZulu and isiXhosa spellings.
	"ngiyabong": "ngiyabonga", "ngyabonga": "ngiyabonga", "ngiyabonga": "ngiyabonga",
	"siyabong": "siyabonga", "enkos": "enkosi",
	"haibo": "hayibo", "hhayibo": "hayibo", "aibo": "hayibo",
	"jislaaik": "jislaaik", "jislaik": "jislaaik", "jisslaaik": "jislaaik", "jislaaaik": "jislaaik",
}

// copulaBases are words whose 's is "is" (what's, where's), not a possessive.
var copulaBases = map[string]bool{
	"what": true, "where": true, "who": true, "how": true, "it": true, "that": true, "there": true,
	"here": true, "he": true, "she": true, "when": true, "why": true, "this": true,
}

// zuluPrefixes are noun prefixes written with a hyphen before borrowed words (i-order, ama-parcel, e-Joburg).
var zuluPrefixes = map[string]bool{
	"i": true, "ama": true, "u": true, "ku": true, "ngo": true, "nge": true, "ne": true, "no": true,
	"o": true, "ka": true, "kwi": true, "ezi": true, "izi": true, "em": true, "ezin": true, "izin": true,
}

// breaksClause are words that end the scope of a negation before them.
var breaksClause = map[string]bool{
	"but": true, "maar": true, "kodwa": true, "however": true, "although": true, "though": true,
	"because": true, "so": true, "just": true, "only": true, "net": true,
}

// stopwords carry no topic: function words, pronouns and question words in the languages customers use.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "if": true, "of": true,
	"to": true, "in": true, "on": true, "at": true, "for": true, "from": true, "by": true, "with": true,
	"about": true, "as": true, "into": true, "than": true, "then": true, "so": true, "too": true,
	"very": true, "is": true, "are": true, "am": true, "was": true, "were": true, "be": true,
	"been": true, "being": true, "do": true, "does": true, "did": true, "doing": true, "have": true,
	"has": true, "had": true, "having": true, "i": true, "me": true, "my": true, "mine": true,
	"myself": true, "we": true, "us": true, "our": true, "you": true, "your": true, "yours": true,
	"he": true, "she": true, "it": true, "its": true, "they": true, "them": true, "their": true,
	"this": true, "that": true, "these": true, "those": true, "there": true, "here": true,
	"what": true, "which": true, "who": true, "whom": true, "whose": true, "when": true, "why": true,
	"how": true, "can": true, "could": true, "will": true, "would": true, "shall": true, "should": true,
	"may": true, "might": true, "must": true, "any": true, "some": true, "all": true, "each": true,
	"every": true, "no": true, "not": true, "just": true, "also": true, "only": true, "still": true,
	"yet": true, "up": true, "out": true, "off": true, "over": true, "again": true, "please": true,
	"kindly": true, "really": true, "actually": true, "maybe": true, "perhaps": true, "let": true,
	"much": true, "many": true, "more": true, "anything": true, "something": true,
	"else": true, "other": true, "another": true, "one": true, "ones": true, "thing": true,
	"things": true, "way": true, "ever": true, "even": true, "already": true,
	"though": true, "because": true, "since": true, "while": true, "until": true, "till": true,
	"like": true, "im": true, "yes": true, "yeah": true, "ok": true, "okay": true, "sure": true,
	"instead": true, "rather": true, "tho": true, "lol": true, "hey": true, "hi": true, "hello": true,
	"guys": true, "guy": true, "team": true, "bru": true, "man": true, "sir": true, "madam": true,
	"maam": true, "mam": true, "dear": true, "friend": true, "folks": true, "people": true,
	"question": true, "quick": true, "information": true, "details": true, "someone": true,
	"anyone": true, "somebody": true, "anybody": true, "possible": true, "able": true,
	// Afrikaans.
	"ek": true, "jy": true, "julle": true, "ons": true, "hulle": true, "die": true, "n": true,
	"en": true, "van": true, "vir": true, "met": true, "op": true, "na": true, "te": true,
	"om": true, "wat": true, "hoe": true, "wie": true, "wanneer": true, "kan": true, "sal": true,
	"wil": true, "moet": true, "het": true, "nie": true, "nog": true, "al": true, "ook": true,
	"asseblief": true, "baie": true, "dit": true, "daar": true, "hier": true, "net": true,
	"maar": true, "toe": true, "gaan": true, "se": true, "jou": true, "ja": true,
	"nee": true, "dan": true,
	// isiZulu, isiXhosa, Sesotho.
	"ngicela": true, "ngiyacela": true, "sicela": true, "ndicela": true, "ndiyacela": true,
	"ngifuna": true, "ndifuna": true, "ukwazi": true, "ukuthi": true, "uma": true, "kodwa": true,
	"futhi": true, "kanye": true, "nina": true, "mina": true, "wena": true, "yini": true,
	"kanjani": true, "nini": true, "ngoba": true, "ukuba": true, "ngabe": true, "ingabe": true,
	"kopa": true, "ke": true, "ngiyazi": true, "sawubona": true, "molo": true,
	"lenu": true, "yenu": true, "wenu": true, "kwenu": true, "zenu": true, "benu": true, "senu": true,
	"lami": true, "yami": true, "wami": true, "zami": true, "bami": true, "sami": true, "yam": true,
	"lam": true, "wam": true, "ngu": true, "ngi": true, "ni": true, "kukhona": true, "ikhona": true,
	"certain": true, "bit": true, "ngasiphi": true, "isiphi": true, "siphi": true, "isikhathi": true,
}

// fillerWords are politeness, address and discourse words that carry neither topic nor intent.
var fillerWords = map[string]bool{
	"please": true, "kindly": true, "asseblief": true, "ngicela": true, "ngiyacela": true, "sicela": true,
	"ndicela": true, "guys": true, "guy": true, "team": true, "bru": true, "man": true, "sir": true,
	"madam": true, "maam": true, "mam": true, "dear": true, "friend": true, "folks": true, "all": true,
	"everyone": true, "there": true, "just": true, "so": true, "ja": true, "no": true, "well": true,
	"bit": true,
	"um":  true, "umm": true, "uhm": true, "eh": true, "ah": true, "oh": true, "hmm": true, "lol": true,
	"again": true, "too": true, "also": true, "the": true, "and": true, "hey": true, "yoh": true,
	"yho": true, "shame": true, "ag": true, "nou": true, "now": true, "ne": true,
	"once": true, "quickly": true, "very": true, "much": true, "a": true, "lot": true,
}

// genericWords are common verbs and nouns that say little about which FAQ is meant; they weigh little in
// retrieval but, unlike stopwords, still count.
var genericWords = map[string]bool{
	"get": true, "got": true, "know": true, "tell": true, "want": true, "need": true, "find": true,
	"help": true, "check": true, "ask": true, "wonder": true, "wondering": true, "make": true,
	"take": true, "takes": true, "go": true, "see": true, "buy": true, "bought": true, "spend": true,
	"sell": true, "give": true, "use": true, "look": true, "looking": true, "say": true, "put": true,
	"possible": true, "available": true, "usually": true, "normally": true, "currently": true,
	"still": true, "kry": true, "weet": true, "koop": true, "maak": true, "thenga": true, "funa": true,
	"ngifuna": true, "ndifuna": true, "item": true, "items": true, "product": true, "products": true,
	"something": true, "anything": true, "stuff": true, "service": true, "company": true,
	"business": true, "website": true, "online": true, "site": true, "app": true, "instead": true,
	"usual": true, "long": true, "number": true, "offer": true, "provide": true, "do": true,
	"come": true, "comes": true, "came": true, "expect": true, "carry": true, "supply": true,
	"neem": true, "aanvaar": true, "verkoop": true, "thengisa": true, "niyathengisa": true,
	"nithengisa": true, "bring": true, "send": true, "certain": true,
	"specific": true, "physical": true, "exact": true, "full": true, "new": true, "old": true,
	"work": true, "working": true, "able": true,
	// People and occasions a purchase is for.
	"mom": true, "mum": true, "mother": true, "dad": true, "father": true, "wife": true,
	"husband": true, "son": true, "daughter": true, "kids": true, "children": true, "family": true,
	"friend": true, "friends": true, "boss": true, "colleague": true, "sister": true, "brother": true,
	"gran": true, "granny": true, "ouma": true, "oupa": true, "ma": true, "pa": true, "birthday": true,
	"wedding": true, "anniversary": true, "someone": true, "mamma": true, "umama": true, "ubaba": true,
}

// questionWords open a question.
var questionWords = map[string]bool{
	"what": true, "when": true, "where": true, "how": true, "why": true, "which": true, "who": true,
	"can": true, "could": true, "do": true, "does": true, "did": true, "is": true, "are": true,
	"will": true, "would": true, "should": true, "may": true, "have": true, "has": true, "any": true,
	"wat": true, "wanneer": true, "waar": true, "hoe": true, "hoeveel": true, "kan": true,
	"het": true, "gaan": true, "sal": true, "nini": true, "kuphi": true, "malini": true, "kanjani": true,
	"yini": true, "ngabe": true, "ingabe": true, "iphi": true, "ikuphi": true,
}

// greetingWords open a conversation.
var greetingWords = map[string]bool{
	"hi": true, "hello": true, "hey": true, "heya": true, "hiya": true, "howzit": true, "heita": true,
	"sho": true, "yo": true, "greetings": true, "morning": true, "afternoon": true, "evening": true,
	"sawubona": true, "sanibonani": true, "molo": true, "molweni": true, "dumela": true,
	"dumelang": true, "lumela": true, "lumelang": true, "avuxeni": true, "ndaa": true, "aweh": true,
	"goeie": true, "more": true, "middag": true, "naand": true, "goeiedag": true, "hallo": true,
	"hoesit": true, "gday": true, "salute": true, "salutations": true,
	"unjani": true, "kunjani": true, "ninjani": true, "ndiphilile": true, "sharp": true,
}

// thanksWords thank or praise.
var thanksWords = map[string]bool{
	"thanks": true, "thank": true, "cheers": true, "dankie": true, "ngiyabonga": true,
	"siyabonga": true, "enkosi": true, "kealeboha": true, "leboha": true, "leboga": true,
	"appreciated": true, "appreciate": true, "shot": true, "awesome": true, "great": true,
	"perfect": true, "brilliant": true, "excellent": true, "amazing": true, "lovely": true,
	"lekker": true, "super": true, "fantastic": true, "wonderful": true, "helpful": true,
	"legend": true, "legends": true, "stars": true, "star": true, "champ": true, "nice": true,
	"sweet": true, "baie": true, "kakhulu": true, "grateful": true, "thankful": true,
	"mooi": true, "ta": true, "ayoba": true,
}

// gratitudeWords say thank you (thanksWords also holds praise).
var gratitudeWords = map[string]bool{
	"thanks": true, "thank": true, "cheers": true, "dankie": true, "ngiyabonga": true, "siyabonga": true,
	"enkosi": true, "kealeboha": true, "leboha": true, "leboga": true, "appreciated": true,
	"appreciate": true, "shot": true,
}

// yesWords accept an offer.
var yesWords = map[string]bool{
	"yes": true, "yeah": true, "yep": true, "yup": true, "yea": true, "yah": true, "ya": true,
	"ja": true, "jaa": true, "jah": true, "jep": true, "yebo": true, "ewe": true, "ee": true,
	"ok": true, "sure": true, "please": true, "asseblief": true, "definitely": true,
	"absolutely": true, "certainly": true, "course": true, "indeed": true, "y": true, "yess": true,
	"yesh": true, "affirmative": true, "kulungile": true, "right": true, "alright": true,
	"alrighty": true, "ngicela": true, "ndicela": true,
}

// noWords decline an offer.
var noWords = map[string]bool{
	"no": true, "nope": true, "nah": true, "nay": true, "nee": true, "cha": true, "hayi": true,
	"hhayi": true, "ayi": true, "aowa": true, "nei": true, "nooo": true, "never": true, "n": true,
}

// durationUnits follow a number to make a duration (3 weeks, 24 hours).
var durationUnits = map[string]bool{
	"day": true, "week": true, "month": true, "hour": true, "minut": true, "min": true, "hr": true,
	"dae": true, "weke": true, "maand": true, "ur": true, "year": true,
}

// Concepts that words and phrases map to. Retrieval compares concepts, so that "shipping" meets "delivery"
// and "hoe laat maak julle toe" meets "what time do you close".
const (
	conceptHours    = "@hours"
	conceptHoliday  = "@holiday"
	conceptWeekday  = "@weekday"
	conceptWhenDay  = "@whenday" // today, tomorrow: says when, not what
	conceptWhere    = "@where"
	conceptLocation = "@location"
	conceptStore    = "@store"
	conceptDelivery = "@delivery"
	conceptCost     = "@cost"
	conceptFree     = "@free"
	conceptDuration = "@duration"
	conceptArrive   = "@arrive"
	conceptOrder    = "@order"
	conceptTrack    = "@track"
	conceptPay      = "@pay"
	conceptCollect  = "@collect"
	conceptReturn   = "@return"
	conceptPolicy   = "@policy"
	conceptWarranty = "@warranty"
	conceptVoucher  = "@voucher"
	conceptEmail    = "@email"
	conceptContact  = "@contact"
	conceptInstall  = "@install"
	conceptQuote    = "@quote"
	conceptMoney    = "@money"
	conceptPlace    = "@place" // a South African place: says where to, not what
	conceptStock    = "@stock"
	conceptHire     = "@hire"
	conceptPerson   = "@person"
	conceptDamage   = "@damage" // isiZulu words of damage, whose prefixes no list can enumerate
)

// concepts maps single words to concepts. Lookup tries the normalised word, its stem, and its stem plus e.
var concepts = map[string]string{
	// isiZulu forms of the common questions: "at what time", "where are you", "can I pay with a card",
	// "how long does delivery take", "can I collect", "can I return", "do you install".
	"ngasikhathi": conceptHours, "isikhathi": conceptHours, "nivulile": conceptHours,
	"nisavulile": conceptHours, "nivalile": conceptHours,
	"ngolwesine": conceptWeekday, "ngolwesithathu": conceptWeekday, "ngolwesibili": conceptWeekday,
	"ngamaholide": conceptHoliday, "amaholide": conceptHoliday,
	"iholide": conceptHoliday, "sikuphi": conceptWhere, "nitholakalaphi": conceptWhere,
	"ngingakhokha": conceptPay, "ngekhadi": conceptPay, "ikhadi": conceptPay, "nge-eft": conceptPay, "ngesnapscan": conceptPay,
	"ngingalandela": conceptTrack, "ukulandela": conceptTrack, "ngingayilanda": conceptCollect, "ngizolanda": conceptCollect,
	"ngingayibuyisela": conceptReturn, "ukubuyisela": conceptReturn, "ngingabuyisela": conceptReturn,
	"iwarranty": conceptWarranty, "isiqinisekiso": conceptWarranty,
	"niyafaka": conceptInstall, "nifaka": conceptInstall,
	"ama-voucher": conceptVoucher, "ivawusha": conceptVoucher, "amavawusha": conceptVoucher,
	"i-imeyili": conceptEmail, "imeyli": conceptEmail, "kumahhala": conceptFree, "ezingaki": conceptDuration,
	// Trading hours.
	"open": conceptHours, "opening": conceptHours, "opens": conceptHours, "close": conceptHours,
	"closing": conceptHours, "closes": conceptHours, "closed": conceptHours, "trading": conceptHours,
	"trade": conceptHours, "hours": conceptHours, "hour": conceptHours, "oop": conceptHours,
	"sluit": conceptHours, "ure": conceptHours, "besigheidsure": conceptHours, "handelsure": conceptHours,
	"vula": conceptHours, "niyavula": conceptHours, "nivula": conceptHours, "nizovula": conceptHours,
	"uvula": conceptHours, "vulile": conceptHours, "vala": conceptHours, "nivala": conceptHours,
	"niyavala": conceptHours, "nizovala": conceptHours, "ivuliwe": conceptHours,
	// Holidays.
	"holiday": conceptHoliday, "holidays": conceptHoliday, "christmas": conceptHoliday,
	"xmas": conceptHoliday, "easter": conceptHoliday, "vakansiedag": conceptHoliday,
	"kersfees": conceptHoliday, "nuwejaar": conceptHoliday, "paasnaweek": conceptHoliday,
	"paasfees": conceptHoliday, "eid": conceptHoliday, "diwali": conceptHoliday,
	"ramadan": conceptHoliday, "kisimusi": conceptHoliday, "ikhisimusi": conceptHoliday,
	// Days of the week.
	"monday": conceptWeekday, "tuesday": conceptWeekday, "wednesday": conceptWeekday,
	"thursday": conceptWeekday, "friday": conceptWeekday, "saturday": conceptWeekday,
	"sunday": conceptWeekday, "weekend": conceptWeekday, "weekends": conceptWeekday,
	"weekday": conceptWeekday, "weekdays": conceptWeekday, "maandag": conceptWeekday,
	"dinsdag": conceptWeekday, "woensdag": conceptWeekday, "donderdag": conceptWeekday,
	"vrydag": conceptWeekday, "saterdag": conceptWeekday, "sondag": conceptWeekday,
	"naweek": conceptWeekday, "naweke": conceptWeekday, "saterdae": conceptWeekday,
	"sondae": conceptWeekday, "maandae": conceptWeekday, "vrydae": conceptWeekday,
	"weeksdae": conceptWeekday, "weekdae": conceptWeekday, "mgqibelo": conceptWeekday,
	"ngomgqibelo": conceptWeekday, "sonto": conceptWeekday, "ngesonto": conceptWeekday,
	"msombuluko": conceptWeekday, "ngomsombuluko": conceptWeekday, "ngolwesihlanu": conceptWeekday,
	"lwesihlanu": conceptWeekday,
	// When, as a day.
	"today": conceptWhenDay, "tonight": conceptWhenDay, "tomorrow": conceptWhenDay,
	"yesterday": conceptWhenDay, "now": conceptWhenDay, "later": conceptWhenDay,
	"vandag": conceptWhenDay, "vanaand": conceptWhenDay,
	"kusasa": conceptWhenDay, "namhlanje": conceptWhenDay, "manje": conceptWhenDay,
	"ngomso": conceptWhenDay, "gisto": conceptWhenDay, "morning": conceptWhenDay,
	"afternoon": conceptWhenDay, "evening": conceptWhenDay,
	// Where the shop is.
	"where": conceptWhere, "waar": conceptWhere, "kuphi": conceptWhere, "nikuphi": conceptWhere,
	"ikuphi": conceptWhere, "whereabouts": conceptWhere, "kae": conceptWhere,
	"located": conceptLocation, "location": conceptLocation, "locations": conceptLocation,
	"address": conceptLocation, "ikheli": conceptLocation, "directions": conceptLocation,
	"situated": conceptLocation, "based": conceptLocation, "premises": conceptLocation,
	"indawo": conceptLocation, "plek": conceptLocation, "map": conceptLocation, "pin": conceptLocation,
	"gps": conceptLocation, "aadres": conceptLocation, "ligging": conceptLocation,
	"shop": conceptStore, "store": conceptStore, "showroom": conceptStore, "branch": conceptStore,
	"branches": conceptStore, "outlet": conceptStore, "winkel": conceptStore, "isitolo": conceptStore,
	"esitolo": conceptStore, "ivenkile": conceptStore, "evenkile": conceptStore, "shops": conceptStore,
	"stores": conceptStore, "toonkamer": conceptStore,
	// Delivery.
	"delivery": conceptDelivery, "deliver": conceptDelivery, "deliveries": conceptDelivery,
	"delivering": conceptDelivery, "delivers": conceptDelivery, "shipping": conceptDelivery,
	"ship": conceptDelivery, "ships": conceptDelivery, "shipped": conceptDelivery,
	"shipment": conceptDelivery, "courier": conceptDelivery, "couriers": conceptDelivery,
	"postage": conceptDelivery, "dispatch": conceptDelivery, "dispatched": conceptDelivery,
	"aflewering": conceptDelivery, "aflewer": conceptDelivery, "aflewerings": conceptDelivery,
	"afleweringskoste": conceptDelivery, "posgeld": conceptDelivery, "ukulethwa": conceptDelivery,
	"ukuletha": conceptDelivery, "lethwa": conceptDelivery, "niyaletha": conceptDelivery,
	"nizoletha": conceptDelivery, "ukuthumela": conceptDelivery, "posted": conceptDelivery,
	"post": conceptDelivery, "freight": conceptDelivery,
	// Cost.
	"cost": conceptCost, "costs": conceptCost, "price": conceptCost, "prices": conceptCost,
	"pricing": conceptCost, "fee": conceptCost, "fees": conceptCost, "charge": conceptCost,
	"charges": conceptCost, "rate": conceptCost, "rates": conceptCost, "expensive": conceptCost,
	"cheap": conceptCost, "pricey": conceptCost, "hoeveel": conceptCost, "kos": conceptCost,
	"koste": conceptCost, "prys": conceptCost, "pryse": conceptCost, "malini": conceptCost,
	"yimalini": conceptCost, "kubiza": conceptCost, "overpriced": conceptCost, "duur": conceptCost,
	"steep": conceptCost, "costly": conceptCost,
	"amount": conceptMoney, "spend": conceptMoney, "value": conceptMoney, "rand": conceptMoney,
	"randt": conceptMoney, "bedrag": conceptMoney,
	// Free.
	"free": conceptFree, "mahala": conceptFree, "mahhala": conceptFree, "gratis": conceptFree,
	"verniet": conceptFree, "mahalah": conceptFree,
	// Duration.
	"days": conceptDuration, "weeks": conceptDuration, "fast": conceptDuration,
	"soon": conceptDuration, "quickly": conceptDuration, "dae": conceptDuration, "weke": conceptDuration,
	"izinsuku": conceptDuration, "lank": conceptDuration, "within": conceptDuration,
	// Arrival.
	"arrive": conceptArrive, "arrives": conceptArrive, "arrival": conceptArrive,
	"arriving": conceptArrive, "arrived": conceptArrive, "fika": conceptArrive,
	"izofika": conceptArrive, "ifike": conceptArrive, "ifika": conceptArrive, "aankom": conceptArrive,
	// Orders.
	"order": conceptOrder, "orders": conceptOrder, "ordered": conceptOrder, "parcel": conceptOrder,
	"parcels": conceptOrder, "package": conceptOrder, "packages": conceptOrder, "pakkie": conceptOrder,
	"bestelling": conceptOrder, "bestellings": conceptOrder, "purchase": conceptOrder,
	"purchases": conceptOrder, "iphasela": conceptOrder, "iphakethe": conceptOrder,
	"consignment": conceptOrder, "bestel": conceptOrder,
	// Tracking.
	"track": conceptTrack, "tracking": conceptTrack, "trace": conceptTrack, "waybill": conceptTrack,
	"volg": conceptTrack, "landela": conceptTrack, "tracker": conceptTrack,
	// Payment.
	"pay": conceptPay, "payment": conceptPay, "payments": conceptPay, "paying": conceptPay,
	"paid": conceptPay, "betaal": conceptPay, "betaling": conceptPay, "khokha": conceptPay,
	"ukukhokha": conceptPay, "ngikhokhe": conceptPay, "ngikhokha": conceptPay, "bhadala": conceptPay,
	"ukubhadala": conceptPay, "hlawula": conceptPay, "ukuhlawula": conceptPay, "betalings": conceptPay,
	// Collection.
	"collect": conceptCollect, "collection": conceptCollect, "collecting": conceptCollect,
	"pickup": conceptCollect, "afhaal": conceptCollect, "haal": conceptCollect, "landa": conceptCollect,
	"fetch": conceptCollect, "fetching": conceptCollect,
	"ukulanda": conceptCollect, "collected": conceptCollect,
	// Returns and refunds.
	"return": conceptReturn, "returns": conceptReturn, "returning": conceptReturn,
	"exchange": conceptReturn, "exchanges": conceptReturn, "swap": conceptReturn,
	"refund": conceptReturn, "refunds": conceptReturn, "refunded": conceptReturn,
	"terugstuur": conceptReturn, "ruil": conceptReturn, "terugbetaling": conceptReturn,
	"buyisela": conceptReturn, "buyisa": conceptReturn, "terugbesorg": conceptReturn,
	// Policy.
	"policy": conceptPolicy, "policies": conceptPolicy, "rules": conceptPolicy,
	"beleid": conceptPolicy, "terms": conceptPolicy, "conditions": conceptPolicy,
	// Warranty.
	"warranty": conceptWarranty, "warranties": conceptWarranty, "guarantee": conceptWarranty,
	"guaranteed": conceptWarranty, "guarantees": conceptWarranty, "waarborg": conceptWarranty,
	"garansie": conceptWarranty, "iwaranti": conceptWarranty, "covered": conceptWarranty,
	// Vouchers.
	"voucher": conceptVoucher, "vouchers": conceptVoucher, "giftcard": conceptVoucher,
	"giftcards": conceptVoucher, "gift": conceptVoucher, "gifts": conceptVoucher,
	"geskenkbewys": conceptVoucher, "koopbewys": conceptVoucher, "present": conceptVoucher,
	// Email and contact.
	"email": conceptEmail, "epos": conceptEmail, "imeyili": conceptEmail,
	"contact": conceptContact, "contacts": conceptContact, "reach": conceptContact,
	"telephone": conceptContact, "phone": conceptContact, "landline": conceptContact,
	"kontak": conceptContact, "foon": conceptContact, "inombolo": conceptContact,
	"ucingo": conceptContact, "tel": conceptContact, "cellphone": conceptContact,
	// Installation.
	"install": conceptInstall, "installation": conceptInstall, "installations": conceptInstall,
	"installs": conceptInstall, "installing": conceptInstall, "installed": conceptInstall,
	"installeer": conceptInstall,
	"faka":       conceptInstall, "ukufaka": conceptInstall, "setup": conceptInstall,
	"installer": conceptInstall, "installers": conceptInstall,
	// Quotes.
	"quote": conceptQuote, "quotation": conceptQuote, "kwotasie": conceptQuote,
	"estimate": conceptQuote,
	// Stock and hiring are common shop questions; naming them keeps them from matching an FAQ by accident.
	"stock": conceptStock, "availability": conceptStock,
	"voorraad": conceptStock, "hiring": conceptHire, "vacancy": conceptHire, "vacancies": conceptHire,
	"job": conceptHire, "jobs": conceptHire, "werk": conceptHire, "cv": conceptHire,
	"umsebenzi": conceptHire, "internship": conceptHire, "employment": conceptHire,
	// People, for requests for a person.
	"person": conceptPerson, "human": conceptPerson, "agent": conceptPerson, "consultant": conceptPerson,
	"manager": conceptPerson, "supervisor": conceptPerson, "operator": conceptPerson,
	"representative": conceptPerson, "iemand": conceptPerson, "bestuurder": conceptPerson,
	"umuntu": conceptPerson, "nomuntu": conceptPerson, "umntu": conceptPerson, "nomntu": conceptPerson,
	// South African places: where to, not what.
	"johannesburg": conceptPlace, "joburg": conceptPlace, "jozi": conceptPlace, "jhb": conceptPlace,
	"egoli": conceptPlace, "pretoria": conceptPlace, "pta": conceptPlace, "tshwane": conceptPlace,
	"durban": conceptPlace, "dbn": conceptPlace, "ethekwini": conceptPlace, "thekwini": conceptPlace,
	"capetown": conceptPlace, "cpt": conceptPlace, "kaapstad": conceptPlace, "pe": conceptPlace,
	"gqeberha": conceptPlace, "bloemfontein": conceptPlace, "bloem": conceptPlace,
	"mangaung": conceptPlace, "polokwane": conceptPlace, "nelspruit": conceptPlace,
	"mbombela": conceptPlace, "kimberley": conceptPlace, "rustenburg": conceptPlace,
	"mahikeng": conceptPlace, "mafikeng": conceptPlace, "pietermaritzburg": conceptPlace,
	"pmb": conceptPlace, "maritzburg": conceptPlace, "eastlondon": conceptPlace,
	"mthatha": conceptPlace, "umtata": conceptPlace, "george": conceptPlace, "knysna": conceptPlace,
	"stellenbosch": conceptPlace, "paarl": conceptPlace, "worcester": conceptPlace,
	"upington": conceptPlace, "soweto": conceptPlace, "sandton": conceptPlace, "midrand": conceptPlace,
	"centurion": conceptPlace, "randburg": conceptPlace, "roodepoort": conceptPlace,
	"krugersdorp": conceptPlace, "benoni": conceptPlace, "boksburg": conceptPlace,
	"germiston": conceptPlace, "springs": conceptPlace, "alberton": conceptPlace,
	"vereeniging": conceptPlace, "vanderbijlpark": conceptPlace, "kempton": conceptPlace,
	"tembisa": conceptPlace, "alexandra": conceptPlace, "umhlanga": conceptPlace,
	"ballito": conceptPlace, "richardsbay": conceptPlace, "newcastle": conceptPlace,
	"ladysmith": conceptPlace, "witbank": conceptPlace, "emalahleni": conceptPlace,
	"middelburg": conceptPlace, "secunda": conceptPlace, "potchefstroom": conceptPlace,
	"potch": conceptPlace, "klerksdorp": conceptPlace, "welkom": conceptPlace,
	"bethlehem": conceptPlace, "harrismith": conceptPlace, "queenstown": conceptPlace,
	"komani": conceptPlace, "grahamstown": conceptPlace, "makhanda": conceptPlace,
	"mosselbay": conceptPlace, "oudtshoorn": conceptPlace, "hermanus": conceptPlace,
	"somerset": conceptPlace, "bellville": conceptPlace, "khayelitsha": conceptPlace,
	"mitchells": conceptPlace, "tzaneen": conceptPlace, "thohoyandou": conceptPlace,
	"musina": conceptPlace, "mokopane": conceptPlace, "vryheid": conceptPlace, "rosebank": conceptPlace,
	"parkhurst": conceptPlace, "fourways": conceptPlace, "gauteng": conceptPlace,
	"kzn": conceptPlace, "kwazulu": conceptPlace, "natal": conceptPlace, "limpopo": conceptPlace,
	"mpumalanga": conceptPlace, "freestate": conceptPlace, "northwest": conceptPlace,
	"karoo": conceptPlace, "transkei": conceptPlace, "zululand": conceptPlace, "ekasi": conceptPlace,
	"kasi": conceptPlace, "township": conceptPlace, "rural": conceptPlace, "farm": conceptPlace,
	"town": conceptPlace, "city": conceptPlace, "suburb": conceptPlace, "area": conceptPlace,
	"province": conceptPlace, "country": conceptPlace, "countrywide": conceptPlace,
	"nationwide": conceptPlace, "nationally": conceptPlace, "everywhere": conceptPlace,
	"north": conceptPlace, "south": conceptPlace, "east": conceptPlace, "west": conceptPlace,
	"central": conceptPlace, "cbd": conceptPlace, "noord": conceptPlace, "suid": conceptPlace,
	"oos": conceptPlace, "wes": conceptPlace,
}

// phrases maps two- and three-word phrases to concepts. Keys are normalised words (or their stems)
// separated by one space.
var phrases = map[string]string{
	"trading hours": conceptHours, "opening hours": conceptHours, "business hours": conceptHours,
	"operating hours": conceptHours, "what time": conceptHours, "wat tyd": conceptHours,
	"hoe laat": conceptHours, "maak toe": conceptHours, "maak oop": conceptHours,
	"maak julle toe": conceptHours, "maak julle oop": conceptHours, "maak jy toe": conceptHours,
	"till when": conceptHours, "until when": conceptHours, "til when": conceptHours,
	"till what time": conceptHours, "until what time": conceptHours, "sluit julle": conceptHours,
	"public holiday": conceptHoliday, "public holidays": conceptHoliday,
	"heritage day": conceptHoliday, "freedom day": conceptHoliday, "youth day": conceptHoliday,
	"women day": conceptHoliday, "womens day": conceptHoliday, "workers day": conceptHoliday,
	"worker day": conceptHoliday, "human rights day": conceptHoliday,
	"reconciliation day": conceptHoliday, "day of reconciliation": conceptHoliday,
	"day of goodwill": conceptHoliday, "family day": conceptHoliday, "good friday": conceptHoliday,
	"new year": conceptHoliday, "new years": conceptHoliday, "boxing day": conceptHoliday,
	"christmas day": conceptHoliday, "christmas eve": conceptHoliday, "long weekend": conceptHoliday,
	"openbare vakansiedag": conceptHoliday, "election day": conceptHoliday, "mandela day": conceptHoliday,
	"email address": conceptEmail, "e mail": conceptEmail, "mail address": conceptEmail,
	"epos adres": conceptEmail,
	"how much":   conceptCost, "hoeveel kos": conceptCost, "hoeveel is": conceptCost,
	"how long": conceptDuration, "how many days": conceptDuration, "how soon": conceptDuration,
	"how many weeks": conceptDuration, "working days": conceptDuration, "business days": conceptDuration,
	"hoe lank": conceptDuration, "hoeveel dae": conceptDuration, "how quickly": conceptDuration,
	"how fast": conceptDuration, "how far": conceptWhere, "hoe ver": conceptWhere,
	"ngasiphi isikhathi": conceptHours, "isiphi isikhathi": conceptHours,
	"get here": conceptArrive, "kom aan": conceptArrive, "come through": conceptArrive,
	"tracking number": conceptTrack, "tracking link": conceptTrack, "tracking code": conceptTrack,
	"track and trace": conceptTrack, "waybill number": conceptTrack,
	"payment method": conceptPay, "payment methods": conceptPay, "payment options": conceptPay,
	"pay with": conceptPay, "pay by": conceptPay, "pay via": conceptPay,
	"credit card": "card", "debit card": "card", "bank card": "card", "cheque card": "card",
	"bank transfer": "eft", "electronic transfer": "eft", "instant eft": "eft", "direct deposit": "eft",
	"click and collect": conceptCollect, "click collect": conceptCollect, "pick up": conceptCollect,
	"come fetch": conceptCollect, "kom haal": conceptCollect, "come and fetch": conceptCollect,
	"money back": conceptReturn, "geld terug": conceptReturn, "send back": conceptReturn,
	"bring back": conceptReturn, "take back": conceptReturn, "terug stuur": conceptReturn,
	"gift card": conceptVoucher, "gift voucher": conceptVoucher, "gift certificate": conceptVoucher,
	"gift vouchers": conceptVoucher, "gift cards": conceptVoucher,
	"phone number": conceptContact, "contact number": conceptContact, "telephone number": conceptContact,
	"cell number": conceptContact, "contact details": conceptContact, "get hold": conceptContact,
	"in touch": conceptContact, "call you": conceptContact, "phone you": conceptContact,
	"contact you": conceptContact, "reach you": conceptContact,
	"set up": conceptInstall, "put up": conceptInstall,
	"in stock": conceptStock, "out of stock": conceptStock, "on stock": conceptStock,
	"cape town": conceptPlace, "port elizabeth": conceptPlace, "east london": conceptPlace,
	"richards bay": conceptPlace, "mossel bay": conceptPlace, "free state": conceptPlace,
	"north west": conceptPlace, "eastern cape": conceptPlace, "western cape": conceptPlace,
	"northern cape": conceptPlace, "kwazulu natal": conceptPlace, "south africa": conceptPlace,
	"somerset west": conceptPlace, "mitchells plain": conceptPlace, "kempton park": conceptPlace,
	"jeffreys bay": conceptPlace, "plettenberg bay": conceptPlace, "port shepstone": conceptPlace,
	"garden route": conceptPlace, "west rand": conceptPlace, "east rand": conceptPlace,
	"real person": conceptPerson, "customer service": conceptPerson, "customer care": conceptPerson,
	"call centre": conceptPerson, "call center": conceptPerson, "support team": conceptPerson,
	"live agent": conceptPerson, "real human": conceptPerson, "sales team": conceptPerson,
}

// affixConcepts map a part of a longer word to a concept, for isiZulu and Afrikaans words whose prefixes
// and compounds no list can enumerate (niyavulela, afleweringsfooi).
var affixConcepts = []struct{ part, concept string }{
	{"vula", conceptHours}, {"vala", conceptHours}, {"aflewer", conceptDelivery}, {"kuphi", conceptWhere},
	{"ikheli", conceptLocation}, {"khokh", conceptPay}, {"buyisel", conceptReturn},
	{"letha", conceptDelivery}, {"vakansie", conceptHoliday}, {"waarborg", conceptWarranty},
	{"bestelling", conceptOrder}, {"muntu", conceptPerson}, {"mntu", conceptPerson},
	{"onakal", conceptDamage}, {"onakel", conceptDamage}, {"phukil", conceptDamage},
	{"aphuk", conceptDamage}, {"fikile", conceptArrive}, {"fike", conceptArrive},
}

// months maps month names to their number, for public holiday dates.
var months = map[string]int{
	"january": 1, "jan": 1, "januarie": 1, "february": 2, "feb": 2, "februarie": 2, "march": 3,
	"mar": 3, "maart": 3, "april": 4, "apr": 4, "may": 5, "mei": 5, "june": 6, "jun": 6, "junie": 6,
	"july": 7, "jul": 7, "julie": 7, "august": 8, "aug": 8, "augustus": 8, "september": 9, "sep": 9,
	"sept": 9, "october": 10, "oct": 10, "oktober": 10, "november": 11, "nov": 11, "december": 12,
	"dec": 12, "desember": 12,
}

// publicHolidays are South Africa's fixed-date public holidays, as month*100+day.
var publicHolidays = map[int]bool{
	101: true, 321: true, 427: true, 501: true, 616: true, 809: true, 924: true, 1216: true,
	1225: true, 1226: true,
}

// affectWords express feeling rather than topic; retrieval leaves them out so that "I love your garden
// furniture" does not count against the question that follows.
var affectWords = map[string]bool{
	"love": true, "loved": true, "loving": true, "like": true, "hate": true, "hated": true,
	"great": true, "awesome": true, "amazing": true, "good": true, "bad": true, "nice": true,
	"lovely": true, "beautiful": true, "useless": true, "rubbish": true, "ridiculous": true,
	"nonsense": true, "kak": true, "terrible": true, "horrible": true, "awful": true, "worst": true,
	"best": true, "angry": true, "happy": true, "disappointed": true, "sad": true,
	"unfortunately": true, "fantastic": true, "brilliant": true, "excellent": true, "perfect": true,
	"wonderful": true, "cool": true, "poor": true, "pathetic": true, "unacceptable": true,
	"stupid": true, "crap": true, "shit": true, "damn": true, "bloody": true, "seriously": true,
	"honestly": true, "literally": true, "frustrated": true, "annoyed": true, "upset": true,
	"furious": true, "lekker": true, "mooi": true, "kuhle": true, "super": true, "sweet": true,
	"glad": true, "pleased": true, "impressed": true, "helpful": true, "hopeless": true, "joke": true,
	"eish": true, "hayibo": true, "jislaaik": true, "yoh": true, "sies": true, "ag": true, "wow": true,
	"omg": true, "hectic": true, "shocking": true, "woedend": true, "kwaad": true, "gatvol": true,
}
