package nlp

// This file holds the phrase rules the engine decides intent and anger with, in the pattern language of
// pattern.go. Rules describe how people ask, not particular sentences: each is meant to catch a family of
// messages ("speak|talk|chat to [a] [real] @person" catches "let me talk to a human" and "can I speak to
// your manager").

// wordClasses name groups of words that rules share.
var wordClasses = map[string][]string{
	"person": {"person", "human", "humans", "agent", "agents", "someone", "somebody", "anyone", "anybody",
		"manager", "managers", "supervisor", "consultant", "operator", "representative", "rep", "staff",
		"employee", "lady", "people", "owner", "boss", "real person", "customer service", "customer care",
		"call centre", "call center", "support team", "sales team", "live agent", "human being",
		"iemand", "mens", "persoon", "bestuurder", "umuntu", "nomuntu", "umntu", "nomntu", "umphathi",
		"nomphathi", "motho"},
	"personStrict": {"person", "human", "agent", "consultant", "manager", "supervisor", "operator",
		"representative", "rep", "owner", "boss", "real person", "customer service", "customer care",
		"call centre", "call center", "live agent", "human being", "staff member", "bestuurder", "mens",
		"persoon", "umuntu", "nomuntu", "umntu", "nomntu", "umphathi", "motho"},
	// speak holds present forms only: "I talked to the lady at the store" tells, it does not ask.
	"speak": {"=speak", "=talk", "=chat", "=communicate", "=converse", "=deal", "=praat", "=gesels",
		"khuluma", "ukukhuluma", "ngikhulume", "khulume", "thetha", "ukuthetha", "ndithethe", "ngithethe",
		"bua", "ukubua", "get through"},
	"callVerb": {"=call", "=phone", "=ring", "=contact", "bel", "skakel", "shayela", "fonela"},
	"orderish": {"%order", "delivery", "deliveries", "shipment", "stuff", "goods", "items", "item",
		"things", "aflewering", "impahla", "goodies"},
	"damage": {
		"damaged", "damage", "broken", "broke", "faulty", "defective", "cracked", "crack", "scratched",
		"scratches", "dented", "dent", "torn", "ripped", "smashed", "shattered", "bent", "leaking",
		"leaks", "rusting", "rusted", "rust", "rusty", "stained", "mouldy", "moldy", "peeling",
		"cracking", "fading", "faded", "wobbly", "rotten", "melted", "snapped", "chipped", "buckled",
		"stukkend", "beskadig", "gebreek", "gekraak", "lek", "lekkasie", "gebars", "roes", "geroes",
		"krap", "gekrap", "duik", "ingeduik", "breek", "gebuig", "kwephukile", "iphukile", "yaphuka",
		"ephukile", "kwaphuka", "yonakele", "konakele", "onakele", "not working", "stopped working",
		"does not work", "did not work", "werk nie", "fell apart", "falling apart", "came apart",
		"akusebenzi", "ayisebenzi", "dead on arrival", "in pieces", "not work", "won't work",
		"will not work", "never worked", "stopped", "packed up", "hole", "holes", "burst", "ruined",
		"soaked", "collapsed", "unusable", "unsafe", "jammed", "mould", "came off", "fell off",
		"broke off", "came loose", "fell over", "blew away", "shredded", "discoloured", "discolored",
		"warped", "seized", "bent out of shape", "tore", "kaput", "not switching on", "no power",
		"short circuit", "sparks", "exploded"},
	"receiveVerb": {"receive", "received", "get", "got", "gotten", "arrive", "arrived", "come", "came",
		"delivered", "kry", "gekry", "ontvang", "aangekom", "afgelewer"},
	"confirmationNoun": {"confirmation", "confirmations", "invoice", "receipt", "email", "sms",
		"tracking", "track", "reference", "notification", "proof", "otp", "pop", "link", "bevestiging",
		"faktuur", "kwitansie", "statement", "code", "number", "update", "updates", "voucher", "whatsapp"},
	"replyNoun": {"reply", "replies", "response", "responses", "answer", "answers", "feedback", "call",
		"callback", "call back", "phone call", "help", "assistance", "antwoord", "terugvoer"},
	"bad": {"poor", "bad", "terrible", "awful", "horrible", "worst", "kak", "shocking", "pathetic",
		"useless", "rubbish", "lousy", "slow", "swak", "appalling", "disgusting", "crap", "crappy", "shit",
		"shitty", "atrocious", "substandard", "hopeless", "dismal", "sloppy", "unprofessional",
		"ridiculous", "shoddy", "bleddie", "sies", "vrot", "mediocre", "disappointing"},
	"serviceNoun": {"service", "services", "communication", "support", "customer service",
		"customer care", "assistance", "experience", "diens", "response", "responses", "admin",
		"feedback", "handling", "staff", "courier", "delivery", "quality", "kwaliteit", "workmanship",
		"company", "shop", "store", "business", "help"},
	"replyVerb": {"answer", "answers", "answered", "answering", "respond", "responds", "responded",
		"responding", "reply", "replies", "replied", "replying", "pick up", "picks up", "picked up",
		"call back", "called back", "calls back", "get back", "got back", "gets back", "phone back",
		"phoned back", "come back", "came back", "antwoord", "geantwoord", "phendula", "get hold"},
	"refundWord": {"refund", "refunds", "refunded", "refunding", "reimburse", "reimbursement",
		"reimbursed", "chargeback", "terugbetaal", "terugbetaling", "money back", "geld terug",
		"imali yami", "imali yam", "imali yethu", "my money", "my geld", "buyisela", "ngibuyisele",
		"buyiselwa", "ukubuyiselwa", "sibuyisele", "mali yami", "cash back", "credit back", "refund me"},
	"timeUnit": {"day", "days", "week", "weeks", "month", "months", "hour", "hours", "dae", "weke",
		"maande", "ure", "izinsuku", "amasonto", "izinyanga"},
	"bot": {"bot", "robot", "machine", "ai", "computer", "automated", "automatic", "chatbot",
		"auto reply", "autoreply", "program"},
	"sarcasticPraise": {"thanks a lot", "thanks for the help", "thank you very much", "well done",
		"good job", "great job", "brilliant", "wonderful", "fantastic", "so helpful", "very helpful",
		"really helpful", "nice one", "lovely", "perfect", "amazing", "awesome", "great", "excellent",
		"superb", "love that", "love it", "impressive", "stunning", "marvellous", "fabulous"},
}

