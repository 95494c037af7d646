package media

import (
	"bytes"
	"errors"
	"io"

	"github.com/gabriel-vasile/mimetype"
)

// sniffLength is how many leading bytes Sniff reads, as many as mimetype looks at by default.
const sniffLength = 3072

// Sniff detects the type of the bytes r holds from their first bytes, whatever a name or a header says,
// and returns it with a reader of all the bytes, the sniffed ones included.
func Sniff(r io.Reader) (mimeType string, whole io.Reader, err error) {
	head := make([]byte, sniffLength)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", nil, err
	}
	head = head[:n]
	return mimetype.Detect(head).String(), io.MultiReader(bytes.NewReader(head), r), nil
}
