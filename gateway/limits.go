package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
)

// What one client may cost the gateway: a request body must arrive within its deadline (here), and the
// console event streams open at once are capped per agent and per gateway (events.go). The client is the
// address that connected, or the one a trusted proxy forwards (Options.TrustedProxies).

// DefaultBodyTimeout is how long a request body may take to arrive once its headers have.
const DefaultBodyTimeout = 30 * time.Second

// forwardingHeaders are the headers a trusted proxy names the client in.
var forwardingHeaders = []string{"X-Forwarded-For", "X-Real-IP"}

// bodyDeadline gives a request's body Options.BodyTimeout to arrive, so that a client sending it slowly, or
// stalling half-way, does not hold a connection and a handler forever. The HTTP server lifts the deadline
// once the body has been read to its end, so a handler may take longer than that to answer. A request
// without a body gets none: its connection is then only watched for the client going away, and a deadline
// there would end a console's event stream.
func (s *Server) bodyDeadline(c *gin.Context) {
	if b := c.Request.Body; b != nil && b != http.NoBody {
		// Not supported without a connection (a recorder, the simulator's in-process webhooks): nothing to hold.
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(s.opts.BodyTimeout))
	}
	c.Next()
}

// refuseUnreadBody answers a request whose body could not be read and returns the result for the webhook
// metrics: 408 for a body cut off by its deadline, which no sender takes for an acknowledgement (Meta, and
// Slack's Events API, deliver it again), 400 for anything else.
func (s *Server) refuseUnreadBody(c *gin.Context, err error) string {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		s.logger(c).Warn("request body not received in time", "path", c.FullPath(), "remote", c.ClientIP(),
			"timeout", s.opts.BodyTimeout)
		c.JSON(http.StatusRequestTimeout, gin.H{"error": fmt.Sprintf("the body did not arrive within %v", s.opts.BodyTimeout)})
		return "body_timeout"
	}
	c.JSON(http.StatusBadRequest, gin.H{"error": "could not read the body"})
	return "read_error"
}
