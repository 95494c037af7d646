package gateway

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/supportd/supportd/store"
)

// CheckDependencies reports whether Temporal and Redis answer.
func CheckDependencies(ctx context.Context, tc client.Client, st *store.Store) error {
	var errs []error
	if tc == nil {
		errs = append(errs, errors.New("temporal: no client"))
	} else if _, err := tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		errs = append(errs, fmt.Errorf("temporal: %w", err))
	}
	if st == nil {
		errs = append(errs, errors.New("redis: no client"))
	} else if err := st.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("redis: %w", err))
	}
	return errors.Join(errs...)
}
