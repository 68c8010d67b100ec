package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/s2"
)

// segment is a committed segment file as the store reads it: its manifest entry
// plus, loaded on first use, its footer and the columns scans have asked for.
// Loaded parts are immutable and shared by concurrent scans; the cache may drop
// them (evict), after which the next user loads them again.
type segment struct {
	meta  segMeta
	path  string
	cache *cache

	mu       sync.Mutex
	footer   *footer
	dict     *s2.Dict
	times    []int64
	ends     []uint32
	cols     []*dictColumn // by column index; nil until loaded
	absent   []bool        // columns the segment was written without
	loaded   int64         // bytes held, for the cache
	lastUsed atomic.Int64  // cache clock of the last use
}

type footer struct {
	blocks   []blockMeta
	sections map[string]sectionMeta
}

// dictColumn is a decoded dictionary column: codes stay packed as in the file.
type dictColumn struct {
	strs  []string
	width int
	codes []byte
}

func (c *dictColumn) code(i int) uint32 {
	switch c.width {
	case 1:
		return uint32(c.codes[i])
	case 2:
		return uint32(binary.LittleEndian.Uint16(c.codes[2*i:]))
	}
	return binary.LittleEndian.Uint32(c.codes[4*i:])
}

// str returns the string of a code ≥ codeFirst.
func (c *dictColumn) str(code uint32) string { return c.strs[code-codeFirst] }

func (s *segment) open() (*os.File, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("cannot open segment %q: %w", s.path, err)
	}
	return f, nil
}

// loadFooter reads and checks the trailer and footer. The caller holds s.mu.
func (s *segment) loadFooter(f *os.File) (*footer, error) {
	if s.footer != nil {
		return s.footer, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot stat segment %q: %w", s.path, err)
	}
	size := st.Size()
	if size < int64(len(segMagic))+trailerSize {
		return nil, fmt.Errorf("segment %q: %w", s.path, corruptf("file is too short (%d bytes)", size))
	}
	var tr [trailerSize]byte
	if _, err := f.ReadAt(tr[:], size-trailerSize); err != nil {
		return nil, fmt.Errorf("cannot read segment %q: %w", s.path, err)
	}
	if string(tr[16:]) != segEndMagic {
		return nil, fmt.Errorf("segment %q: %w", s.path, corruptf("bad trailer (truncated file?)"))
	}
	off := int64(binary.LittleEndian.Uint64(tr[0:]))
	n := int64(binary.LittleEndian.Uint32(tr[8:]))
	if off < int64(len(segMagic)) || off+n != size-trailerSize {
		return nil, fmt.Errorf("segment %q: %w", s.path, corruptf("footer out of bounds"))
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("cannot read segment %q: %w", s.path, err)
	}
	if checksum(buf) != binary.LittleEndian.Uint32(tr[12:]) {
		return nil, fmt.Errorf("segment %q: %w", s.path, corruptf("footer checksum mismatch"))
	}
	ft, err := decodeFooter(buf, off, s.meta.rows)
	if err != nil {
		return nil, fmt.Errorf("segment %q: %w", s.path, err)
	}
	s.footer = ft
	return ft, nil
}

