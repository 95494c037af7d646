// Package nlp is the local language engine: it classifies customer messages, answers them from the knowledge
// base and summarises conversations without any network call. It is what a shop meets when no LLM is
// configured, so it is built for the messages a South African shop receives on WhatsApp: short, informal,
// mixing English with Afrikaans and isiZulu, slang, typos and emoji.
//
// The engine works in five steps, each in its own file:
//
//   - text.go turns a message into normalised tokens (spelling variants, contractions, accents, light
//     stemming) and maps words and phrases to knowledge concepts (lexicon.go);
//   - retrieve.go ranks the knowledge base's FAQs against the message and refuses to answer when the
//     message asks about something the knowledge base does not cover;
//   - intent.go decides what the customer wants from phrase rules (rules.go, pattern.go) and retrieval;
//   - sentiment.go scores feeling with VADER, extended with local slang, anger cues and emoji;
//   - learn.go and decide.go are the learned layer: a linear model over the message's words, character
//     n-grams and emoji, the rules' verdict and the cues of cues.go, which replaces the rules' intent or
//     sentiment where it is clearly surer. train.go fits it; `go run ./nlp/cmd/train` builds the corpus
//     from train/templates.txt and writes the embedded weights, model.bin.
//
// topic.go names questions for repeated-question detection, reply.go reads a typed yes or no, and
// summary.go writes the note a person reads when a conversation is handed over.
package nlp
