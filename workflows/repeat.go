package workflows

import (
	"slices"
	"time"
)

// Bounds of repeated-question detection.
const (
	// repeatWindow is how far back a question counts: the same question asked once a month is no loop.
	repeatWindow = 24 * time.Hour
	// repeatTimes is how often a question is asked within the window before a person is offered.
	repeatTimes = 3
	// maxAsked bounds the questions remembered.
	maxAsked = 20
)

// Repeat tracks the customer's recent questions to notice the same question asked again: a third time within a
// day, or again right after the bot answered it.
type Repeat struct {
	Asked        []Ask `json:"asked,omitempty"`
	LastAnswered bool  `json:"last_answered,omitempty"`
	// Offered is the topic a person was already offered for in the current streak.
	Offered string `json:"offered,omitempty"`
}

// Ask is one question the customer asked, by topic.
type Ask struct {
	Topic string    `json:"topic"`
	At    time.Time `json:"at"`
}

// Observe returns the streak after a question on topic asked at at, and whether the customer should now be
// offered a person. The offer is made once per streak: a run of the same question. Observe does not change r.
func (r Repeat) Observe(topic string, at time.Time) (Repeat, bool) {
	if topic == "" {
		return r, false
	}
	var next Repeat
	count := 1
	for _, a := range r.Asked {
		if at.Sub(a.At) > repeatWindow {
			continue
		}
		next.Asked = append(next.Asked, a)
		if a.Topic == topic {
			count++
		}
	}
	last := r.last()
	recent := last.Topic != "" && at.Sub(last.At) <= repeatWindow
	again := recent && last.Topic == topic && r.LastAnswered
	next.Offered = r.Offered
	if !recent || last.Topic != topic {
		next.Offered = ""
	}
	next.Asked = append(next.Asked, Ask{Topic: topic, At: at})
	if len(next.Asked) > maxAsked {
		next.Asked = next.Asked[len(next.Asked)-maxAsked:]
	}
	if (again || count >= repeatTimes) && next.Offered != topic {
		next.Offered = topic
		return next, true
	}
	return next, false
}

// Triggers returns the topics on which a question asked at at would make Observe offer a person. A topic
// never asked cannot: Observe counts it once, and it is not the last question.
func (r Repeat) Triggers(at time.Time) []string {
	var out []string
	for i, a := range r.Asked {
		if slices.ContainsFunc(r.Asked[:i], func(b Ask) bool { return b.Topic == a.Topic }) {
			continue
		}
		if _, again := r.Observe(a.Topic, at); again {
			out = append(out, a.Topic)
		}
	}
	return out
}

// Answered returns the streak after the bot answered the last question.
func (r Repeat) Answered() Repeat {
	r.LastAnswered = true
	return r
}

func (r Repeat) last() Ask {
	if len(r.Asked) == 0 {
		return Ask{}
	}
	return r.Asked[len(r.Asked)-1]
}