// Rules for a request for a person.
var humanRules = []string{
	"@speak to|with|met [a|an|the|your|some|one|any|n|die|jou|ur] [real|actual|live|human|proper|normal|physical|regte|ware|other] @person",
	"@person [that|who|whom] [i|we] [can|could|may] @speak",
	"^ [i] [want|need] [a|an|the|your] [real|actual|live] @personStrict [please|now|asseblief|urgently|asap] $",
	"want|need|like|request|prefer|demand|wanna [to] [get|have|see] [a|an|the|your|some|one] [real|actual|live|human] @personStrict",
	"@callVerb me|us [back|please|asap|now|on|at|tomorrow|today|later|urgently|when|#]",
	"give|gimme me|us a call|ring|buzz|phone_call",
	"call|phone|ring back",
	"callback",
	"can|could|would|will|please|may someone|somebody|anyone|anybody|a_person|an_agent|a_consultant|a_human [please] @callVerb|help|assist|contact me|us",
	"someone|somebody|anyone|anybody ... @callVerb|help|assist|contact me|us",
	"put|transfer|connect|forward|redirect|pass|refer me|us ... through|to|with",
	"transfer|connect me|us",
	"escalate|escalation",
	"instead_of|rather_than [a|the|this|you|your|talking|chatting] [to] @bot",
	"not|no ... @bot",
	"are|r you|u [a|an|just|only] @bot|human|person|real",
	"is it|this [a|an|just|only] @bot|human|person",
	"am i [talking|speaking|chatting|texting|writing] [to|with] [a|an] @bot|human|person|real",
	"is there [a|an|any] [real|actual|live] @personStrict|humans|people",
	"is there someone|somebody|anyone|anybody ... @speak|help|assist|@callVerb",
	"real|actual|live|regte person|human|humans|people|agent|mens|persoon",
	"met [n|die|jou] @person ... praat|gesels",
	"praat|gesels met [n|die|jou] @person",
	"@speak ... nomuntu|umuntu|nomntu|umntu|nomphathi|umphathi|motho",
	"ngifuna|ndifuna|ngicela|ndicela|kopa ... nomuntu|umuntu|nomntu|umntu|umphathi|nomphathi|motho",
	"@personStrict please|asseblief|asb|now|pls|urgently",
	"contact|reach|get_hold_of [a|the|your] manager|supervisor|owner|boss|consultant|agent|human|person",
	"someone|somebody|person|human|agent|consultant|manager|supervisor|iemand number|contact|cell",
	"iemand|someone ... my|me ... bel|skakel|help|kontak",
	"whoever|someone|somebody|person|anyone ... in_charge",
	"manager|supervisor|owner|boss|bestuurder|umphathi ... name|number|contact|details|cell",
	"get|bring|fetch|give me|us [a|an|the|your] [real|actual|live] @personStrict",
	"human being|beings",
}

