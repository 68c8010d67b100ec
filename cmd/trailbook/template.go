package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/params"
	"github.com/trailbook/trailbook/notebook"
	nbrun "github.com/trailbook/trailbook/notebook/run"
	"github.com/trailbook/trailbook/renderers/export"
	"github.com/trailbook/trailbook/renderers/table"
	"github.com/trailbook/trailbook/templates"
)

func init() {
	register(command{name: "template", summary: "list, show and run investigation templates; save a notebook as one", run: runTemplate})
}

const templateAbout = `
Investigation templates are notebooks with parameters for the questions CloudTrail
investigators ask most (console sign-in failures, unauthorized calls, root activity,
IAM persistence, …). The bundled ones are part of trailbook; yours live in
--templates DIR (default: trailbook/templates in your config directory) and replace
a bundled one of the same name.

Subcommands:
  list [QUERY]          the templates (those matching every word of QUERY)
  show NAME             a template's description, parameters and cells
  run NAME              run a template; write the executed notebook, print its tables
  save NOTEBOOK.ipynb   save a notebook as one of your templates

Run 'trailbook template SUBCOMMAND --help' for its flags.

Examples:
  trailbook template list T1110
  trailbook template show console-signin-failures
  trailbook template run console-signin-failures --param timeframe=-7d
  trailbook template save triage.ipynb --name my-triage --title "My triage"`

func runTemplate(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("missing subcommand: list, show, run or save")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, "Usage: trailbook template SUBCOMMAND [flags]\n\n%s\n", strings.TrimSpace(templateAbout))
		return flag.ErrHelp
	case "list":
		return templateList(args[1:], stdout, stderr)
	case "show":
		return templateShow(args[1:], stdout, stderr)
	case "run":
		return templateRun(args[1:], stdout, stderr)
	case "save":
		return templateSave(args[1:], stdout, stderr)
	}
	return usagef("unknown subcommand %q: use list, show, run or save", args[0])
}

// templatesFlag registers --templates, the user templates directory.
// listHint ends the error of a missing template name.
const listHint = " ('trailbook template list' shows them)"

func templatesFlag(fs *flag.FlagSet, dir *string) {
	fs.StringVar(dir, "templates", "", "your templates `DIR` (default trailbook/templates in the user config dir)")
}

// openLibrary opens the bundled templates and those of dir (the default directory
// when ""). Files there that are not templates are reported on stderr with quiet
// off, and left out.
func openLibrary(dir string, stderr io.Writer, quiet bool) (*templates.Library, error) {
	if dir == "" {
		d, err := templates.DefaultDir()
		if err != nil && !quiet {
			fmt.Fprintf(stderr, "warning: %v; using the bundled templates only\n", err)
		}
		dir = d
	}
	lib, err := templates.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("--templates: %w", err)
	}
	if !quiet {
		for _, p := range lib.Problems() {
			fmt.Fprintf(stderr, "warning: template left out: %s\n", table.Clean(p.Error()))
		}
	}
	return lib, nil
}

// getTemplate returns the template named name; an unknown name is a usage error.
func getTemplate(lib *templates.Library, name string) (*templates.Template, error) {
	t, err := lib.Get(name)
	if errors.Is(err, templates.ErrNotFound) {
		return nil, usagef("%v", err)
	}
	return t, err
}

// templateOrigin describes where a template comes from, for list and show.
func templateOrigin(t *templates.Template) string {
	switch {
	case t.Bundled():
		return "bundled"
	case t.Overrides:
		return t.Origin + " (replaces the bundled template)"
	}
	return t.Origin
}

const templateListAbout = `
Lists the templates: the bundled ones and yours (--templates). With QUERY, only those
matching every word of it in their name, title, description, tags (ATT&CK ids such
as T1110.003) or CloudTrail events, best match first.

Examples:
  trailbook template list
  trailbook template list persistence
  trailbook template list --format json ConsoleLogin`

