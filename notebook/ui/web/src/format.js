// format.js turns result values (the typed JSON lines encoding of spec/dql.md §12.3)
// into short display text: timestamps in the viewer's time zone, nested records and
// arrays compactly. It returns strings only; callers insert them as text.

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** parseTimestamp reads an encoded timestamp ("2024-03-01T10:00:00.123456789Z") as a Date, or null. */
export function parseTimestamp(s) {
  const m = typeof s === 'string' && ISO.exec(s);
  if (!m) return null;
  const ms = (m[2] || '').padEnd(3, '0').slice(0, 3);
  const d = new Date(`${m[1]}.${ms}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** localTime writes a Date in the viewer's time zone: 2024-03-01 11:00:00.123. */
export function localTime(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** utcTitle is the hover text of a timestamp: its full UTC form. */
export function utcTitle(s) {
  return `${s.replace('T', ' ').replace(/Z$/, '')} UTC`;
}

/** isTimeframe reports whether v is an encoded timeframe {start, end}. */
function isTimeframe(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 2 &&
    parseTimestamp(v.start) && parseTimestamp(v.end);
}

// Limits of compact text: a table cell shows the start of a long value; details
// show it whole.
const maxCellText = 400;
const maxCompactItems = 12;

/**
 * cellText formats a value for a table cell: {text, title, kind}. kind is a CSS
 * hint (null, string, number, boolean, time, nested). title, when set, is the
 * hover text.
 */
export function cellText(v, type) {
  if (v === null || v === undefined) return { text: 'null', kind: 'null' };
  if (type === 'timestamp' && typeof v === 'string') {
    const d = parseTimestamp(v);
    if (d) return { text: localTime(d), title: utcTitle(v), kind: 'time' };
  }
  if (type === 'duration' && typeof v === 'number') return { text: formatDuration(v), title: `${v} ns`, kind: 'number' };
  if (isTimeframe(v)) {
    return {
      text: `${localTime(parseTimestamp(v.start))} – ${localTime(parseTimestamp(v.end))}`,
      title: `${utcTitle(v.start)} – ${utcTitle(v.end)}`, kind: 'time',
    };
  }
  switch (typeof v) {
    case 'string': return { text: clip(v), title: v.length > maxCellText ? clip(v, 2000) : undefined, kind: 'string' };
    case 'number': return { text: String(v), kind: 'number' };
    case 'boolean': return { text: String(v), kind: 'boolean' };
  }
  return { text: compact(v), kind: 'nested' };
}

function clip(s, n = maxCellText) {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/**
 * compact writes a record or array on one line, abbreviated:
 *
 *   compact({a: 1, b: {c: "x"}, d: [1, 2]}) → {a: 1, b: {c: "x"}, d: [1, 2]}
 */
export function compact(v, depth = 0, budget = { left: maxCellText }) {
  if (budget.left <= 0) return '…';
  let out;
  if (v === null) out = 'null';
  else if (typeof v === 'string') out = JSON.stringify(v.length > 80 ? v.slice(0, 80) + '…' : v);
  else if (typeof v !== 'object') out = String(v);
  else if (depth >= 3) out = Array.isArray(v) ? `[…${v.length}]` : '{…}';
  else if (Array.isArray(v)) {
    const items = v.slice(0, maxCompactItems).map((x) => compact(x, depth + 1, budget));
    if (v.length > maxCompactItems) items.push(`…${v.length - maxCompactItems} more`);
    out = `[${items.join(', ')}]`;
  } else {
    const keys = Object.keys(v);
    const items = keys.slice(0, maxCompactItems).map((k) => `${k}: ${compact(v[k], depth + 1, budget)}`);
    if (keys.length > maxCompactItems) items.push(`…${keys.length - maxCompactItems} more`);
    out = `{${items.join(', ')}}`;
  }
  budget.left -= out.length;
  return out;
}

/** formatDuration writes nanoseconds as a short duration: 1.5 s, 250 ms, 3 h 2 min. */
export function formatDuration(ns) {
  const a = Math.abs(ns);
  const sign = ns < 0 ? '-' : '';
  if (a < 1e3) return `${ns} ns`;
  if (a < 1e6) return `${sign}${+(a / 1e3).toFixed(1)} µs`;
  if (a < 1e9) return `${sign}${+(a / 1e6).toFixed(1)} ms`;
  if (a < 60e9) return `${sign}${+(a / 1e9).toFixed(2)} s`;
  const min = Math.floor(a / 60e9);
  if (min < 60) return `${sign}${min} min ${Math.round((a % 60e9) / 1e9)} s`;
  return `${sign}${Math.floor(min / 60)} h ${min % 60} min`;
}

/** formatElapsed writes milliseconds of run time: 0.42 s, 12.3 s, 2 min 5 s. */
export function formatElapsed(ms) {
  if (ms < 10000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** formatCount writes a count with thousands separators: 12,345. */
export function formatCount(n) {
  return Number(n).toLocaleString('en-US');
}

/**
 * compareValues orders two values of a column for sorting: nulls last, numbers
 * numerically, timestamps and strings as text (encoded timestamps sort as text),
 * others by their compact text.
 */
export function compareValues(a, b) {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'object' ? compact(a) : String(a);
  const sb = typeof b === 'object' ? compact(b) : String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