// Rules for a refund request.
var refundRules = []string{
	"@refundWord",
	"reverse|cancel|refund|return|undo|stop [the|one|my|that|this|a|one_of_the] [double|duplicate|extra|second] payment|payments|charge|charges|transaction|transactions|debit|debits|deduction|eft|debit_order",
	"charged|debited|billed|deducted|paid|charge|debit|pay|took|taken|withdrew|withdrawn ... twice|double|2x|x2|two_times",
	"double|duplicate|twice charged|billed|debited|payment|charge|deduction|transaction|debit",
	"overcharged|overbilled",
	"charged|billed|debited ... instead_of|more_than|too_much|extra",
	"want|need|like|wish|wanna [to] cancel|kanselleer",
	"betaal|gedebiteer|gehef|khokhe|khokha ... twee_keer|dubbel|kabili",
	"twee_keer|dubbel|kabili ... betaal|gedebiteer|gehef|khokhe|khokha|charged|paid",
	"charged|billed ... too_much|extra|more|wrong_amount",
	"pay|give|send|transfer me back",
	"give|pay back my|me",
	"cancel|kanselleer|khansela|cancelled|canceled|kanselleer [my|the|this|that|an|our|one|die|a] [whole|entire] %order|purchase|bestelling|it|payment",
	"%order ... kanselleer|gekanselleer|khansela|cancel|cancelled|canceled",
	"want|need|like|wanna|would|wish|trying [to] return|exchange|swap [this|it|the|my|these|them|an|a|both|all|one]",
	"send|bring|take it|this|them back",
	"return it|this|them|the|my",
}

// Rules that make a refund mention a question about refunds in general, answered by a returns policy if at all.
var refundGeneralRules = []string{
	"%policy",
	"do|does|would|will you|u|julle give|offer|do|allow|provide|issue|process|accept|make [full] @refundWord",
	"how do|does [a] @refundWord work",
	"how long do|does [a|the] @refundWord take",
	"@refundWord ... if|when|after|within",
	"can|could i [get|ask] [a] @refundWord if",
	"what|whats is|are [your|the] @refundWord",
	"are|is @refundWord possible|available|allowed",
	"is it possible to [get] [a] @refundWord",
	"how do i|we return",
	"can i|we return|exchange|swap|send|bring|take",
	"do you do|allow|accept|take returns|exchanges|exchange",
}

// Rules for a complaint that holds on its own: something is wrong and the customer says so.
var complaintRules = []string{
	"delivered|sent|received|got|gave only|just #|one|two|half|part|some",
	"=missing|ontbreek|shoda|kuyashoda|lahlekile|incomplete",
	"you|they|courier|driver|julle|u lost|misplaced",
	"%order|it ... lost|stolen",
	"stole|stolen",
	"only got|received|delivered|came|arrived|sent|kry|gekry half|one|part|some|#|1|2",
	"not in the box|parcel|package|order",
	"not included",
	"wrong|incorrect|verkeerde|verkeerd|okungalungile",
	"not what i|we ordered|bought|paid|asked",
	"got|received|sent|delivered ... instead of",
	"ordered|bought|asked_for|paid_for ... and|but got|received|they_sent|you_sent|came a|an|the|some|#",
	"quality|kwaliteit ... is|are|was|were|so|very|really [so|very|really|extremely|just] @bad",
	"said|says|shows|showing|marked ... delivered ... but|maar",
	"@bad [customer] @serviceNoun",
	"@serviceNoun [is|was|has_been|are|were] [so|very|really|absolutely|totally|just|extremely] @bad",
	"nobody|noone|no_one|none_of_you|niemand ... @replyVerb",
	"not|never ... answer|answered|respond|responded|reply|replied|replying|responding|answering|get_back|got_back|call_back|called_back|phone_back|phoned_back|pick_up|picked_up|antwoord|geantwoord|phendula",
	"no|geen reply|response|answer|feedback|communication|callback|word|antwoord|terugvoer|help|assistance|updates|update",
	"ignore|ignored|ignoring|ghosted|ghosting",
	"waiting|wait|waited for [a|an|your] reply|response|answer|feedback|call|callback|someone",
	"complain|complaint|complaining|klagte|kla|khalaza|ukukhalaza|grievance",
	"disappointed|unhappy|dissatisfied|teleurgesteld|ontevrede|angijabule|ngidumele",
	"not|nie happy|impressed|satisfied|pleased|gelukkig|tevrede|good_enough|acceptable",
	"report",
	"hellopeter|hello_peter|ombudsman|ombud|lawyer|lawyers|attorney|attorneys|prokureur|sue|legal_action|court|ncc",
	"consumer commission|council|tribunal",
	"poor|bad|cheap|terrible|kak|swak|shoddy quality|kwaliteit|workmanship",
	"rude|unprofessional|unfriendly|arrogant|disrespectful|ongeskik|onbeskof|onbeskofte",
	"scam|scammed|scammers|fraud|fraudsters|thieves|crooks|amasela|skelms|bedrieërs",
	"never again",
	"last time i",
	"what is wrong with",
	"not_the_same_as|does_not_match|different_from|not_as_described|nothing_like the|what picture|photo|image|advert|website",
	"not as described|advertised",
	"too small|big|short|large|tight|loose|narrow",
}

