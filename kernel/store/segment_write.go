package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"slices"

	"github.com/klauspost/compress/s2"
)

// Segment file layout (all integers little-endian; "uvarint"/"varint" as in
// encoding/binary):
//
//	magic    "TRLBSEG1"
//	blocks   raw-event blocks, each compressed on its own (codec in the footer)
//	sections column sections, in any order, found through the footer
//	footer   see writeFooter
//	trailer  footerOffset u64 | footerLen u32 | footerCRC u32 | "TRLBEND1"
const (
	segMagic    = "TRLBSEG1"
	segEndMagic = "TRLBEND1"
	trailerSize = 24
	segVersion  = 1
	codecS2     = 1        // a block compressed with S2 on its own
	codecS2Dict = 2        // a block compressed with S2 and the segment's dictionary
	blockTarget = 64 << 10 // uncompressed bytes per raw block without a dictionary
	dictBlock   = 8 << 10  // … and with one
	// A segment of at least dictMinRaw bytes of JSON gets a dictionary: samples of
	// its own events, up to s2.MaxDictSize. Small blocks then compress as well as
	// large ones (CloudTrail events repeat their member names and ARNs), and a
	// selective scan decodes 8 KiB per surviving row instead of 64 KiB.
	dictMinRaw   = 256 << 10
	dictSection  = "dict"
	segExt       = ".tbs"
	timeSection  = "time"
	endsSection  = "rawend"
	keysSection  = "key"
	keySize      = 16
	maxDictWidth = 4
)

// row is one event waiting in a batch.
type row struct {
	t     int64
	raw   []byte
	key   [keySize]byte
	codes [24]uint32 // dictionary code per column (contentColumns then recordColumns)
}

// dictBuilder assigns dictionary codes to a column's strings in a batch.
type dictBuilder struct {
	idx  map[string]uint32
	strs []string
}

func (d *dictBuilder) code(c cell) uint32 {
	if c.kind != codeFirst {
		return uint32(c.kind)
	}
	if d.idx == nil {
		d.idx = make(map[string]uint32)
	}
	if i, ok := d.idx[c.str]; ok {
		return i
	}
	i := uint32(len(d.strs)) + codeFirst
	d.idx[c.str] = i
	d.strs = append(d.strs, c.str)
	return i
}

// part collects the rows of one partition (bucket, UTC day) for one batch.
type part struct {
	bucket   string
	day      int64
	rows     []row
	dicts    []dictBuilder // numColumns
	rawBytes int64
}

func newPart(bucket string, day int64) *part {
	return &part{bucket: bucket, day: day, dicts: make([]dictBuilder, numColumns)}
}

// add appends an event; cells are its content columns, rec its record columns.
func (p *part) add(t int64, raw []byte, key [keySize]byte, cells *[16]cell, rec *[numRecordColumns]string) {
	r := row{t: t, raw: raw, key: key}
	for i := range contentColumns {
		r.codes[i] = p.dicts[i].code(cells[i])
	}
	for i, s := range rec {
		c := cell{}
		if s != "" {
			c = cell{codeFirst, s}
		}
		j := len(contentColumns) + i
		r.codes[j] = p.dicts[j].code(c)
	}
	p.rows = append(p.rows, r)
	p.rawBytes += int64(len(raw))
}

func init() {
	if numColumns > len(row{}.codes) {
		panic("BUG: row.codes is smaller than the number of columns")
	}
}

// segMeta describes a committed segment: what the manifest records about it, enough
// to choose the segments of a scan without opening them.
type segMeta struct {
	name     string // file name inside segments/
	bucket   string
	day      int64 // days since the epoch, UTC
	rows     int64
	min, max int64 // eventTime range, ns
	size     int64 // file size in bytes
}

type blockMeta struct {
	off, clen, ulen int64
	firstRow        int
	codec           byte
	crc             uint32
}

type sectionMeta struct {
	name     string
	off, len int64
	crc      uint32
}

