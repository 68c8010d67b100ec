package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/renderers/export"
)

// exportFormats are the download formats of a result: the encodings of `trailbook
// query --format`, with their content types and file extensions.
var exportFormats = map[string]struct{ contentType, ext string }{
	"csv":   {"text/csv; charset=utf-8", ".csv"},
	"json":  {"application/json", ".json"},
	"jsonl": {"application/x-ndjson", ".jsonl"},
}

// exportBatch is how many records go to the encoder between checks that the
// client is still there.
const exportBatch = 1000

// exportResult serves GET /api/trailbook/results/{id}/export?format=csv|json|jsonl
// &name=NAME: every kept record of a result as a file download, streamed as it is
// encoded (the whole result is never one string in memory). csv is RFC 4180 with
// formulas defused, json the Grail envelope, jsonl one typed object per line, as
// `trailbook query --format` writes them. NAME (the cell's name) names the file.
//
// X-Trailbook-Total and X-Trailbook-Kept say how many records the query returned
// and how many the kernel kept (and the file holds): they differ only when the
// result was larger than the kernel keeps.
func (s *server) exportResult(w http.ResponseWriter, r *http.Request) {
	res, ok := s.cfg.Kernels.Result(r.PathValue("id"))
	if !ok {
		writeError(w, errNoResult)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	f, ok := exportFormats[format]
	if !ok {
		writeError(w, errBadParam.with("format must be csv, json or jsonl"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Disposition", `attachment; filename="`+exportName(r.URL.Query().Get("name"))+f.ext+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Trailbook-Total", strconv.Itoa(res.Total))
	h.Set("X-Trailbook-Kept", strconv.Itoa(len(res.Records)))
	w.WriteHeader(http.StatusOK)
	writeRecords(r, w, format, res) // the client may be gone: nothing more to do
}

// recordWriter is one of package export's streaming encoders.
type recordWriter interface {
	Write([]*value.Record) error
	Close() error
}

// writeRecords encodes a result's kept records in batches, stopping when the
// client goes away.
func writeRecords(r *http.Request, w http.ResponseWriter, format string, res *kernel.Result) error {
	var enc recordWriter
	switch format {
	case "csv":
		cols := make([]string, len(res.Columns))
		for i, c := range res.Columns {
			cols[i] = c.Name
		}
		c, err := export.NewCSV(w, cols)
		if err != nil {
			return err
		}
		enc = c
	case "json":
		enc = export.NewGrail(w)
	default:
		enc = export.NewJSONL(w)
	}
	for off := 0; off < len(res.Records); off += exportBatch {
		if err := r.Context().Err(); err != nil {
			return err
		}
		if err := enc.Write(res.Page(off, exportBatch)); err != nil {
			return err
		}
	}
	return enc.Close()
}

// exportName makes a safe file name stem of a cell name: letters, digits, '.',
// '_' and '-' (anything else becomes '_'), at most 64 characters, never starting
// with a dot; "result" when nothing is left. It goes into a header, so nothing
// may break out of its quotes or name a path.
func exportName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 64 {
			break
		}
	}
	stem := strings.Trim(b.String(), "_.")
	if stem == "" {
		return "result"
	}
	return stem
}