// Rules for a complaint about delay or about the bot's answers. They yield to a question about the order
// ("I'm fed up with waiting, where is my order??" asks where the order is).
var delayRules = []string{
	"waiting|wait|waited for [so|too|very] long|ages|forever|weeks|months|days",
	"been waiting",
	"still waiting",
	"ngisalindile|ngilindile|ngilinde|ndisalindile|kudala|wag|gewag",
	"waiting|wait|waited ... # @timeUnit",
	"been # @timeUnit",
	"been a|one|two|three|over|more_than week|weeks|month|months|while|ages",
	"# @timeUnit ... and|but still|nothing|no",
	"# @timeUnit for|to_get|to_deliver|just_to",
	"still no|nothing|not %order|delivery|parcel|word|news|reply|response|feedback",
	"is|was|are|were|arrived|came|running|so|very|too|always|delivered late|delayed|overdue",
	"delayed|overdue",
	"late delivery",
	"came|arrived|delivered|was|were|is|running ... late|laat",
	"same|useless|stupid|pointless|generic|automated|dumb|standard answer|reply|response|message|thing|nonsense|rubbish|replies|answers|messages",
	"keep sending|saying|repeating|telling|giving",
	"not|never help|helped|helping|helpful|helps|understand|understanding|listening|listen",
	"unhelpful",
	"did|does|do not answer my",
	"stop sending|repeating|spamming|wasting",
}

// Rules for a damaged or faulty product.
var damageRules = append([]string{"@damage", "%damage"}, malfunctionRules...)

// Rules for a product or service that fails at what it should do: "the lid doesn't close properly", "the
// drill won't turn on", "the driver never showed up".
var malfunctionRules = []string{
	"not|never [properly|even|at_all|really] work|turn|switch|start|close|open|lock|stand|hold|charge|heat|light|pump|spray|show|showed|pitch|connect|fold|spin|drain|seal|stay|inflate|cook|grill|ignite|run|move|function|operate|power|boot|latch|stick|zip|lie|sit|last|hold_up",
	"came|fell|broke off|loose|apart|out",
	"you|they|julle|driver|courier|installer|installers|guys|team ... broke|break|damaged|damage|lost|ruined|ruin|scratched|dented|messed|smashed|cracked|destroyed|bent",
	"someone|somebody else|elses",
	"not the one|ones|item|colour|color|size|model|thing|product i|we ordered|bought|paid|chose|selected",
	"different colour|color|size|model|item|product|one|shade",
	"no show|no-show|noshow",
	"trying|tried|try to reach|contact|call|phone|get_hold|get_through",
}

// Rules for something of the shop's that does not work, which is not a faulty product: "my tracking link
// isn't working" asks about an order.
var notProductRules = []string{
	"link|website|site|app|code|voucher|password|tracking|url|page|otp|pin|number|email|payment|card|snapscan|zapper|eft|system|checkout|cart ... not|stopped|never|does|do|will work|working|load|loading|going_through",
}

// Conditional phrases: a damage or wrong-item word after them asks about policy rather than reporting a fault.
var hypotheticalRules = []string{
	// A question about a policy is general: "what's your policy on faulty items?"
	"%policy",
	"if|incase|suppose|supposing|should|what_happens|in_case|what_about|as_jy|as_dit|uma",
	"do you|u cover|replace|exchange|accept",
	"is|are [it|they|that|damage] covered",
	// Questions about what a product withstands: "is it rust proof?", "will it fade in the sun?"
	"rust|fade|water|scratch|weather|uv|crack|shatter|stain proof|resistant|resist",
	"^ will|would|does|do|can|could it|they|these|those|this|the ... rust|fade|crack|break|leak|peel|scratch|dent|tear|warp|snap|bend|burst",
}

