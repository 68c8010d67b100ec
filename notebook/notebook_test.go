package notebook

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseUpgradesTo45(t *testing.T) {
	in := `{"nbformat": 4, "nbformat_minor": 2, "metadata": {"trailbook": {"timeframe": {"from": "-7d"}}, "other": [1]},
	 "cells": [
	  {"cell_type": "code", "source": ["fetch logs\n", "| limit 1"], "metadata": {"trailbook": {"name": "first"}}, "outputs": [], "execution_count": 3},
	  {"cell_type": "markdown", "id": "same", "source": "# Title", "metadata": {}},
	  {"cell_type": "raw", "id": "same", "source": "", "metadata": {}}
	 ]}`
	nb, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if nb.NBFormatMinor != 5 {
		t.Fatalf("nbformat_minor = %d", nb.NBFormatMinor)
	}
	ids := map[string]bool{}
	for _, c := range nb.Cells {
		if !validID.MatchString(c.ID) || ids[c.ID] {
			t.Fatalf("cell id %q invalid or repeated", c.ID)
		}
		ids[c.ID] = true
	}
	if nb.Cells[1].ID != "same" {
		t.Fatalf("a valid unique id was replaced: %q", nb.Cells[1].ID)
	}
	if nb.Cells[0].Source != "fetch logs\n| limit 1" || nb.Cells[0].Name() != "first" || *nb.Cells[0].ExecutionCount != 3 {
		t.Fatalf("cell 0 = %+v", nb.Cells[0])
	}
	if tf := nb.Trailbook().Timeframe; tf == nil || tf.From != "-7d" {
		t.Fatalf("timeframe = %+v", tf)
	}
	out, err := Encode(nb)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := Encode(again)
	if string(out) != string(out2) {
		t.Fatalf("encoding does not round-trip:\n%s\n%s", out, out2)
	}
	if !strings.Contains(string(out), `"other": [`) {
		t.Fatalf("unknown metadata was lost:\n%s", out)
	}
}

func TestEncodeShape(t *testing.T) {
	n := 1
	nb := New()
	nb.Cells = append(nb.Cells,
		&Cell{ID: "a1", CellType: Code, Source: "data record(a = \"<b>\")\n", ExecutionCount: &n,
			Outputs: []json.RawMessage{json.RawMessage(`{"output_type":"stream","name":"stdout","text":["x"]}`)}},
		&Cell{ID: "m1", CellType: Markdown, Source: "# T\nline", ExecutionCount: &n})
	out, err := Encode(nb)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "cells": [
  {
   "id": "a1",
   "cell_type": "code",
   "metadata": {},
   "source": [
    "data record(a = \"<b>\")\n"
   ],
   "outputs": [
    {
     "output_type": "stream",
     "name": "stdout",
     "text": [
      "x"
     ]
    }
   ],
   "execution_count": 1
  },
  {
   "id": "m1",
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# T\n",
    "line"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "trailbook (DQL)",
   "language": "dql",
   "name": "trailbook"
  },
  "language_info": {
   "file_extension": ".dql",
   "mimetype": "text/x-dql",
   "name": "dql"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	if string(out) != want {
		t.Fatalf("Encode:\n%s\nwant:\n%s", out, want)
	}
}

func TestParseRejects(t *testing.T) {
	f := func(in, wantMsg string) {
		t.Helper()
		_, err := Parse([]byte(in))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), wantMsg) {
			t.Fatalf("Parse(%s) = %v, want %q", in, err, wantMsg)
		}
	}
	f(`{"nbformat": 3, "cells": []}`, "nbformat 3")
	f(`{"nbformat": 4}`, "no cells list")
	f(`{"nbformat": 4, "cells": [{"cell_type": "python", "source": ""}]}`, `type "python"`)
	f(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}`, "neither a string nor a list")
	f(`{"nbformat": 4, "cells": [], "metadata": []}`, "metadata is not an object")
	f(`{"nbformat": 4, "cells": []} {}`, "text after the notebook")
	f(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [1]}]}`, "not an object")
}
