package media

import (
	"context"

	"gocloud.dev/blob"
)

// Keys returns every key in the store under prefix, for tests that check nothing was left behind.
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	err := s.each(ctx, &blob.ListOptions{Prefix: prefix}, func(obj *blob.ListObject) error {
		keys = append(keys, obj.Key)
		return nil
	})
	return keys, err
}