// Rules for a question about the customer's own order.
var orderStatusRules = []string{
	"where|waar|iphi|ikuphi|kae is|are|r|was|s [my|our|die|mine|the] @orderish|it|them|refund|money|invoice",
	"where|waar|iphi|ikuphi is|are my|our *",
	"iphi|ikuphi ... %order",
	"where|waar my|our @orderish",
	"has|have|did|was|is|were|when|will [my|the|our|this] @orderish ... ship|shipped|dispatch|dispatched|sent|posted|processed|packed|leave|left|gone|go_out|gone_out|collected|picked|send|approved|confirmed|ready|delivered",
	"has|have|did|was|is|were|will my|our|it|they ... =shipped|=dispatched|=posted|=processed|=packed|=left|=sent|=collected|=approved|=confirmed|=delivered",
	"update|updates|news|feedback|progress|status|eta|estimate|word [on|about|regarding|for|of|re|with] [my|the|our] @orderish",
	"@orderish status|update|updates|progress|eta",
	"status of",
	"status|update|updates|news|progress|eta|track|trace [on|of|for|about|re|with] [order|ref|reference|number|no] #",
	"is|are [my|the|our] @orderish ready|here|on_its_way|on_the_way|out_for_delivery|with_the_courier|still_coming|coming|arriving|on_route|en_route",
	"ready for collection|pickup|collecting|pick_up",
	"change|update|amend|edit|modify|correct|add|remove|cancel ... my|the|our %order",
	"change|update|amend|edit|correct [my|the|our] [delivery|shipping|postal|aflewering] address|details|adres|number",
	"change|update|amend|reschedule|move|postpone|shift ... delivery|collection|installation|aflewering date|time|day|slot|address",
	"reschedule|postpone",
	"not|never|no ... @receiveVerb ... confirmation|invoice|receipt|tracking|reference|notification|sms|email|otp|link|bevestiging|faktuur",
	"no|geen confirmation|invoice|receipt|tracking|notification|bevestiging|faktuur",
	"payment|eft|pop|money|transfer|betaling ... went_through|go_through|gone_through|reflect|reflected|reflecting|showing|successful|cleared|gone_off|deducted|off_my_account",
	"did|have|has you|u|julle receive|received|get|got|see|seen my|the payment|eft|pop|proof|money|transfer",
	"paid|betaal but|maar",
	"sent|attached|here_is|heres|emailed the|my proof|pop",
	"please|can_you|could_you confirm ... payment|order|pop|proof|eft|delivery|received",
	"out for delivery",
	"with the courier",
	"=expected|=estimated delivery|arrival [date|time]",
	"courier|driver ... coming|come|arriving|arrive|deliver|here|today|tomorrow",
	"my @orderish ... not|nie ... yet|nog",
	"track|trace|tracking my|the %order|delivery|parcel|package #",
}

// Rules for a question about an order that only counts when a specific order is named or the knowledge base
// does not answer it ("When will my order arrive?" is answered by the delivery-time FAQ).
var orderStatusWeakRules = []string{
	"when ... @receiveVerb|arrive|delivered|deliver|get|ship|shipped|come my|the|our @orderish",
	"when will|is|does|can|do [my|the|our] @orderish",
	"track|trace|tracking my|our %order|delivery|parcel|package",
	"my @orderish",
	"i ordered|bought|purchased|placed",
	"@orderish number|no|nr|nommer|#",
}

// Rules that keep a complaint about a missing item from being read as a refund or status question:
// "not received" followed by one of these is about information, not the goods.
var notReceivedRules = []string{
	"never|not|nie|nooit ... @receiveVerb",
	"@receiveVerb ... nie",
	"angikaze|angiyitholanga|angikayitholi|angitholanga|ayifikanga|ayikafiki|akufikanga|angikatholi|ayikafiki|andiyifumananga",
	"nothing|niks has|have [arrived|come|been_delivered]",
	"nothing|niks arrived|came|received",
}

// Rules for phrases that open a conversation without asking anything yet ("Hello, is anyone there?").
var openerRules = []string{
	"i [just] need|want [some] help|assistance",
	"need help|assistance",
	"help me|us",
	"please help",
	"can|could|would|will you|u [please] help|assist [me|us]",
	"i have a|some question|questions|query|enquiry|inquiry",
	"quick question|query",
	"can|may|could i ask [you] [a|some] [question|something]",
	"is|are anyone|anybody|somebody|someone|you [still] there|home|awake|available|online",
	"anyone|anybody|somebody|someone|you there|home|around|awake|online",
	"how are|r you|u|things",
	"how is it going",
	"hope you|u are|r [well|good|fine|okay]",
	"hope all is well",
	"hoe gaan dit",
	"unjani|kunjani|ninjani|linjani",
	"good day|morning|afternoon|evening",
	"goeie more|middag|naand|dag",
	"my name is * [*]",
	"this is * [*]",
	"ek is * [*]",
	"igama lami * [*]",
	"help",
	"usizo|uncedo|hulp|ngisize|ndincede|help_asseblief",
	"hello|hi|hey there",
}