func decodeFooter(b []byte, limit, rows int64) (*footer, error) {
	d := &decoder{b: b}
	if v := d.uvarint(); v != segVersion && d.err == nil {
		return nil, corruptf("unknown segment version %d", v)
	}
	d.string() // bucket: the manifest's copy is used
	d.varint() // day
	if n := d.uvarint(); int64(n) != rows && d.err == nil {
		return nil, corruptf("segment has %d rows, manifest says %d", n, rows)
	}
	d.varint()
	d.varint()
	ft := &footer{sections: map[string]sectionMeta{}}
	nb := d.count(len(b))
	for i := 0; i < nb && d.err == nil; i++ {
		bl := blockMeta{off: int64(d.uvarint()), clen: int64(d.uvarint()), ulen: int64(d.uvarint()), firstRow: int(d.uvarint())}
		bl.codec = d.byte()
		bl.crc = d.u32()
		if bl.off < 0 || bl.clen < 0 || bl.off+bl.clen > limit || bl.ulen > 1<<31 ||
			(i == 0 && bl.firstRow != 0) || (i > 0 && bl.firstRow <= ft.blocks[i-1].firstRow) {
			return nil, corruptf("block %d out of bounds", i)
		}
		ft.blocks = append(ft.blocks, bl)
	}
	ns := d.count(len(b))
	for i := 0; i < ns && d.err == nil; i++ {
		sm := sectionMeta{name: d.string(), off: int64(d.uvarint()), len: int64(d.uvarint())}
		sm.crc = d.u32()
		if sm.off < 0 || sm.len < 0 || sm.off+sm.len > limit {
			return nil, corruptf("section %q out of bounds", sm.name)
		}
		ft.sections[sm.name] = sm
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(ft.blocks) > 0 && (ft.blocks[0].firstRow != 0 || int64(ft.blocks[len(ft.blocks)-1].firstRow) >= rows) {
		return nil, corruptf("blocks do not cover the rows")
	}
	return ft, nil
}

// readSection reads a section and checks its checksum; ok is false if the segment
// has no such section.
func (s *segment) readSection(f *os.File, ft *footer, name string) ([]byte, bool, error) {
	sm, ok := ft.sections[name]
	if !ok {
		return nil, false, nil
	}
	buf := make([]byte, sm.len)
	if _, err := f.ReadAt(buf, sm.off); err != nil && !(errors.Is(err, io.EOF) && sm.len == 0) {
		return nil, false, fmt.Errorf("cannot read segment %q: %w", s.path, err)
	}
	if checksum(buf) != sm.crc {
		return nil, false, fmt.Errorf("segment %q: %w", s.path, corruptf("section %q checksum mismatch", name))
	}
	return buf, true, nil
}

// segView is what a scan needs from a segment, loaded: the footer, times, the
// requested columns (nil where the segment lacks one) and, when asked for, what
// reading raw events takes (row ends and the compression dictionary).
type segView struct {
	ft    *footer
	dict  *s2.Dict // nil when the blocks have none
	times []int64
	ends  []uint32
	cols  []*dictColumn
}

// view loads what is missing of the footer, times, the columns in want (indexes) and,
// if raw, the row ends and dictionary, and returns them. Filtering needs only times
// and a predicate's columns: units without surviving rows never load the rest.
func (s *segment) view(want []int, raw bool) (*segView, error) {
	s.lastUsed.Store(s.cache.tick())
	v, added, err := s.load(want, raw)
	if added > 0 {
		s.cache.added(s, added) // outside s.mu: eviction locks other segments
	}
	return v, err
}

func (s *segment) load(want []int, raw bool) (*segView, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	missing := s.footer == nil || s.times == nil || s.cols == nil || raw && s.ends == nil
	for _, c := range want {
		if !missing && s.cols[c] == nil && !s.absent[c] {
			missing = true
		}
	}
	var added int64
	defer func() { s.loaded += added }() // on error too: what was loaded stays
	if missing {
		f, err := s.open()
		if err != nil {
			return nil, added, err
		}
		defer f.Close()
		ft, err := s.loadFooter(f)
		if err != nil {
			return nil, added, err
		}
		if s.times == nil {
			b, ok, err := s.readSection(f, ft, timeSection)
			if err == nil && (!ok || int64(len(b)) != 8*s.meta.rows) {
				err = fmt.Errorf("segment %q: %w", s.path, corruptf("time section has the wrong size"))
			}
			if err != nil {
				return nil, added, err
			}
			times := make([]int64, s.meta.rows)
			for i := range times {
				times[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
				if i > 0 && times[i] < times[i-1] {
					return nil, added, fmt.Errorf("segment %q: %w", s.path, corruptf("times out of order"))
				}
			}
			s.times = times
			added += 8 * s.meta.rows
		}
		if raw && s.ends == nil {
			e, ok, err := s.readSection(f, ft, endsSection)
			if err == nil && (!ok || int64(len(e)) != 4*s.meta.rows) {
				err = fmt.Errorf("segment %q: %w", s.path, corruptf("row-end section has the wrong size"))
			}
			if err != nil {
				return nil, added, err
			}
			d, ok, err := s.readSection(f, ft, dictSection)
			if err != nil {
				return nil, added, err
			}
			if ok {
				if s.dict = s2.NewDict(d); s.dict == nil {
					return nil, added, fmt.Errorf("segment %q: %w", s.path, corruptf("bad compression dictionary"))
				}
				added += int64(len(d))
			}
			ends := make([]uint32, s.meta.rows)
			for i := range ends {
				ends[i] = binary.LittleEndian.Uint32(e[4*i:])
			}
			s.ends = ends
			added += 4 * s.meta.rows
		}
		if s.cols == nil {
			s.cols = make([]*dictColumn, numColumns)
			s.absent = make([]bool, numColumns)
		}
		for _, c := range want {
			if s.cols[c] != nil || s.absent[c] {
				continue
			}
			b, ok, err := s.readSection(f, ft, columnName(c))
			if err != nil {
				return nil, added, err
			}
			if !ok {
				s.absent[c] = true // an older segment, written before the column existed
				continue
			}
			col, err := decodeDictColumn(b, s.meta.rows)
			if err != nil {
				return nil, added, fmt.Errorf("segment %q: column %q: %w", s.path, columnName(c), err)
			}
			s.cols[c] = col
			added += int64(len(b))
		}
	}
	v := &segView{ft: s.footer, times: s.times, cols: make([]*dictColumn, numColumns)}
	if raw {
		v.ends, v.dict = s.ends, s.dict
	}
	for _, c := range want {
		v.cols[c] = s.cols[c]
	}
	return v, added, nil
}

// evict drops the loaded columns; the footer (small) stays.
func (s *segment) evict() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.loaded
	s.times, s.ends, s.cols, s.absent, s.dict, s.loaded = nil, nil, nil, nil, nil, 0
	return n
}

func decodeDictColumn(b []byte, rows int64) (*dictColumn, error) {
	d := &decoder{b: b}
	n := d.count(len(b))
	strs := make([]string, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		strs = append(strs, d.string())
	}
	width := int(d.byte())
	if d.err != nil {
		return nil, d.err
	}
	if width != 1 && width != 2 && width != 4 || int64(len(d.b)) != int64(width)*rows {
		return nil, corruptf("bad code width or length")
	}
	c := &dictColumn{strs: strs, width: width, codes: d.b}
	limit := uint32(len(strs)) + codeFirst
	for i := 0; i < int(rows); i++ {
		if c.code(i) >= limit {
			return nil, corruptf("code out of range")
		}
	}
	return c, nil
}

// readKeys returns the dedup keys of every row, in row order.
func (s *segment) readKeys() ([]byte, error) {
	f, err := s.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s.mu.Lock()
	ft, err := s.loadFooter(f)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b, ok, err := s.readSection(f, ft, keysSection)
	if err == nil && (!ok || int64(len(b)) != keySize*s.meta.rows) {
		err = fmt.Errorf("segment %q: %w", s.path, corruptf("key section has the wrong size"))
	}
	return b, err
}

// blockReader decodes raw blocks for one goroutine, keeping the last one.
type blockReader struct {
	s     *segment
	f     *os.File
	ft    *footer
	dict  *s2.Dict
	cur   int // index of the decoded block, -1 if none
	data  []byte
	cbuf  []byte
	start int // first row of the current block
}

func newBlockReader(s *segment, v *segView) *blockReader {
	return &blockReader{s: s, ft: v.ft, dict: v.dict, cur: -1}
}

func (br *blockReader) close() {
	if br.f != nil {
		br.f.Close()
		br.f = nil
	}
}

// raw returns row i's event text. Each block is decoded into a buffer of its own
// that is never written again, so the text stays valid (and unchanged) for as long as
// the caller keeps it: scans hand it out as the content string without a copy.
func (br *blockReader) raw(i int, ends []uint32) ([]byte, error) {
	bi := br.cur
	if bi < 0 || i < br.ft.blocks[bi].firstRow || (bi+1 < len(br.ft.blocks) && i >= br.ft.blocks[bi+1].firstRow) {
		bi = sort.Search(len(br.ft.blocks), func(k int) bool { return br.ft.blocks[k].firstRow > i }) - 1
		if bi < 0 {
			return nil, fmt.Errorf("segment %q: %w", br.s.path, corruptf("row %d in no block", i))
		}
		if err := br.load(bi); err != nil {
			return nil, err
		}
	}
	start := uint32(0)
	if i > br.ft.blocks[bi].firstRow {
		start = ends[i-1]
	}
	end := ends[i]
	if start > end || int(end) > len(br.data) {
		return nil, fmt.Errorf("segment %q: %w", br.s.path, corruptf("row %d out of its block", i))
	}
	return br.data[start:end], nil
}

func (br *blockReader) load(bi int) error {
	if br.f == nil {
		f, err := br.s.open()
		if err != nil {
			return err
		}
		br.f = f
	}
	bl := br.ft.blocks[bi]
	if int64(cap(br.cbuf)) < bl.clen {
		br.cbuf = make([]byte, bl.clen)
	}
	cb := br.cbuf[:bl.clen]
	if _, err := br.f.ReadAt(cb, bl.off); err != nil {
		return fmt.Errorf("cannot read segment %q: %w", br.s.path, err)
	}
	if checksum(cb) != bl.crc {
		return fmt.Errorf("segment %q: %w", br.s.path, corruptf("block %d checksum mismatch", bi))
	}
	n, err := s2.DecodedLen(cb)
	if err != nil || int64(n) != bl.ulen {
		return fmt.Errorf("segment %q: %w", br.s.path, corruptf("block %d has a bad length", bi))
	}
	var d []byte
	switch {
	case bl.codec == codecS2:
		d, err = s2.Decode(make([]byte, n), cb)
	case bl.codec == codecS2Dict && br.dict != nil:
		d, err = br.dict.Decode(make([]byte, n), cb)
	default:
		return fmt.Errorf("segment %q: %w", br.s.path, corruptf("block %d has unknown codec %d", bi, bl.codec))
	}
	if err != nil || len(d) != n {
		return fmt.Errorf("segment %q: %w", br.s.path, corruptf("block %d: %v", bi, err))
	}
	br.data, br.cur = d, bi
	return nil
}

// cache bounds the memory of loaded columns across segments: when a load takes the
// total over the budget, the least recently used segments are evicted.
type cache struct {
	mu     sync.Mutex
	budget int64
	total  int64
	clock  atomic.Int64
	segs   map[*segment]struct{}
}

func newCache(budget int64) *cache {
	return &cache{budget: budget, segs: map[*segment]struct{}{}}
}

func (c *cache) tick() int64 { return c.clock.Add(1) }

func (c *cache) added(s *segment, n int64) {
	c.mu.Lock()
	c.total += n
	c.segs[s] = struct{}{}
	var victims []*segment
	if c.total > c.budget {
		for v := range c.segs {
			if v != s {
				victims = append(victims, v)
			}
		}
		sort.Slice(victims, func(i, j int) bool { return victims[i].lastUsed.Load() < victims[j].lastUsed.Load() })
	}
	c.mu.Unlock()
	for _, v := range victims {
		c.mu.Lock()
		over := c.total > c.budget
		c.mu.Unlock()
		if !over {
			break
		}
		c.forget(v)
	}
}

// forget evicts s and stops tracking it.
func (c *cache) forget(s *segment) {
	n := s.evict()
	c.mu.Lock()
	if _, ok := c.segs[s]; ok {
		delete(c.segs, s)
		c.total -= n
	}
	c.mu.Unlock()
}
