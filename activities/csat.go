package activities

import "context"

// CountRating counts a customer's rating of the help after a hand-back (good, ok or bad) in the metrics. It
// runs as a local activity: nothing to retry, nothing to wait for.
func (a *Activities) CountRating(ctx context.Context, score string) error {
	a.Metrics.Rating(score)
	return nil
}