// Rules for phrases that thank or praise without asking anything more.
var thanksRules = []string{
	"thank you|u [so|very] [much]",
	"thanks [so|very] [much|a_lot|a_million|again|heaps|plenty]",
	"baie dankie",
	"dankie tog",
	"ngiyabonga|siyabonga|enkosi [kakhulu|kaninzi] [kakhulu]",
	"ke a leboha|leboga",
	"kea leboha|leboga",
	"for the|your help|info|information|assistance|quick_response|reply|answer|feedback|update|quick_reply",
	"that|this helps|helped|is_helpful|was_helpful|helps_a_lot|is_great|is_perfect|is_all|works|answers",
	"you|julle [guys] are|is|r [a|the] [real] star|stars|legend|legends|best|great|awesome|amazing|stunning|lekker|champ|champs",
	"have a good|nice|great|lovely|lekker day|weekend|evening|one",
	"great|good|excellent|amazing|awesome|lekker|top|fantastic|quick|fast service",
	"appreciate it|that|you",
	"much appreciated",
	"all good",
	"sorted|all_sorted",
	"that_is_all|all_for_now|that_will_be_all [i] [needed|wanted|need|want]",
	"vir die|jou hulp|moeite",
	"bye|goodbye|totsiens|sala_kahle|hamba_kahle|later|chat_later|speak_later|cheerio",
	"you rock",
	"shot [bru|man]",
}

// Rules for acknowledgements that neither thank nor ask ("ok", "cool", "noted").
var ackWords = map[string]bool{
	"ok": true, "cool": true, "alright": true, "noted": true, "sure": true, "fine": true, "sharp": true,
	"kk": true, "k": true, "right": true, "okay": true, "ja": true, "yes": true, "yeah": true, "got": true,
	"it": true, "understood": true, "hmm": true, "oh": true, "ah": true, "i": true, "see": true,
	"orait": true, "reg": true, "goed": true, "kulungile": true, "kuhle": true,
}

// An angerRule is a phrase whose presence makes a message angrier by weight. Two points make a message
// angry; a single insult, swear word, threat or "unacceptable" is enough on its own.
type angerRule struct {
	src    string
	weight float64
}

