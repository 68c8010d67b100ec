// The prelude runs once in every new runtime, before any cell, while the built-ins
// are still pristine. It hardens the global environment and defines the typed
// wrappers (Timestamp, Duration, Timeframe, IP, Markdown, Double) and the script API
// objects (console, md, dql). It is a function expression: runtime.go calls it with
// the Go natives and the limits and reads the prototypes it returns. Nothing here is
// reachable by name from scripts except what it puts on globalThis.
//
// Everything a wrapper or an API function needs is captured in closure variables
// below, so a cell that later replaces Reflect.apply, Object.defineProperty or
// Array.prototype.map cannot change how the API behaves.
(function (go, maxArray, maxString, maxFlatDepth) {
	"use strict";
	const G = globalThis;
	const { apply, construct, defineProperty, getPrototypeOf } = Reflect;
	const { freeze, create } = Object;
	const NativeArray = Array;
	const isArray = NativeArray.isArray;
	const RangeErr = RangeError, TypeErr = TypeError;
	const BigIntFn = BigInt, NumberFn = Number, StringFn = String, DateCtor = Date;
	const isSafeInteger = Number.isSafeInteger;
	const floor = Math.floor, round = Math.round;
	const toPrimitive = Symbol.toPrimitive, species = Symbol.species;
	const dateGetTime = DateCtor.prototype.getTime;
	const jsonParse = JSON.parse;

	// limit stops the script with an uncatchable "Limit" error: go.limit interrupts
	// the runtime, so the throw below is reached only if that ever fails.
	function limit(msg) {
		go.limit(msg);
		throw new RangeErr(msg);
	}
	function checkLength(o) {
		if (o === null || o === undefined) return;
		const n = o.length;
		if (n > maxArray) limit("memory limit: an array of " + n + " elements is over the limit of " + maxArray);
	}
	function hide(obj, name, value) {
		defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
	}
	function named(name, length, fn) {
		defineProperty(fn, "name", { value: name });
		defineProperty(fn, "length", { value: length });
		return fn;
	}

	// --- No code from strings: Function, eval and the constructors of the other
	// function kinds throw. `this.constructor.constructor` leads here.
	const noCode = named("Function", 1, function () {
		throw new TypeErr("code generation from strings is disabled in trailbook scripts");
	});
	const FunctionProto = getPrototypeOf(function () {});
	noCode.prototype = FunctionProto; // keeps `f instanceof Function` working
	for (const p of [FunctionProto, getPrototypeOf(async function () {}),
		getPrototypeOf(function* () {})]) { // goja has no async generators
		defineProperty(p, "constructor", { value: noCode, writable: false, configurable: false, enumerable: false });
	}
	defineProperty(G, "Function", { value: noCode, writable: false, configurable: false, enumerable: false });
	defineProperty(G, "eval", { value: named("eval", 1, noCode.bind(undefined)), writable: false, configurable: false, enumerable: false });

	// --- No binary buffers: a typed array allocates its whole length in one native
	// call that no interrupt can stop.
	for (const name of ["ArrayBuffer", "SharedArrayBuffer", "DataView", "Int8Array", "Uint8Array",
		"Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
		"Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"]) {
		delete G[name];
	}

	// --- Array lengths. Built-ins run as native code, which the watchdog cannot
	// interrupt, and many of them loop over or allocate `length` elements: check the
	// length before handing over. Array itself is replaced by a checking function
	// (a Proxy would break instanceof in goja) that shares Array.prototype.
	const ArrayFn = named("Array", 1, function Array(...args) {
		if (args.length === 1 && typeof args[0] === "number") checkLength({ __proto__: null, length: args[0] });
		return construct(NativeArray, args, new.target === undefined || new.target === ArrayFn ? NativeArray : new.target);
	});
	defineProperty(ArrayFn, "prototype", { value: NativeArray.prototype, writable: false, configurable: false, enumerable: false });
	for (const name of ["isArray", "of"]) hide(ArrayFn, name, NativeArray[name]);
	const nativeFrom = NativeArray.from;
	hide(ArrayFn, "from", named("from", 1, function from(items) {
		checkLength(items);
		return apply(nativeFrom, NativeArray, arguments);
	}));
	defineProperty(ArrayFn, species, { get: named("get [Symbol.species]", 0, function () { return this; }), configurable: true });
	hide(NativeArray.prototype, "constructor", ArrayFn);
	hide(G, "Array", ArrayFn);

	const AP = NativeArray.prototype;
	for (const name of ["concat", "copyWithin", "every", "fill", "filter", "find", "findIndex",
		"findLast", "findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf", "join",
		"lastIndexOf", "map", "reduce", "reduceRight", "reverse", "shift", "slice", "some", "sort",
		"splice", "toLocaleString", "toReversed", "toSorted", "toSpliced", "toString", "unshift", "with"]) {
		const native = AP[name];
		if (typeof native !== "function") continue;
		let w;
		if (name === "concat") {
			w = function (...args) {
				checkLength(this);
				let n = this.length;
				for (let i = 0; i < args.length; i++) {
					const a = args[i];
					if (isArray(a)) { checkLength(a); n += a.length; }
				}
				checkLength({ __proto__: null, length: n });
				return apply(native, this, args);
			};
		} else if (name === "flat") {
			w = function (depth) {
				checkLength(this);
				// Flattening recurses in Go; keep the depth far from its stack limit.
				const d = depth === undefined ? 1 : NumberFn(depth);
				return apply(native, this, [d > maxFlatDepth ? maxFlatDepth : d]);
			};
		} else {
			w = function (...args) {
				checkLength(this);
				return apply(native, this, args);
			};
		}
		hide(AP, name, named(name, native.length, w));
	}

	const FP = FunctionProto, nativeApply = FP.apply;
	hide(FP, "apply", named("apply", 2, function (thisArg, args) {
		if (args !== null && args !== undefined) checkLength(args);
		return apply(nativeApply, this, [thisArg, args]);
	}));
	hide(Reflect, "apply", named("apply", 3, function (f, thisArg, args) {
		checkLength(args);
		return apply(f, thisArg, args);
	}));
	hide(Reflect, "construct", named("construct", 2, function (f, args) {
		checkLength(args);
		return apply(construct, undefined, arguments);
	}));

	// --- String sizes: these allocate their whole result in one native call.
	const SP = StringFn.prototype;
	const checkString = (n) => {
		if (n > maxString) limit("memory limit: a string of " + n + " characters is over the limit of " + maxString);
	};
	const nativeRepeat = SP.repeat, nativePadStart = SP.padStart, nativePadEnd = SP.padEnd;
	hide(SP, "repeat", named("repeat", 1, function (count) {
		const n = NumberFn(count);
		if (n > 0) checkString(StringFn(this).length * n);
		return apply(nativeRepeat, this, [count]);
	}));
	hide(SP, "padStart", named("padStart", 2, function (n, fill) {
		checkString(NumberFn(n));
		return apply(nativePadStart, this, [n, fill]);
	}));
	hide(SP, "padEnd", named("padEnd", 2, function (n, fill) {
		checkString(NumberFn(n));
		return apply(nativePadEnd, this, [n, fill]);
	}));
	// JSON.parse recurses in Go once per nesting level: refuse deep nesting before
	// it can exhaust the goroutine stack.
	hide(JSON, "parse", named("parse", 2, function (text, reviver) {
		const s = StringFn(text);
		go.checkJSON(s);
		return apply(jsonParse, JSON, [s, reviver]);
	}));
	// BigInts (longs beyond 2^53) print as decimal strings in JSON.stringify instead
	// of throwing.
	hide(BigIntFn.prototype, "toJSON", named("toJSON", 0, function () { return StringFn(this); }));

	// --- Typed wrappers. Instances are made by Go (convert.go) or by the dql
	// factories below, with own non-writable internal fields; Go recognizes them
	// by prototype identity and reads only own fields.
	const NS_PER_MS = 1000000, NS_PER_MS_N = 1000000n;
	// mk makes a wrapper with one or two own read-only fields. The descriptors have
	// no prototype, so that a polluted Object.prototype.get cannot turn them into
	// accessors; no for…in, which would see polluted keys.
	function mk(proto, k1, v1, k2, v2, enumerable) {
		const o = create(proto);
		defineProperty(o, k1, { __proto__: null, value: v1, enumerable: enumerable === true });
		if (k2 !== undefined) defineProperty(o, k2, { __proto__: null, value: v2, enumerable: enumerable === true });
		return o;
	}
	function splitNs(ns) { // BigInt ns → [floor ms, ns remainder]
		let ms = ns / NS_PER_MS_N, rem = ns % NS_PER_MS_N;
		if (rem < 0n) { ms -= 1n; rem += NS_PER_MS_N; }
		return [NumberFn(ms), NumberFn(rem)];
	}
	function fromMs(x) { // a JS number of milliseconds, possibly fractional
		const ms = floor(x);
		let rem = round((x - ms) * NS_PER_MS);
		if (rem >= NS_PER_MS) return [ms + 1, 0];
		return [ms, rem];
	}
	function nsOf(o) { return BigIntFn(o._ms) * NS_PER_MS_N + BigIntFn(o._ns); }
	function cmp(a, b) {
		return a._ms < b._ms ? -1 : a._ms > b._ms ? 1 : a._ns < b._ns ? -1 : a._ns > b._ns ? 1 : 0;
	}

	const tsProto = create(Object.prototype), durProto = create(Object.prototype);
	const tfProto = create(Object.prototype), ipProto = create(Object.prototype);
	const mdProto = create(Object.prototype), dblProto = create(Object.prototype);
	// Parts are [ms, ns] pairs; they are read by index, never spread: a cell may
	// have replaced Array.prototype[Symbol.iterator].
	const newTs = (p) => { go.checkTimestamp(p[0], p[1]); return mk(tsProto, "_ms", p[0], "_ns", p[1]); };
	const newDur = (p) => { go.checkTimestamp(p[0], p[1]); return mk(durProto, "_ms", p[0], "_ns", p[1]); };
	const isTs = (x) => x !== null && typeof x === "object" && getPrototypeOf(x) === tsProto;
	const isDur = (x) => x !== null && typeof x === "object" && getPrototypeOf(x) === durProto;

	function timestamp(x) {
		if (isTs(x)) return x;
		switch (typeof x) {
		case "bigint": return newTs(splitNs(x));
		case "number":
			if (!NumberFn.isFinite(x)) throw new RangeErr("invalid timestamp: " + x);
			return newTs(fromMs(x));
		case "string": return newTs(go.parseTimestamp(x));
		case "object":
			if (x instanceof DateCtor) {
				const ms = apply(dateGetTime, x, []);
				if (ms !== ms) throw new RangeErr("invalid timestamp: Invalid Date");
				return newTs([ms, 0]);
			}
		}
		throw new TypeErr("dql.timestamp: cannot make a timestamp of " + go.inspect(x));
	}
	function duration(x) {
		if (isDur(x)) return x;
		switch (typeof x) {
		case "bigint": return newDur(splitNs(x));
		case "number":
			if (!NumberFn.isFinite(x)) throw new RangeErr("invalid duration: " + x);
			return newDur(fromMs(x));
		case "string": return newDur(go.parseDuration(x));
		}
		throw new TypeErr("dql.duration: cannot make a duration of " + go.inspect(x));
	}
	function timeframe(start, end) {
		if (end === undefined && start !== null && typeof start === "object" && getPrototypeOf(start) === tfProto) return start;
		const s = timestamp(start), e = timestamp(end);
		return mk(tfProto, "start", s, "end", e, true);
	}
	function ip(x) {
		if (x !== null && typeof x === "object" && getPrototypeOf(x) === ipProto) return x;
		return mk(ipProto, "address", go.parseIP(StringFn(x)));
	}

	function defineMethods(proto, methods) {
		for (const name of Reflect.ownKeys(methods)) {
			const d = Reflect.getOwnPropertyDescriptor(methods, name);
			d.enumerable = false;
			defineProperty(proto, name, d);
		}
	}
	defineMethods(tsProto, {
		get ms() { return this._ms; },
		get ns() { return nsOf(this); },
		toDate() { return new DateCtor(this._ms); },
		toISOString() { return go.formatTimestamp(this._ms, this._ns); },
		toString() { return go.formatTimestamp(this._ms, this._ns); },
		toJSON() { return go.formatTimestamp(this._ms, this._ns); },
		valueOf() { return this._ms; },
		[toPrimitive](hint) { return hint === "number" ? this._ms : go.formatTimestamp(this._ms, this._ns); },
		add(d) { return newTs(splitNs(nsOf(this) + nsOf(duration(d)))); },
		sub(x) {
			if (isTs(x)) return newDur(splitNs(nsOf(this) - nsOf(x)));
			return newTs(splitNs(nsOf(this) - nsOf(duration(x))));
		},
		bin(d) {
			const ns = nsOf(this), w = nsOf(duration(d));
			if (w <= 0n) throw new RangeErr("bin: the interval must be positive");
			let q = ns / w;
			if (ns % w < 0n) q -= 1n;
			return newTs(splitNs(q * w));
		},
		compare(other) { return cmp(this, timestamp(other)); },
		equals(other) { return isTs(other) && cmp(this, other) === 0; },
	});
	defineMethods(durProto, {
		get ms() { return this._ms + this._ns / NS_PER_MS; },
		get ns() { return nsOf(this); },
		toString() { return go.formatDuration(this._ms, this._ns); },
		toJSON() { return go.formatDuration(this._ms, this._ns); },
		valueOf() { return this._ms + this._ns / NS_PER_MS; },
		[toPrimitive](hint) { return hint === "string" ? go.formatDuration(this._ms, this._ns) : this._ms + this._ns / NS_PER_MS; },
		add(d) { return newDur(splitNs(nsOf(this) + nsOf(duration(d)))); },
		sub(d) { return newDur(splitNs(nsOf(this) - nsOf(duration(d)))); },
		compare(other) { return cmp(this, duration(other)); },
		equals(other) { return isDur(other) && cmp(this, other) === 0; },
	});
	defineMethods(tfProto, {
		get duration() { return this.end.sub(this.start); },
		contains(t) { const x = timestamp(t); return cmp(this.start, x) <= 0 && cmp(x, this.end) < 0; },
		toString() { return StringFn(this.start) + "/" + StringFn(this.end); },
		toJSON() { return { start: this.start.toJSON(), end: this.end.toJSON() }; },
	});
	defineMethods(ipProto, {
		toString() { return this.address; },
		toJSON() { return this.address; },
		valueOf() { return this.address; },
		[toPrimitive]() { return this.address; },
		in(...ranges) { return go.ipIn(this.address, ranges); },
	});
	defineMethods(mdProto, {
		toString() { return this.text; },
		toJSON() { return this.text; },
	});
	defineMethods(dblProto, {
		valueOf() { return this.value; },
		toString() { return StringFn(this.value); },
		toJSON() { return this.value; },
	});

	// --- md`…`: Markdown output. Interpolated values are escaped, so that log
	// fields show literally; interpolate another md`…` (or an array of them) to
	// insert Markdown.
	function mdPart(v) {
		if (v !== null && typeof v === "object") {
			if (getPrototypeOf(v) === mdProto) return v.text;
			if (isArray(v)) {
				let s = "";
				for (let i = 0; i < v.length; i++) s += mdPart(v[i]);
				return s;
			}
		}
		return go.mdEscape(typeof v === "string" ? v : go.inspect(v));
	}
	const md = named("md", 1, function md(strings, ...values) {
		if (isArray(strings) && isArray(strings.raw)) {
			const raw = strings.raw;
			let s = raw[0];
			for (let i = 0; i < values.length; i++) s += mdPart(values[i]) + raw[i + 1];
			return mk(mdProto, "text", s);
		}
		if (strings !== null && typeof strings === "object" && getPrototypeOf(strings) === mdProto) return strings;
		return mk(mdProto, "text", StringFn(strings));
	});
	hide(md, "escape", named("escape", 1, (s) => go.mdEscape(StringFn(s))));
	md.prototype = mdProto;
	hide(mdProto, "constructor", md);

	// --- console: log, info and debug go to stdout; warn and error to stderr.
	const out = (stream) => function (...args) { go.print(stream, args); };
	const console = freeze(create(Object.prototype, {
		log: { value: named("log", 0, out("stdout")), enumerable: true },
		info: { value: named("info", 0, out("stdout")), enumerable: true },
		debug: { value: named("debug", 0, out("stdout")), enumerable: true },
		warn: { value: named("warn", 0, out("stderr")), enumerable: true },
		error: { value: named("error", 0, out("stderr")), enumerable: true },
	}));

	// --- dql: constructors and helpers for DQL values.
	const factories = { timestamp, duration, timeframe, ip };
	const protos = { timestamp: tsProto, duration: durProto, timeframe: tfProto, ip: ipProto };
	for (const k in factories) {
		named(k, k === "timeframe" ? 2 : 1, factories[k]);
		factories[k].prototype = protos[k]; // `x instanceof dql.timestamp`
		hide(protos[k], "constructor", factories[k]);
	}
	const dql = freeze(create(Object.prototype, {
		timestamp: { value: timestamp, enumerable: true },
		duration: { value: duration, enumerable: true },
		timeframe: { value: timeframe, enumerable: true },
		ip: { value: ip, enumerable: true },
		now: { value: named("now", 0, () => newTs(go.now())), enumerable: true },
		long: { value: named("long", 1, (x) => go.long(x)), enumerable: true },
		double: { value: named("double", 1, (x) => mk(dblProto, "value", NumberFn(x))), enumerable: true },
		type: { value: named("type", 1, (x) => go.typeOf(x)), enumerable: true },
		format: { value: named("format", 1, (x) => go.format(x)), enumerable: true },
		ipIn: { value: named("ipIn", 2, (needle, ...ranges) => go.ipIn(needle, ranges)), enumerable: true },
	}));

	// --- query, result, prev and _ (results is Go's, see api.go).
	const query = named("query", 1, function query(dql) { return go.query(StringFn(dql)); });
	const result = named("result", 1, function result(name) { return go.result(StringFn(name)); });
	// prev and _ are accessors, redefined before every cell; assigning one makes it
	// a plain variable until the next cell.
	const prevGet = named("get prev", 0, function () { return go.prev(); });
	const setPrev = named("set prev", 1, function (v) {
		defineProperty(G, "prev", { __proto__: null, value: v, writable: true, configurable: true });
	});
	const setUnderscore = named("set _", 1, function (v) {
		defineProperty(G, "_", { __proto__: null, value: v, writable: true, configurable: true });
	});
	function resetPrev() {
		defineProperty(G, "prev", { __proto__: null, get: prevGet, set: setPrev, configurable: true });
		defineProperty(G, "_", { __proto__: null, get: prevGet, set: setUnderscore, configurable: true });
	}
	resetPrev();

	for (const p of [tsProto, durProto, tfProto, ipProto, mdProto, dblProto]) freeze(p);
	for (const f of [timestamp, duration, timeframe, ip, md, noCode, ArrayFn, query, result]) freeze(f);
	const api = { console, md, dql, query, result };
	for (const k in api) {
		defineProperty(G, k, { value: api[k], writable: false, configurable: false, enumerable: false });
	}
	return { tsProto, durProto, tfProto, ipProto, mdProto, dblProto, resetPrev };
})
