package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// The manifest is the store's commit log: which segment files are live. A batch is
// committed by appending one record naming the segments it added (and, for
// deletions, removed), then fsyncing. A record is
//
//	len u32 | crc32c(payload) u32 | payload
//
// after the 8-byte header "TRLBMAN1". A torn record at the tail (a crash during the
// append) fails its length or checksum and is ignored by readers; the next writer
// truncates it before appending. Segment files that no live record names are
// leftovers of a batch that never committed, and the next writer deletes them.
const (
	manifestName  = "MANIFEST"
	manifestMagic = "TRLBMAN1"
	recHeaderSize = 8
	opCommit      = 1
	maxRecordSize = 1 << 30
	// maxSegmentRows bounds a segment's rows: far above any batch, low enough that
	// row indexes fit an int32 and sizes derived from it cannot overflow.
	maxSegmentRows = 1 << 30
)

// manRecord is one committed change.
type manRecord struct {
	adds    []segMeta
	removes []string
}

func appendManRecord(b []byte, r *manRecord) []byte {
	start := len(b)
	b = append(b, make([]byte, recHeaderSize)...)
	b = append(b, opCommit)
	b = binary.AppendUvarint(b, uint64(len(r.adds)))
	for _, m := range r.adds {
		b = appendString(b, m.name)
		b = appendString(b, m.bucket)
		b = binary.AppendVarint(b, m.day)
		b = binary.AppendUvarint(b, uint64(m.rows))
		b = binary.AppendVarint(b, m.min)
		b = binary.AppendVarint(b, m.max)
		b = binary.AppendUvarint(b, uint64(m.size))
	}
	b = binary.AppendUvarint(b, uint64(len(r.removes)))
	for _, name := range r.removes {
		b = appendString(b, name)
	}
	payload := b[start+recHeaderSize:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[start+4:], checksum(payload))
	return b
}

func decodeManRecord(p []byte) (manRecord, error) {
	d := &decoder{b: p}
	var r manRecord
	if op := d.byte(); op != opCommit {
		return r, corruptf("unknown manifest record type %d", op)
	}
	n := d.count(len(p))
	for i := 0; i < n && d.err == nil; i++ {
		m := segMeta{name: d.string(), bucket: d.string(), day: d.varint(), rows: int64(d.uvarint())}
		m.min, m.max = d.varint(), d.varint()
		m.size = int64(d.uvarint())
		if d.err == nil && (!validSegName(m.name) || m.rows < 0 || m.rows > maxSegmentRows || m.min > m.max || m.size < 0) {
			return r, corruptf("bad segment entry %q", m.name)
		}
		r.adds = append(r.adds, m)
	}
	n = d.count(len(p))
	for i := 0; i < n && d.err == nil; i++ {
		r.removes = append(r.removes, d.string())
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = corruptf("manifest record has trailing bytes")
	}
	return r, d.err
}

// validSegName accepts the names the store gives segments: 16 hex digits + ".tbs".
func validSegName(s string) bool {
	if len(s) != 16+len(segExt) || s[16:] != segExt {
		return false
	}
	for i := 0; i < 16; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// readManifest reads the records of f from offset off (0 means from the start,
// header included) and returns them with the offset just past the last complete
// record. A torn tail ends the log without an error; a record that fails its checksum
// with more bytes after it, or that fails to decode, is ErrCorrupt.
func readManifest(f *os.File, off int64) ([]manRecord, int64, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, off, err
	}
	size := st.Size()
	if off == 0 {
		if size < int64(len(manifestMagic)) {
			return nil, 0, nil // created, header not yet written: empty
		}
		var h [len(manifestMagic)]byte
		if _, err := f.ReadAt(h[:], 0); err != nil {
			return nil, 0, err
		}
		if string(h[:]) != manifestMagic {
			return nil, 0, corruptf("manifest has a bad header")
		}
		off = int64(len(manifestMagic))
	}
	if size <= off {
		return nil, off, nil
	}
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, off, err
	}
	var recs []manRecord
	for len(buf) >= recHeaderSize {
		n := binary.LittleEndian.Uint32(buf)
		if n == 0 || n > maxRecordSize || int64(n) > int64(len(buf)-recHeaderSize) {
			break // torn tail
		}
		payload := buf[recHeaderSize : recHeaderSize+n]
		if checksum(payload) != binary.LittleEndian.Uint32(buf[4:]) {
			if len(buf) > recHeaderSize+int(n) {
				// Writers append only after a valid record, so a bad record
				// followed by more bytes is damage, not a torn append.
				return recs, off, corruptf("manifest record at offset %d fails its checksum", off)
			}
			break // torn tail
		}
		r, err := decodeManRecord(payload)
		if err != nil {
			return recs, off, fmt.Errorf("manifest record at offset %d: %w", off, err)
		}
		recs = append(recs, r)
		off += recHeaderSize + int64(n)
		buf = buf[recHeaderSize+n:]
	}
	return recs, off, nil
}
