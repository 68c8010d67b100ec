package table

import (
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestHTMLEscapes(t *testing.T) {
	r := value.NewRecord(2)
	r.Append("user<script>", value.String(`<img src=x onerror=alert(1)>"&'`))
	r.Append("n", value.Long(3))
	got := HTML([]string{"user<script>", "n", "absent"}, []*value.Record{r}, 2500)
	want := `<table class="trailbook-table"><thead><tr><th>user&lt;script&gt;</th><th>n</th><th>absent</th></tr></thead>
<tbody>
<tr><td>&lt;img src=x onerror=alert(1)&gt;&#34;&amp;&#39;</td><td>3</td><td></td></tr>
</tbody></table>
<p class="trailbook-count">showing 1 of 2,500 records</p>
`
	if got != want {
		t.Fatalf("HTML:\n%s\nwant:\n%s", got, want)
	}
}

func TestCountLine(t *testing.T) {
	f := func(shown, total int, want string) {
		t.Helper()
		if got := CountLine(shown, total); got != want {
			t.Fatalf("CountLine(%d, %d) = %q, want %q", shown, total, got, want)
		}
	}
	f(1, 1, "1 record")
	f(0, 0, "0 records")
	f(1000, 1000, "1,000 records")
	f(100, 1234567, "showing 100 of 1,234,567 records")
}