// angerRules are insults, swearing, threats and exasperation, in the languages customers use.
var angerRules = []angerRule{
	// Insults and swearing: enough on their own.
	{"useless|rubbish|nonsense|ridiculous|unacceptable|pathetic|disgusting|disgrace|disgraceful|outrageous|appalling|atrocious|incompetent|incompetence|idiots|idiot|idiotic|stupid|clowns|clown|morons|moron|amateurs|scam|scammers|scamming|scammed|fraud|fraudsters|thieves|thief|crooks|criminals|liars|shit|shitty|crap|crappy|bullshit|wtf|damn|dammit|bloody|fuck|fucking|fck|fk|fokken|fok|fokol|kak|kakste|gatvol|woedend|kwaad|belaglik|onaanvaarbaar|pateties|simpel|idiote|bliksem|bliksems|donner|donners|twak|befok|moer|vieslik|skelms|skelm|bedrieers|diewe|ngithukuthele|ngicasukile|ngithukuthelile|ndinomsindo|ndiqumbile|amasela|izilima|isilima|inkohliso|uyisiphukuphuku|nonsens", 2},
	{"rip_off|ripoff|ripped_off|daylight_robbery|robbery|robbed|robbing|suck|sucks", 2},
	{"get_your_act_together|sort_yourselves_out|pull_your_socks_up", 2},
	{"sort_it_out|sort_this_out|fix_this_now|fix_it_now", 1},
	{"wasting|waste|wasted my|our time", 2},
	{"take_this_further|take_it_further|take_this_higher|take_action|further_action", 2},
	{"post|tweet|share|write|put|expose ... facebook|twitter|social_media|hellopeter|hello_peter|tiktok|instagram|online|google|review", 2},
	{"seriously", 1},
	{"furious|livid|fuming|enraged|infuriated|infuriating|outraged|disgusted|seething|irate|pissed", 2},
	{"angry|mad|cross|upset", 1.5},
	{"so|very|really|extremely|absolutely|fokken|bleddie|vrek angry|mad|cross|upset|annoyed|irritated|frustrated|kwaad", 2},
	{"annoyed|irritated|frustrated|frustrating|annoying|irritating|aggravated", 1.5},
	{"fed_up|sick_and_tired|had_enough|last_straw|sick_of|tired_of|gatvol|moeg_vir", 2},
	{"this_is|what_a|you_are_a|its_a|absolute|such_a|is_a joke|circus|farce|mess", 2},
	{"waste of time|money|my_time", 1.5},
	{"never|nooit ... again|weer", 1},
	{"never buy|order|shop|use|recommend ... again|from", 1},
	{"i_am|im|ek_is done|finished|klaar with|met", 1.5},
	{"are you serious|kidding|joking", 1},
	{"you must|have_to be joking|kidding", 1},
	{"again ... wrong|broken|damaged|missing|late|same|nothing|no", 1},
	{"worst", 1.5},
	{"terrible|horrible|awful|shocking|lousy|hopeless|dreadful|horrendous|diabolical|poor|kak|swak", 1},
	{"you_people|julle_mense|you_lot|you_guys_are", 1},
	{"how_many_times|for_the_last_time|yet_again|once_again|again_and_again|over_and_over", 1.5},
	{"third|3rd|fourth|4th|fifth|5th|tenth|umpteenth time|times", 1},
	{"# times", 1},
	{"asked|asking|told|phoned|called|emailed|messaged|written|wrote ... twice|three_times|many_times|several_times|so_many_times|again|already", 1},
	{"still_nothing|still_no|still_not|still_waiting|still_missing|still_broken|nothing_yet|no_one_cares|nobody_cares|do_not_care|ngisalindile|nog_steeds|steeds_niks", 1},
	{"hayibo|hhayi_bo|hayi_bo|hai_bo|haai_bo", 1.5},
	{"you|julle|u are|r|is [the|a|so|such|just|all|really|absolutely] worst|useless|pathetic|hopeless|terrible|horrible|rubbish|incompetent|joke|clowns|liars|thieves|crooks|idiots|stupid|shocking|disgrace|kak|pateties|hopeloos|amateurs", 2},
	{"worst ... ever|in", 0.5},
	{"jislaaik|jissis|jirre|jinne|jeez|jesus|yoh|yho|sies|haai|ag_nee|eish", 0.5},
	{"ignore|ignored|ignoring|ghosted|ghosting me|us|my", 1},
	{"nobody|noone|no_one ... answer|answering|answers|respond|responding|reply|replying|helping|cares", 1},
	// Threats to report the shop.
	{"report you|u|this|them|julle|it|the_company|the_shop|the_store|your_company", 2},
	{"report|rapporteer|expose|name_and_shame|go_viral|review|post|tweet|tell_everyone", 0.5},
	{"hellopeter|hello_peter|ombudsman|ombud|lawyer|lawyers|attorney|attorneys|prokureur|sue|legal_action|legal|court|small_claims|ncc|consumer_commission|consumer_council|carte_blanche|tribunal", 2},
	{"social_media|twitter|facebook|tiktok|instagram|fb", 0.5},
	{"chargeback|dispute", 2},
	{"going|go|phone|call|contact|report to my bank", 2},
	// Bot frustration.
	{"useless|stupid|dumb|pathetic @bot", 2},
	{"not listening|helping|understanding", 1},
	{"do not understand", 1},
}

// Sentiment rules that are not about anger.
var (
	// sarcasmRules are praise that, after a complaint, means the opposite.
	sarcasmRules = []string{
		"@sarcasticPraise",
		"oh great|wonderful|lovely|brilliant|perfect",
		"yeah right",
	}
	// alwaysSarcasticRules are never sincere.
	alwaysSarcasticRules = []string{
		"thanks|thank_you for nothing",
		"thanks|thank_you ... for nothing",
		"great|wonderful|brilliant|perfect|fantastic just great|wonderful|brilliant|perfect|fantastic",
		"just great|brilliant|perfect|wonderful|fantastic|lovely",
		"thanks for wasting my time",
		"dankie vir niks",
	}
	// negativeRules make a message at least negative: a problem, a disappointment, an escalation.
	negativeRules = []string{
		"disappointed|unhappy|not_happy|dissatisfied|upset|sad|worried|concerned|unfortunately|problem|problems|issue|issues|teleurgesteld|hartseer|ontevrede|angijabule|ngiphatheke_kabi|akulungile|kubi|eish|ag_nee|sies|siestog|sigh|worrying|stressed|stress|inconvenience|inconvenient|struggling|struggle",
		"expensive|overpriced|pricey|too_much|duur|kubiza|steep",
		"delayed|delay|overdue",
		"charged|debited|deducted|paid|billed|took|taken ... twice|double",
		"manager|supervisor|escalate|escalation|bestuurder|umphathi",
		"still_waiting|been_waiting|waiting_since|waited",
		"=cancelled|=canceled",
		"a|an|the|another mistake|error",
		"=mistakes|=errors|wrong|incorrect|missing",
		"charged|billed|debited ... but|maar",
		"still not|no|nothing|waiting",
		"nobody|noone|no_one ... @replyVerb",
		"no reply|response|answer|feedback",
	}
	// positiveRules make a message positive when nothing negative is said.
	positiveRules = []string{
		"thanks|thank|dankie|ngiyabonga|siyabonga|enkosi|kealeboha|leboha|leboga|cheers|appreciate|appreciated|shot",
		"love|lekker|awesome|amazing|great|excellent|brilliant|fantastic|wonderful|lovely|perfect|beautiful|mooi|kuhle|ayoba|stunning|happy|impressed|helpful|legend|best|super|nice",
	}
)

