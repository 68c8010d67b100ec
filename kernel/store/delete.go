package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Delete removes the events of bucket (every bucket if bucket is "") whose timestamp
// is before before (at any time if before is zero), and returns how many it removed:
// `trailbook store delete --bucket B | --before T`. Giving neither is an error.
//
// Whole segments are dropped; a segment that straddles before is rewritten with the
// events it keeps. The change is one atomic commit, and the files are removed after
// it, so a crash leaves either the old or the new contents. A deleted event can be
// ingested again. A query that is running in another process while Delete removes
// files it was about to read fails with a "cannot open segment" error; rerun it.
func (s *Store) Delete(bucket string, before time.Time) (int64, error) {
	if bucket == "" && before.IsZero() {
		return 0, errors.New("delete needs a bucket or a time")
	}
	w, err := s.beginWrite()
	if err != nil {
		return 0, err
	}
	defer w.release()
	s.mu.Lock()
	var segs []*segment
	for _, seg := range s.live {
		if bucket == "" || seg.meta.bucket == bucket {
			segs = append(segs, seg)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(segs, func(a, b *segment) int { return cmp.Compare(a.meta.min, b.meta.min) })
	var removes []string
	var parts []*part
	var removed int64
	cut := before.UnixNano()
	for _, seg := range segs {
		m := seg.meta
		switch {
		case before.IsZero() || m.max < cut:
			removes = append(removes, m.name)
			removed += m.rows
		case m.min >= cut:
		default:
			p, err := seg.rewrite(cut)
			if err != nil {
				return 0, err
			}
			removes = append(removes, m.name)
			removed += m.rows - int64(len(p.rows))
			parts = append(parts, p)
		}
	}
	if len(removes) == 0 {
		return 0, nil
	}
	if _, err := w.commit(parts, removes); err != nil {
		return 0, err
	}
	if err := w.compactManifest(); err != nil {
		return removed, err
	}
	return removed, nil
}

// rewrite returns the segment's rows with timestamps at or after from, as a part
// ready to be written: columns, keys and record fields copied from the segment.
func (s *segment) rewrite(from int64) (*part, error) {
	all := make([]int, numColumns)
	for i := range all {
		all[i] = i
	}
	v, err := s.view(all, true)
	if err != nil {
		return nil, err
	}
	keys, err := s.readKeys()
	if err != nil {
		return nil, err
	}
	for c, col := range v.cols {
		if col == nil {
			return nil, fmt.Errorf("cannot rewrite segment %q: it lacks column %q", s.path, columnName(c))
		}
	}
	p := newPart(s.meta.bucket, s.meta.day)
	br := newBlockReader(s, v)
	defer br.close()
	var cells [16]cell
	var rec [numRecordColumns]string
	for i, t := range v.times {
		if t < from {
			continue
		}
		raw, err := br.raw(i, v.ends)
		if err != nil {
			return nil, err
		}
		for c := range contentColumns {
			cells[c] = cellAt(v.cols[c], i)
		}
		for c := range rec {
			rec[c] = dictStr(v.cols[len(contentColumns)+c], i)
		}
		p.add(t, append([]byte(nil), raw...), [keySize]byte(keys[i*keySize:]), &cells, &rec)
	}
	return p, nil
}

func cellAt(c *dictColumn, i int) cell {
	code := c.code(i)
	if code < codeFirst {
		return cell{kind: uint8(code)}
	}
	return cell{codeFirst, c.str(code)}
}
