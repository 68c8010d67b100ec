package cloudtrail

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestKeep checks that Options.Keep drops the events it rejects, in JSON lines and in
// Records files, and keeps every other one byte for byte.
func TestKeep(t *testing.T) {
	keep := func(raw []byte) bool { return bytes.Contains(raw, []byte(`"CreateKey"`)) }
	inputs := map[string]string{
		"lines":   "{\"eventName\":\"CreateKey\",\"n\":1}\n{\"eventName\":\"Decrypt\",\"n\":2}\n{\"eventName\":\"CreateKey\",\"n\":3}\n",
		"records": `{"Records":[{"eventName":"Decrypt","n":1},{"eventName":"CreateKey","n":2}]}`,
	}
	want := map[string][]string{
		"lines":   {`{"eventName":"CreateKey","n":1}`, `{"eventName":"CreateKey","n":3}`},
		"records": {`{"eventName":"CreateKey","n":2}`},
	}
	for name, in := range inputs {
		var got []string
		_, err := Read(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader(in), Keep: keep}, func(b []Event) error {
			for _, e := range b {
				got = append(got, string(e.Raw))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Join(got, "\n") != strings.Join(want[name], "\n") {
			t.Errorf("%s: got %q, want %q", name, got, want[name])
		}
	}
}