// Emoji that carry feeling, with the anger weight or the polarity they add.
var (
	angryEmoji = map[string]float64{
		"😡": 2, "🤬": 2, "😠": 2, "👿": 2, "💢": 2, "🖕": 2, "😤": 1.5, "🙄": 1, "😒": 0.5, "😑": 0.5,
		"🤦": 0.5, "😾": 1,
	}
	negativeEmoji = map[string]float64{
		"😞": 1, "😢": 1, "😭": 1, "☹": 1, "🙁": 1, "😔": 1, "😟": 1, "😩": 1, "😫": 1, "💔": 1,
		"👎": 1, "😕": 1, "😣": 1, "😖": 1, "😥": 1, "😰": 1, "😓": 1, "😿": 1, "🤦": 1, "😤": 1,
		"😡": 1, "🤬": 1, "😠": 1, "🙄": 1, "😒": 1,
	}
	positiveEmoji = map[string]float64{
		"👍": 1, "🙏": 1, "😊": 1, "😀": 1, "😃": 1, "😄": 1, "🙂": 1, "❤": 1, "😍": 1, "🥰": 1,
		"👌": 1, "💯": 1, "🎉": 1, "✅": 1, "😁": 1, "🤗": 1, "👏": 1, "🙌": 1, "💪": 1, "🌟": 1,
		"⭐": 1, "😇": 1, "💚": 1, "💙": 1, "💜": 1, "🧡": 1, "💛": 1, "😘": 1, "☺": 1, "🥳": 1,
		"✨": 1, "🌻": 1, "🌸": 1, "🌺": 1,
	}
)

// rules holds the compiled phrase rules. It is built once by New and only read afterwards.
type rules struct {
	human, refund, refundGeneral                 ruleSet
	complaint, damage, notProduct, delay         ruleSet
	hypothetical, notReceived                    ruleSet
	confirmation, replyNoun                      ruleSet
	orderStatus, orderStatusWeak                 ruleSet
	opener, thanks                               ruleSet
	sarcasm, alwaysSarcastic, negative, positive ruleSet
	// anger holds the patterns of angerRules; angerRule[i] is the index in angerRules of anger.patterns[i],
	// so that a rule counts once however many of its variants match.
	anger     ruleSet
	angerRule []int
}

func compileRules() *rules {
	c := func(srcs ...string) ruleSet { return newRuleSet(compilePatterns(wordClasses, srcs...)) }
	r := &rules{
		human:           c(humanRules...),
		refund:          c(refundRules...),
		refundGeneral:   c(refundGeneralRules...),
		complaint:       c(complaintRules...),
		damage:          c(damageRules...),
		notProduct:      c(notProductRules...),
		delay:           c(delayRules...),
		hypothetical:    c(hypotheticalRules...),
		notReceived:     c(notReceivedRules...),
		confirmation:    c("@confirmationNoun"),
		replyNoun:       c("@replyNoun"),
		orderStatus:     c(orderStatusRules...),
		orderStatusWeak: c(orderStatusWeakRules...),
		opener:          c(openerRules...),
		thanks:          c(thanksRules...),
		sarcasm:         c(sarcasmRules...),
		alwaysSarcastic: c(alwaysSarcasticRules...),
		negative:        c(negativeRules...),
		positive:        c(positiveRules...),
	}
	var anger []pattern
	for i, a := range angerRules {
		for _, p := range compilePatterns(wordClasses, a.src) {
			anger = append(anger, p)
			r.angerRule = append(r.angerRule, i)
		}
	}
	r.anger = newRuleSet(anger)
	return r
}
