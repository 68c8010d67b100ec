package templates

import (
	"strings"
	"testing"

	"github.com/trailbook/trailbook/notebook"
)

const paramNotebook = `{
 "cells": [
  {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Looks for $ip"},
  {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": null,
   "source": "fetch logs\n| filter sourceIPAddress == $ip and in(user, $users)\n| limit $n"},
  {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [], "execution_count": null,
   "source": "%%js\nconst s = ` + "`${prev.length} $ip`" + `"}
 ],
 "metadata": {"kernelspec": {"name": "trailbook"}, "trailbook": {
   "template": {"name": "t", "title": "T", "description": "d"},
   "parameters": [
     {"name": "ip", "type": "string"},
     {"name": "users", "type": "strings", "default": ["root"]},
     {"name": "n", "type": "number", "default": 10},
     {"name": "timeframe", "type": "timeframe", "default": "-24h"}
   ]}},
 "nbformat": 4, "nbformat_minor": 5
}`

func TestApply(t *testing.T) {
	nb, err := notebook.Parse([]byte(paramNotebook))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply(nb, map[string]string{"ip": `x" or true or "`, "timeframe": "-7d"})
	if err != nil {
		t.Fatal(err)
	}
	want := "fetch logs\n| filter sourceIPAddress == \"x\\\" or true or \\\"\" and in(user, {\"root\"})\n| limit 10"
	if got := string(out.Cells[1].Source); got != want {
		t.Errorf("DQL cell = %q\nwant %q", got, want)
	}
	if got := string(out.Cells[0].Source); got != "Looks for $ip" {
		t.Errorf("Markdown cell changed: %q", got)
	}
	if got := string(out.Cells[2].Source); !strings.Contains(got, "$ip") {
		t.Errorf("script cell changed: %q", got)
	}
	if tf := out.Trailbook().Timeframe; tf == nil || tf.From != "-7d" || tf.To != "now" {
		t.Errorf("timeframe = %+v", tf)
	}
	if !strings.Contains(string(out.Metadata), `"values":{"ip":"x\" or true or \"","n":10,"timeframe":"-7d","users":["root"]}`) {
		t.Errorf("values not recorded: %s", out.Metadata)
	}
	if got := string(nb.Cells[1].Source); !strings.Contains(got, "$ip") {
		t.Errorf("Apply modified its input: %q", got)
	}
}

func TestApplyErrors(t *testing.T) {
	nb, err := notebook.Parse([]byte(strings.Replace(paramNotebook, "| limit $n", "| limit $m", 1)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(nb, map[string]string{"ip": "1.2.3.4"})
	if err == nil || !strings.Contains(err.Error(), "cell 2: 3:9: unknown parameter $m") || !strings.Contains(err.Error(), "^") {
		t.Errorf("unknown reference: err = %v", err)
	}
	nb, _ = notebook.Parse([]byte(paramNotebook))
	if _, err := Apply(nb, nil); err == nil || !strings.Contains(err.Error(), "ip has no default") {
		t.Errorf("missing value: err = %v", err)
	}
	if _, err := Apply(nb, map[string]string{"ip": "a", "n": "ten"}); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("bad number: err = %v", err)
	}
}
