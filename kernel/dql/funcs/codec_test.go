package funcs

import "testing"

func TestCodec(t *testing.T) {
	f := check(t)
	fe := checkErr(t)

	f(S(`say \"hi\"\n\tit\'s \\ \u0001`), "escape", S("say \"hi\"\n\tit's \\ \x01"))
	f(S("say \"hi\"\n\tit's \\ \x01"), "unescape", S(`say \"hi\"\n\tit\'s \\ \u0001`))
	f(S("😀"), "unescape", S(`\ud83d\ude00`))
	f(S(`\q \x4 \u12`), "unescape", S(`\q \x4 \u12`))
	f(S(`end\`), "unescape", S(`end\`))
	f(S("é"), "unescape", S(`\u00e9`))

	f(S("a & b <c> ' é"), "unescapeHtml", S("a &amp; b &lt;c&gt; &#39; &eacute;"))

	f(S("a%20b%2Bc%C3%A9~"), "encodeUrl", S("a b+c\u00e9~"))
	f(S("a b+cé"), "decodeUrl", S("a+b%2Bc%C3%A9"))
	f(null, "decodeUrl", S("100%"))
	f(null, "decodeUrl", S("%zz"))

	doc := S(`{"a": 1, "b": {"c": [10, {"d": "x"}]}, "e.f": true, "n": null}`)
	f(L(1), "jsonField", doc, S("a"))
	f(B(true), "jsonField", doc, S("e.f"))
	f(null, "jsonField", doc, S("n"))
	f(null, "jsonField", doc, S("zz"))
	f(A(L(10), R("d", S("x"))), "jsonPath", doc, S("$.b.c"))
	f(S("x"), "jsonPath", doc, S("$.b.c[1].d"))
	f(S("x"), "jsonPath", doc, S("$['b'][\"c\"][1]['d']"))
	f(B(true), "jsonPath", doc, S("$['e.f']"))
	f(null, "jsonPath", doc, S("$.b.c[5]"))
	f(L(1), "jsonPath", S(" [1, 2]"), S("$[0]"))
	f(null, "jsonField", S(" [1, 2]"), S("a"))
	f(R("a", L(1)), "jsonPath", S(`{"a": 1}`), S("$"))
	f(D(1.5), "jsonField", S(`  {"x": 1.5} trailing`), S("x"))
	f(null, "jsonField", S(`{"x": 1.5`), S("x"))
	f(null, "jsonField", S(`{"x": oops}`), S("x"))
	f(S("}"), "jsonField", S(`log: {"x": "}"} {"y": 1}`), S("x"), N("seek", B(true)))
	fe("unsupported JSONPath", "jsonPath", doc, S("$..a"))
	fe("unsupported JSONPath", "jsonPath", doc, S("a.b"))
}