// writeSegment writes p's rows to path, sorted by time, and fsyncs the file. It does
// not touch the directory; the caller makes the file's name durable and commits it.
func writeSegment(path, name string, p *part) (segMeta, error) {
	order := make([]int32, len(p.rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ta, tb := p.rows[a].t, p.rows[b].t
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return segMeta{}, fmt.Errorf("cannot create segment %q: %w", path, err)
	}
	w := &segWriter{w: bufio.NewWriterSize(f, 1<<20)}
	w.write([]byte(segMagic))
	var dict *s2.Dict
	target := blockTarget
	if p.rawBytes >= dictMinRaw {
		if dict = makeDict(p, order); dict != nil {
			target = dictBlock
		}
	}
	ends := make([]byte, 0, 4*len(order))
	var block, comp []byte
	blockFirst := 0
	flush := func(upto int) {
		if len(block) == 0 {
			return
		}
		codec := byte(codecS2)
		if dict != nil {
			comp = dict.Encode(comp[:0], block)
			codec = codecS2Dict
		} else {
			comp = s2.Encode(comp[:cap(comp)], block)
		}
		w.blocks = append(w.blocks, blockMeta{off: w.off, clen: int64(len(comp)), ulen: int64(len(block)), firstRow: blockFirst, codec: codec, crc: checksum(comp)})
		w.write(comp)
		block = block[:0]
		blockFirst = upto
	}
	for i, o := range order {
		raw := p.rows[o].raw
		if len(block) > 0 && len(block)+len(raw) > target {
			flush(i)
		}
		block = append(block, raw...)
		ends = binary.LittleEndian.AppendUint32(ends, uint32(len(block)))
	}
	flush(len(order))
	if dict != nil {
		w.section(dictSection, dict.Bytes())
	}

	times := make([]byte, 0, 8*len(order))
	keys := make([]byte, 0, keySize*len(order))
	for _, o := range order {
		times = binary.LittleEndian.AppendUint64(times, uint64(p.rows[o].t))
		keys = append(keys, p.rows[o].key[:]...)
	}
	w.section(timeSection, times)
	w.section(endsSection, ends)
	w.section(keysSection, keys)
	var buf []byte
	for c := 0; c < numColumns; c++ {
		buf = encodeDictColumn(buf[:0], p.dicts[c].strs, p.rows, order, c)
		w.section(columnName(c), buf)
	}
	meta := segMeta{name: name, bucket: p.bucket, day: p.day, rows: int64(len(order))}
	if len(order) > 0 {
		meta.min, meta.max = p.rows[order[0]].t, p.rows[order[len(order)-1]].t
	}
	footer := appendFooter(nil, &meta, w.blocks, w.sections)
	footerOff := w.off
	w.write(footer)
	var tr [trailerSize]byte
	binary.LittleEndian.PutUint64(tr[0:], uint64(footerOff))
	binary.LittleEndian.PutUint32(tr[8:], uint32(len(footer)))
	binary.LittleEndian.PutUint32(tr[12:], checksum(footer))
	copy(tr[16:], segEndMagic)
	w.write(tr[:])
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.err == nil {
		w.err = f.Sync()
	}
	if err := f.Close(); w.err == nil {
		w.err = err
	}
	if w.err != nil {
		os.Remove(path)
		return segMeta{}, fmt.Errorf("cannot write segment %q: %w", path, w.err)
	}
	meta.size = w.off
	return meta, nil
}

// makeDict builds a compression dictionary from samples spread over the segment's
// events: the start of every k-th event, as CloudTrail events differ most in their
// tails (request parameters, responses).
func makeDict(p *part, order []int32) *s2.Dict {
	const size = s2.MaxDictSize - 1
	const piece = 2 << 10
	sample := make([]byte, 0, size)
	step := max(1, len(order)*piece/size)
	for i := 0; i < len(order) && len(sample) < size; i += step {
		raw := p.rows[order[i]].raw
		sample = append(sample, raw[:min(len(raw), piece, size-len(sample))]...)
	}
	return s2.MakeDict(sample, []byte(`{"eventVersion":"`))
}

func columnName(c int) string {
	if c < len(contentColumns) {
		return contentColumns[c].name
	}
	return recordColumns[c-len(contentColumns)].name
}

// encodeDictColumn encodes a dictionary column section:
//
//	count uvarint | count × (len uvarint, bytes) | width u8 | rows × code (width bytes)
//
// Code 0 is null, 1 "other" (not a string), 2+i the i-th dictionary string.
func encodeDictColumn(b []byte, strs []string, rows []row, order []int32, c int) []byte {
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = appendString(b, s)
	}
	maxCode := len(strs) + codeFirst - 1
	width := 1
	switch {
	case maxCode > 0xffff:
		width = 4
	case maxCode > 0xff:
		width = 2
	}
	b = append(b, byte(width))
	for _, o := range order {
		v := rows[o].codes[c]
		switch width {
		case 1:
			b = append(b, byte(v))
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		default:
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	return b
}

// appendFooter encodes the footer:
//
//	version uvarint | bucket string | day varint | rows uvarint | min, max varint
//	blocks uvarint × (off, clen, ulen, firstRow uvarint; codec u8; crc u32)
//	sections uvarint × (name string; off, len uvarint; crc u32)
func appendFooter(b []byte, m *segMeta, blocks []blockMeta, sections []sectionMeta) []byte {
	b = binary.AppendUvarint(b, segVersion)
	b = appendString(b, m.bucket)
	b = binary.AppendVarint(b, m.day)
	b = binary.AppendUvarint(b, uint64(m.rows))
	b = binary.AppendVarint(b, m.min)
	b = binary.AppendVarint(b, m.max)
	b = binary.AppendUvarint(b, uint64(len(blocks)))
	for _, bl := range blocks {
		b = binary.AppendUvarint(b, uint64(bl.off))
		b = binary.AppendUvarint(b, uint64(bl.clen))
		b = binary.AppendUvarint(b, uint64(bl.ulen))
		b = binary.AppendUvarint(b, uint64(bl.firstRow))
		b = append(b, bl.codec)
		b = binary.LittleEndian.AppendUint32(b, bl.crc)
	}
	b = binary.AppendUvarint(b, uint64(len(sections)))
	for _, s := range sections {
		b = appendString(b, s.name)
		b = binary.AppendUvarint(b, uint64(s.off))
		b = binary.AppendUvarint(b, uint64(s.len))
		b = binary.LittleEndian.AppendUint32(b, s.crc)
	}
	return b
}

// segWriter tracks the offset and the first error of a segment being written.
type segWriter struct {
	w        *bufio.Writer
	off      int64
	err      error
	blocks   []blockMeta
	sections []sectionMeta
}

func (w *segWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.off += int64(n)
	w.err = err
}

func (w *segWriter) section(name string, b []byte) {
	w.sections = append(w.sections, sectionMeta{name: name, off: w.off, len: int64(len(b)), crc: checksum(b)})
	w.write(b)
}