func templateList(args []string, stdout, stderr io.Writer) error {
	var dir, format string
	fs := newFlagSet("template list", "template list [QUERY] [--templates DIR] [--format table|json]", templateListAbout, stdout)
	templatesFlag(fs, &dir)
	fs.StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return usagef("unknown --format %q: use table or json", format)
	}
	lib, err := openLibrary(dir, stderr, false)
	if err != nil {
		return err
	}
	list := lib.Search(strings.Join(pos, " "))
	if format == "json" {
		out := make([]templateJSON, len(list))
		for i, t := range list {
			out[i] = describe(t)
		}
		return writeJSON(stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(stderr, "no template matches")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTITLE\tTAGS")
	for _, t := range list {
		name := t.Name
		if !t.Bundled() {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", table.Clean(name), table.Clean(t.Title), table.Clean(strings.Join(t.Tags, " ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range list {
		if !t.Bundled() {
			fmt.Fprintf(stdout, "\n* yours, from %s\n", lib.Dir())
			break
		}
	}
	return nil
}

// templateJSON is a template as `list --format json` and `show --format json`
// print it.
type templateJSON struct {
	templates.Meta
	Origin     string      `json:"origin"`
	Overrides  bool        `json:"overrides,omitempty"`
	Parameters []paramJSON `json:"parameters"`
	Cells      []cellJSON  `json:"cells,omitempty"`
}

type paramJSON struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Default     json.RawMessage `json:"default,omitempty"`
	Description string          `json:"description,omitempty"`
}

type cellJSON struct {
	Type   string `json:"type"` // markdown, dql, js
	Name   string `json:"name,omitempty"`
	Source string `json:"source"`
}

func describe(t *templates.Template) templateJSON {
	out := templateJSON{Meta: t.Meta, Origin: t.Origin, Overrides: t.Overrides, Parameters: []paramJSON{}}
	for _, d := range t.Params {
		out.Parameters = append(out.Parameters, paramJSON{d.Name, string(d.Type), d.Default, d.Description})
	}
	return out
}

// cellKind names a cell for show: markdown, raw, dql, js or md.
func cellKind(c *notebook.Cell) string {
	if c.CellType != notebook.Code {
		return c.CellType
	}
	first, _, _ := strings.Cut(strings.TrimLeft(string(c.Source), " \t\r\n"), "\n")
	switch strings.TrimSpace(first) {
	case "%%js":
		return "js"
	case "%%md":
		return "md"
	}
	return "dql"
}

const templateShowAbout = `
Shows a template: its title and description, ATT&CK tags, the CloudTrail events it
reads, its parameters with their types, defaults and descriptions, and its cells.
--format json prints the same as data; --format ipynb prints the template notebook
itself, to start your own from it.

Examples:
  trailbook template show root-account-activity
  trailbook template show iam-persistence --format ipynb > my-iam.ipynb`

func templateShow(args []string, stdout, stderr io.Writer) error {
	var dir, format string
	fs := newFlagSet("template show", "template show NAME [--templates DIR] [--format text|json|ipynb]", templateShowAbout, stdout)
	templatesFlag(fs, &dir)
	fs.StringVar(&format, "format", "text", "output `FORMAT`: text, json or ipynb")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	name, err := oneArg(pos, "template NAME", listHint)
	if err != nil {
		return err
	}
	if format != "text" && format != "json" && format != "ipynb" {
		return usagef("unknown --format %q: use text, json or ipynb", format)
	}
	lib, err := openLibrary(dir, stderr, true)
	if err != nil {
		return err
	}
	t, err := getTemplate(lib, name)
	if err != nil {
		return err
	}
	switch format {
	case "ipynb":
		data, err := notebook.Encode(t.Notebook)
		if err != nil {
			return err
		}
		_, err = stdout.Write(data)
		return err
	case "json":
		out := describe(t)
		for _, c := range t.Notebook.Cells {
			out.Cells = append(out.Cells, cellJSON{cellKind(c), c.Name(), string(c.Source)})
		}
		return writeJSON(stdout, out)
	}
	var b bytes.Buffer
	clean := func(s string) string { return table.Clean(s) }
	fmt.Fprintf(&b, "%s\n%s\n\n", clean(t.Title), strings.Repeat("═", len([]rune(clean(t.Title)))))
	fmt.Fprintf(&b, "%s\n\n", clean(t.Description))
	fmt.Fprintf(&b, "Name:    %s\n", t.Name)
	fmt.Fprintf(&b, "Origin:  %s\n", clean(templateOrigin(t)))
	fmt.Fprintf(&b, "Tags:    %s\n", clean(strings.Join(t.Tags, ", ")))
	fmt.Fprintf(&b, "Events:  %s\n", clean(strings.Join(t.Events, ", ")))
	b.WriteString("\nParameters (--param NAME=VALUE):\n")
	if len(t.Params) == 0 {
		b.WriteString("  none\n")
	}
	width := 0
	for _, d := range t.Params {
		width = max(width, len(d.Name))
	}
	for _, d := range t.Params {
		def := "no default: required"
		if d.HasDefault() {
			if v, err := d.DefaultValue(); err == nil {
				def = "default " + v.Text()
			}
		}
		fmt.Fprintf(&b, "  %-*s  %s, %s\n", width, d.Name, d.Type, clean(def))
		if d.Description != "" {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, "", clean(d.Description))
		}
	}
	b.WriteString("\nCells:\n")
	for i, c := range t.Notebook.Cells {
		label := cellKind(c)
		if n := c.Name(); n != "" {
			label += " " + n
		}
		fmt.Fprintf(&b, "\n[%d] %s\n", i+1, clean(label))
		for _, l := range strings.Split(strings.TrimRight(string(c.Source), "\n"), "\n") {
			fmt.Fprintf(&b, "    %s\n", strings.TrimRight(clean(l), " "))
		}
	}
	_, err = stdout.Write(b.Bytes())
	return err
}

const templateRunAbout = `
Runs a template as 'trailbook run' runs a notebook: its parameters set with --param
(the others keep their defaults; 'trailbook template show NAME' lists them), every cell
executed in order. It writes the executed notebook (-o; default NAME.out.ipynb in the
current directory) and prints the tables of its cells to stdout: in --format table
each under its cell's name; json, one object of Grail envelopes by cell name; jsonl,
one {"cell": NAME, "record": {…}} per line; csv needs --cell. --cell NAME prints only
that cell's table, exactly as 'trailbook query' would. Progress goes to stderr.

Parameter values are typed: strings are quoted, lists (a,b,c) become {"a", "b", "c"},
durations and timeframes (-7d, 2024-03-01T00:00:00Z..2024-03-02T00:00:00Z) are
checked; a value never changes a query's structure. A bad value is a usage error
(exit 2); a failed cell exits 1 and the notebook is still written.

Logs come from --input files, else --victorialogs, else the store in --data, else
(no data ingested) the embedded demo data, which it says on stderr. Every template
has a bucket parameter: set it to the --bucket you ingested with (the default,
my_aws_bucket, is the tutorial's and the demo data's).

Examples:
  trailbook template run console-signin-failures
  trailbook template run iam-persistence --param bucket=default_logs --param timeframe=-30d --html iam.html
  trailbook template run root-account-activity --input ./AWSLogs --param bucket=default_logs --cell sensitive --format csv`

type templateRunFlags struct {
	runFlags
	dir    string
	format string
	cell   string
}

func templateRun(args []string, stdout, stderr io.Writer) error {
	var f templateRunFlags
	fs := newFlagSet("template run", "template run NAME [--param NAME=VALUE]… [-o OUT.ipynb] [--html REPORT.html] [--format FORMAT] [flags]", templateRunAbout, stdout)
	templatesFlag(fs, &f.dir)
	fs.StringVar(&f.out, "o", "", "write the executed notebook to `FILE` (- for stdout, and no tables; default NAME.out.ipynb)")
	fs.StringVar(&f.format, "format", "", "tables on stdout as `FORMAT`: table, json, jsonl, csv or none (default: table on a terminal, jsonl otherwise)")
	fs.StringVar(&f.cell, "cell", "", "print only the table of the cell named `NAME` (cell names: 'trailbook template show')")
	f.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	name, err := oneArg(pos, "template NAME", listHint)
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	format := f.format
	if format == "" {
		format = "jsonl"
		if isTerminal(os.Stdout) && stdout == os.Stdout {
			format = "table"
		}
	}
	switch format {
	case "table", "json", "jsonl", "csv", "none":
	default:
		return usagef("unknown --format %q: use table, json, jsonl, csv or none", format)
	}
	if f.out == "-" || f.html == "-" {
		switch {
		case f.out == "-" && f.html == "-":
			return usagef("the notebook and the report cannot both go to stdout: give -o FILE or --html FILE")
		case f.format != "" && f.format != "none":
			return usagef("-o - or --html - writes to stdout: the tables cannot go there too (use --format none, or a FILE)")
		}
		format = "none"
	}
	given, err := paramValues(f.params)
	if err != nil {
		return err
	}
	now, err := f.clock()
	if err != nil {
		return err
	}

	lib, err := openLibrary(f.dir, stderr, true)
	if err != nil {
		return err
	}
	t, err := getTemplate(lib, name)
	if err != nil {
		return err
	}
	if f.cell != "" && !hasCell(t, f.cell) {
		return usagef("template %s has no cell named %q ('trailbook template show %s' lists its cells)", t.Name, f.cell, t.Name)
	}
	if format == "csv" && f.cell == "" {
		return usagef("--format csv prints one table: choose it with --cell NAME")
	}
	out := f.out
	if out == "" {
		out = t.Name + ".out.ipynb"
	}

	opt, closeSource, err := f.options(now, stderr)
	if err != nil {
		return err
	}
	defer closeSource()
	opt.Progress = progressPrinter(stderr, cellName, 16)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ex, runErr := t.Run(ctx, given, opt)
	if errors.Is(runErr, templates.ErrParameter) {
		return usagef("%v", runErr)
	}
	if ex == nil {
		return runErr
	}
	if err := f.write(ex, out, stdout, stderr); err != nil {
		return err
	}
	if err := printTables(stdout, format, f.cell, ex); err != nil {
		return err
	}
	return runOutcome(ex, runErr, stderr)
}

// cellName labels a cell by its name, which is what template run's --cell takes,
// else by its first line:
//
//	cell 2/9  failures    13ms  6 records
func cellName(p nbrun.Progress) string {
	if name := p.Cell.Name(); name != "" {
		return table.Clean(name)
	}
	return cellLine(string(p.Cell.Source))
}

// hasCell reports whether t has a code cell named name (trailbook.name, or cellN).
func hasCell(t *templates.Template, name string) bool {
	for i, c := range t.Notebook.Cells {
		if c.CellType == notebook.Code && (c.Name() == name || c.Name() == "" && name == fmt.Sprintf("cell%d", i+1)) {
			return true
		}
	}
	return false
}

// printTables writes the tables of the executed cells (or of the one named cell) to
// w in a --format of query, as templateRunAbout describes.
func printTables(w io.Writer, format, cell string, ex *nbrun.Executed) error {
	if format == "none" {
		return nil
	}
	var cells []nbrun.Cell
	for _, c := range ex.Cells {
		if c.Result != nil && (cell == "" || c.Name == cell) {
			cells = append(cells, c)
		}
	}
	if cell != "" {
		res := &exec.Result{}
		if len(cells) > 0 {
			res.Records = cells[0].Result.Records
		}
		return writeResult(w, format, res)
	}
	switch format {
	case "table":
		for i, c := range cells {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "## %s\n", c.Name)
			if err := writeResult(w, "table", &exec.Result{Records: c.Result.Records}); err != nil {
				return err
			}
		}
		return nil
	case "json":
		var b bytes.Buffer
		b.WriteByte('{')
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(c.Name)
			b.Write(name)
			b.WriteByte(':')
			g := export.NewGrail(&b)
			if err := g.Write(c.Result.Records); err != nil {
				return err
			}
			if err := g.Close(); err != nil {
				return err
			}
			b.Truncate(len(bytes.TrimRight(b.Bytes(), "\n")))
		}
		b.WriteString("}\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	// jsonl: one {"cell", "record"} object per record.
	var j []byte
	for _, c := range cells {
		name, _ := json.Marshal(c.Name)
		for _, r := range c.Result.Records {
			j = append(j[:0], `{"cell":`...)
			j = append(j, name...)
			j = append(j, `,"record":`...)
			j = value.AppendRecordJSONL(j, r)
			j = append(j, "}\n"...)
			if _, err := w.Write(j); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

const templateSaveAbout = `
Saves a notebook as one of your templates: NAME.ipynb in --templates DIR (default
trailbook/templates in your config directory), where 'template list|show|run' and
the gallery of 'trailbook serve' find it. Saving over one of your templates, or
under a bundled template's name (yours then replaces it), needs --force.

The template keeps the notebook's cells and the parameters it declares
(metadata.trailbook.parameters), plus those given with --declare; parameters no DQL
cell refers to as $NAME are dropped, and so are outputs (a template holds no log
data). A DQL cell that refers to an undeclared $NAME is an error. When the notebook
is a template already (say, 'template show NAME --format ipynb' edited), its name,
title, description, tags and events are kept unless flags change them.

--declare NAME:TYPE[=DEFAULT] declares a parameter; TYPE is string, strings
(a,b,c), duration (15m), timeframe (-7d, FROM..TO) or number.

Examples:
  trailbook template save triage.ipynb --name my-triage --title "My triage" --tag T1078.004
  trailbook template save hunt.ipynb --name user-hunt --title "One user" --declare user:string=alice`

func templateSave(args []string, stdout, stderr io.Writer) error {
	var (
		dir, name, title, description string
		tags, events, declare         stringList
		force                         bool
	)
	fs := newFlagSet("template save", "template save NOTEBOOK.ipynb --name NAME --title TITLE [--description TEXT] [--tag TAG]… [flags]", templateSaveAbout, stdout)
	templatesFlag(fs, &dir)
	fs.StringVar(&name, "name", "", "the template's `NAME`: lower-case letters, digits and dashes")
	fs.StringVar(&title, "title", "", "the template's `TITLE`")
	fs.StringVar(&description, "description", "", "one or two sentences: what the investigation looks for")
	fs.Var(&tags, "tag", "a `TAG`: an ATT&CK technique id (T1078.004) or a topic; repeatable")
	fs.Var(&events, "event", "a CloudTrail `EVENT` it reads, as eventSource:eventName; repeatable")
	fs.Var(&declare, "declare", "declare a parameter `NAME:TYPE[=DEFAULT]`; repeatable")
	fs.BoolVar(&force, "force", false, "replace a template of the same name")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	input, err := oneArg(pos, "NOTEBOOK.ipynb", "")
	if err != nil {
		return err
	}
	nb, err := readNotebook(input)
	if err != nil {
		return err
	}
	meta := templates.Meta{}
	if t, err := templates.New(nb, input); err == nil {
		meta = t.Meta
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["name"] {
		meta.Name = strings.TrimSpace(name)
	}
	if set["title"] {
		meta.Title = strings.TrimSpace(title)
	}
	if set["description"] {
		meta.Description = strings.TrimSpace(description)
	}
	if set["tag"] {
		meta.Tags = tags
	}
	if set["event"] {
		meta.Events = events
	}
	switch {
	case meta.Name == "":
		return usagef("missing --name")
	case meta.Title == "":
		return usagef("missing --title")
	}
	if err := templates.ValidName(meta.Name); err != nil {
		return usagef("--name: %v", err)
	}
	var defs []params.Def
	for _, d := range declare {
		def, err := parseDeclare(d)
		if err != nil {
			return err
		}
		defs = append(defs, def)
	}
	lib, err := openLibrary(dir, stderr, true)
	if err != nil {
		return err
	}
	path, err := lib.Save(nb, meta, templates.SaveOptions{Overwrite: force, Params: defs})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "saved template %s as %s\n", meta.Name, path)
	return nil
}

// parseDeclare reads --declare NAME:TYPE[=DEFAULT].
func parseDeclare(s string) (params.Def, error) {
	spec, def, hasDefault := strings.Cut(s, "=")
	name, typ, ok := strings.Cut(spec, ":")
	d := params.Def{Name: strings.TrimSpace(name), Type: params.Type(strings.TrimSpace(typ))}
	if !ok {
		return d, usagef("--declare %q: want NAME:TYPE[=DEFAULT], e.g. user:string=alice", s)
	}
	if err := d.Check(); err != nil {
		return d, usagef("--declare: %v", err)
	}
	if hasDefault {
		v, err := d.Parse(def)
		if err != nil {
			return d, usagef("--declare: %v", err)
		}
		d.Default = v.JSON()
	}
	return d, nil
}
