package llm

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// The schemas the model gets, as they were written before jsonschema.Definition described their properties.
// A change to them changes what every model is asked for: make it on purpose.
const (
	wantClassifySchema = `{"type":"object","properties":{"intent":{"enum":["greeting","faq","order_status","refund_request","human_requested","complaint","thanks","other"],"type":"string"},"sentiment":{"enum":["positive","neutral","negative","angry"],"type":"string"},"kb_answers":{"type":"boolean"},"faq_id":{"enum":["trading_hours","delivery",""],"type":"string"}},"required":["intent","sentiment","kb_answers","faq_id"],"additionalProperties":false}`
	wantAnswerSchema   = `{"type":"object","properties":{"answerable":{"type":"boolean"},"answer":{"type":"string"},"faq_id":{"enum":["trading_hours","delivery",""],"type":"string"}},"required":["answerable","answer","faq_id"],"additionalProperties":false}`
	wantReplySchema    = `{"type":"object","properties":{"intent":{"enum":["greeting","faq","order_status","refund_request","human_requested","complaint","thanks","other"],"type":"string"},"sentiment":{"enum":["positive","neutral","negative","angry"],"type":"string"},"kb_answers":{"type":"boolean"},"faq_id":{"enum":["trading_hours","delivery",""],"type":"string"},"answer":{"type":"string"}},"required":["intent","sentiment","kb_answers","faq_id","answer"],"additionalProperties":false}`
	wantNoFAQSchema    = `{"type":"object","properties":{"intent":{"enum":["greeting","faq","order_status","refund_request","human_requested","complaint","thanks","other"],"type":"string"},"sentiment":{"enum":["positive","neutral","negative","angry"],"type":"string"},"kb_answers":{"type":"boolean"},"faq_id":{"enum":[""],"type":"string"}},"required":["intent","sentiment","kb_answers","faq_id"],"additionalProperties":false}`
)

// Each schema is the same JSON as before, and lists its properties in the same order: models fill them in in
// that order.
func TestSchemasUnchanged(t *testing.T) {
	ids := []string{"trading_hours", "delivery"}
	for name, tc := range map[string]struct {
		got  json.RawMessage
		want string
	}{
		"classify":        {classifySchema(ids), wantClassifySchema},
		"answer":          {answerSchema(ids), wantAnswerSchema},
		"reply":           {replySchema(ids), wantReplySchema},
		"classify no FAQ": {classifySchema(nil), wantNoFAQSchema},
	} {
		var got, want any
		if err := json.Unmarshal(tc.got, &got); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, tc.got)
		}
		if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s schema\n%s\nwant\n%s", name, tc.got, tc.want)
		}
		if g, w := propertyOrder(t, tc.got), propertyOrder(t, []byte(tc.want)); !slices.Equal(g, w) {
			t.Errorf("%s schema lists its properties as %v, want %v", name, g, w)
		}
	}
}

// propertyOrder is the order in which an object schema lists its properties.
func propertyOrder(t *testing.T, schema []byte) []string {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(schema, &top); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(top["properties"]))
	var names []string
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		default:
			if name, ok := tok.(string); ok && depth == 1 {
				names = append(names, name)
				if err := dec.Decode(new(json.RawMessage)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
