package kb

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Hours holds the opening spans for each weekday. An empty Hours means always staffed.
type Hours struct {
	days [7][]span // indexed by time.Weekday
	set  bool
}

type span struct{ from, to int } // minutes after midnight, to exclusive

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseHours parses support hours such as {"mon-fri": "08:00-17:00", "sat": "09:00-13:00"}.
// Keys are a day, a range of days or a comma list; values are one or more comma-separated HH:MM-HH:MM spans,
// or "closed".
func ParseHours(m map[string]string) (Hours, error) {
	var h Hours
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		days, err := parseDays(key)
		if err != nil {
			return Hours{}, err
		}
		spans, err := parseSpans(m[key])
		if err != nil {
			return Hours{}, fmt.Errorf("%s: %w", key, err)
		}
		for _, d := range days {
			h.days[d] = append(h.days[d], spans...)
		}
		h.set = true
	}
	return h, nil
}

func parseDays(key string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(strings.ToLower(key), ",") {
		part = strings.TrimSpace(part)
		if a, b, ok := strings.Cut(part, "-"); ok {
			from, ok1 := weekdays[strings.TrimSpace(a)]
			to, ok2 := weekdays[strings.TrimSpace(b)]
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("unknown day range %q (use mon, tue, wed, thu, fri, sat, sun)", part)
			}
			for d := from; ; d = (d + 1) % 7 {
				out = append(out, d)
				if d == to {
					break
				}
			}
			continue
		}
		d, ok := weekdays[part]
		if !ok {
			return nil, fmt.Errorf("unknown day %q (use mon, tue, wed, thu, fri, sat, sun)", part)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseSpans(v string) ([]span, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "closed" || v == "" {
		return nil, nil
	}
	var out []span
	for _, part := range strings.Split(v, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("span %q is not HH:MM-HH:MM", part)
		}
		from, err := parseClock(a)
		if err != nil {
			return nil, err
		}
		to, err := parseClock(b)
		if err != nil {
			return nil, err
		}
		if to <= from {
			return nil, fmt.Errorf("span %q ends before it starts", part)
		}
		out = append(out, span{from, to})
	}
	return out, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * 60, nil
		}
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Open reports whether t (already in the business timezone) falls inside support hours.
func (h Hours) Open(t time.Time) bool {
	if !h.set {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	for _, s := range h.days[t.Weekday()] {
		if m >= s.from && m < s.to {
			return true
		}
	}
	return false
}

// Next returns t when open, else the start of the next span within a week.
func (h Hours) Next(t time.Time) (time.Time, bool) {
	if !h.set {
		return t, false
	}
	if h.Open(t) {
		return t, true
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for i := 0; i <= 7; i++ {
		d := day.AddDate(0, 0, i)
		spans := append([]span(nil), h.days[d.Weekday()]...)
		sort.Slice(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
		for _, s := range spans {
			start := d.Add(time.Duration(s.from) * time.Minute)
			if start.After(t) {
				return start, true
			}
		}
	}
	return time.Time{}, false
}

// After returns when d of support time has passed since t: the clock runs inside support hours only, so a
// wait that starts late on Friday ends on Monday. With no hours set every moment counts (t+d). ok is false when
// support hours never open.
func (h Hours) After(t time.Time, d time.Duration) (time.Time, bool) {
	if !h.set {
		return t.Add(d), true
	}
	cur := t
	for range 1000 { // each round ends a span or jumps to the next one; a week has few
		if !h.Open(cur) {
			next, ok := h.Next(cur)
			if !ok {
				return time.Time{}, false
			}
			cur = next
			continue
		}
		end := h.spanEnd(cur)
		if left := end.Sub(cur); d <= left {
			return cur.Add(d), true
		} else {
			d -= left
		}
		cur = end
	}
	return time.Time{}, false
}

// spanEnd is the end of the open span that holds t.
func (h Hours) spanEnd(t time.Time) time.Time {
	m := t.Hour()*60 + t.Minute()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	end := 0
	for _, s := range h.days[t.Weekday()] {
		if m >= s.from && m < s.to && s.to > end {
			end = s.to
		}
	}
	return day.Add(time.Duration(end) * time.Minute)
}
