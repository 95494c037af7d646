package gateway

import (
	"context"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/supportd/supportd/workflows"
	"github.com/supportd/supportd/workflows/conversation"
)

// A conversation keeps a bounded amount of text (a WhatsApp text may be 65,536 characters): a long customer
// message's transcript line keeps its beginning and says where the whole is (conversation.Cut), in the
// Temporal history of the run that received it. These read it back from there.

// cutURLs points each line that keeps only the beginning of its text at the endpoint that serves the whole.
func cutURLs(phone string, lines []conversation.Line) {
	for i := range lines {
		l := &lines[i]
		if l.Cut == nil || l.ID == "" || l.Cut.In != conversation.CutInHistory {
			continue
		}
		cut := *l.Cut
		cut.URL = "/api/conversations/" + url.PathEscape(phone) + "/messages/" + url.PathEscape(l.ID)
		if cut.RunID != "" {
			cut.URL += "?run=" + url.QueryEscape(cut.RunID)
		}
		l.Cut = &cut
	}
}

// messageText serves the whole text of one customer message, read from the conversation's history: the run
// named by ?run= (the line's truncated.run_id), else the current one.
func (s *Server) messageText(c *gin.Context) {
	phone, ok := s.phone(c)
	if !ok {
		return
	}
	id := c.Param("id")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 25*time.Second)
	defer cancel()
	it := s.opts.Temporal.GetWorkflowHistory(ctx, workflows.WorkflowID(phone), c.Query("run"), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	dc := converter.GetDefaultDataConverter()
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.fail(c, err)
			return
		}
		a := e.GetWorkflowExecutionSignaledEventAttributes()
		if a == nil || a.GetSignalName() != workflows.SignalCustomerMessage {
			continue
		}
		var m conversation.Message
		if err := dc.FromPayloads(a.GetInput(), &m); err != nil || m.ID != id {
			continue
		}
		c.JSON(http.StatusOK, gin.H{"id": m.ID, "text": m.Text, "length": utf8.RuneCountInString(m.Text), "at": m.At})
		return
	}
	c.JSON(http.StatusNotFound, gin.H{"error": "no message with this id in that run of the conversation"})
}
