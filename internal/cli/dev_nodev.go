//go:build nodev

package cli

import (
	"context"
	"errors"
	"io"

	"github.com/supportd/supportd/internal/config"
)

func runDev(context.Context, *config.Config, io.Writer, io.Writer) error {
	return errors.New("this build has no embedded development server (built with -tags nodev): run supportd worker and supportd gateway against a Temporal cluster")
}
