package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Report holds one run's measures of supportd and of the bare baseline.
type Report struct {
	// Title names the server, e.g. "embedded server (SQLite)".
	Title string
	// Load describes the load, e.g. "20 customers × 10 FAQ questions, local engine".
	Load          string
	Product, Bare Measure
	// BurstP50 and BurstP99 are the latencies of the burst, supportd then bare.
	BurstP50, BurstP99 [2]time.Duration
	// OpenProduct and OpenBare are new conversations per second, over OpenN first messages.
	OpenProduct, OpenBare float64
	OpenN                 int
	// LLM is supportd with a fake model answering in LLMLatency per call; nil when not run.
	LLM        *Measure
	LLMLatency time.Duration
	LLMLoad    string
	// Notes are printed under the table.
	Notes []string
	// Rounds is how often each measure was taken; Throughputs are the burst rounds' (supportd, bare).
	Rounds      int
	Throughputs [2][]float64
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

// Print writes the table of ratios and targets.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "\nsupportd vs bare Temporal: %s\nload: %s\n", r.Title, r.Load)
	fmt.Fprintf(w, "each measure taken %d times, the sides taking turns: latencies and events over every round's messages, rates the median of the rounds\n\n", r.Rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tsupportd\tbare\tratio\ttarget\tmet")
	row := func(name, product, bare string, ratio float64, target string, met bool) {
		verdict := "no"
		if met {
			verdict = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f×\t%s\t%s\n", name, product, bare, ratio, target, verdict)
	}
	p, b := r.Product, r.Bare
	rp50 := float64(p.P50) / float64(b.P50)
	rp99 := float64(p.P99) / float64(b.P99)
	row("webhook → send p50", ms(p.P50), ms(b.P50), rp50, "≤ 1.5×", rp50 <= 1.5)
	row("webhook → send p99", ms(p.P99), ms(b.P99), rp99, "≤ 2×", rp99 <= 2)
	fmt.Fprintf(tw, "in the burst: p50 / p99\t%s / %s\t%s / %s\t%.2f× / %.2f×\t-\t-\n", ms(r.BurstP50[0]), ms(r.BurstP99[0]), ms(r.BurstP50[1]), ms(r.BurstP99[1]),
		float64(r.BurstP50[0])/float64(r.BurstP50[1]), float64(r.BurstP99[0])/float64(r.BurstP99[1]))
	rt := p.Throughput / b.Throughput
	row("throughput", fmt.Sprintf("%.1f msg/s", p.Throughput), fmt.Sprintf("%.1f msg/s", b.Throughput), rt, "≥ 0.8×", rt >= 0.8)
	re := p.EventsPerMessage / b.EventsPerMessage
	row("history events / answered message", fmt.Sprintf("%.1f", p.EventsPerMessage), fmt.Sprintf("%.1f", b.EventsPerMessage), re, "≤ 1.5×", re <= 1.5)
	if r.OpenN > 0 {
		ro := r.OpenProduct / r.OpenBare
		row(fmt.Sprintf("new conversations (%d first messages)", r.OpenN), fmt.Sprintf("%.1f /s", r.OpenProduct), fmt.Sprintf("%.1f /s", r.OpenBare), ro, "≥ 0.8×", ro >= 0.8)
	}
	if r.LLM != nil {
		limit := r.LLMLatency + time.Duration(1.5*float64(b.P50))
		fmt.Fprintf(tw, "model L=%s: webhook → send p50\t%s\t%s (L + 1.5× bare p50)\t%.2f×\t≤ %s\t%s\n",
			r.LLMLatency, ms(r.LLM.P50), ms(limit), float64(r.LLM.P50)/float64(limit), ms(limit), yes(r.LLM.P50 <= limit))
		fmt.Fprintf(tw, "model L=%s: model calls / answered question\t%.2f\t-\t-\t1\t%s\n",
			r.LLMLatency, r.LLM.ModelCallsPerAnswer, yes(r.LLM.ModelCallsPerAnswer <= 1.0001))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nburst rounds (msg/s): supportd %s, bare %s\n", rates(r.Throughputs[0]), rates(r.Throughputs[1]))
	if r.LLM != nil {
		fmt.Fprintf(w, "model run: %s; p99 %s, %.1f msg/s, %.1f history events / answered message\n",
			r.LLMLoad, ms(r.LLM.P99), r.LLM.Throughput, r.LLM.EventsPerMessage)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintln(w)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func rates(xs []float64) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.1f", x)
	}
	return out
}
