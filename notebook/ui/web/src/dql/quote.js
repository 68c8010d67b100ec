// quote.js writes DQL text from values the user picked: field paths and literals
// for the `| filter …` and `| filterOut …` lines that record details append to a
// cell. It mirrors kernel/dql/syntax's QuoteName and QuoteString (spec/dql.md §2).

const KEYWORDS = new Set(['and', 'or', 'xor', 'not', 'in', 'true', 'false', 'null']);
const PLAIN_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * quoteName writes a field name: as is when it is a plain or dotted name, else in
 * backticks with ` and \ escaped.
 *
 *   quoteName('aws.region') → aws.region
 *   quoteName('count()')    → `count()`
 */
export function quoteName(name) {
  const plain = name !== '' && name.split('.').every((p) => PLAIN_PART.test(p)) && !KEYWORDS.has(name.toLowerCase());
  return plain ? name : '`' + name.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

/**
 * quoteString writes a DQL string literal: double quotes, with \" and \\ escaped and
 * control characters as \n, \r, \t or \u00XX.
 *
 *   quoteString('say "hi"') → "say \"hi\""
 */
export function quoteString(s) {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: {
        const c = ch.codePointAt(0);
        out += c < 0x20 ? '\\u00' + c.toString(16).padStart(2, '0') : ch;
      }
    }
  }
  return out + '"';
}

/**
 * pathExpr writes the expression that reads a value of a record: the top-level
 * field, then one [key] per record member and [i] per array element.
 *
 *   pathExpr(['event', 'userIdentity', 'arn']) → event[userIdentity][arn]
 *   pathExpr(['event', 'resources', 0, 'ARN']) → event[resources][0][ARN]
 */
export function pathExpr(path) {
  let out = quoteName(String(path[0]));
  for (const k of path.slice(1)) out += typeof k === 'number' ? `[${k}]` : `[${quoteName(k)}]`;
  return out;
}

/**
 * literal writes a value as DQL, given its DQL type when known (the column type of
 * a top-level field; nested values are JSON types). It returns null for values no
 * literal can match (records, arrays, timeframes, NaN).
 */
export function literal(v, type) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'number': {
      if (!Number.isFinite(v)) return null;
      if (type === 'duration') return `toDuration(${Math.trunc(v)})`;
      if (type === 'timestamp') return `toTimestamp(${Math.trunc(v)})`;
      const s = String(v);
      return type === 'double' && /^-?\d+$/.test(s) ? s + '.0' : s;
    }
    case 'string':
      if (type === 'timestamp') return `toTimestamp(${quoteString(v)})`;
      if (type === 'ip') return `toIp(${quoteString(v)})`;
      if (type === 'double' && /^(NaN|-?Infinity)$/.test(v)) return null;
      return quoteString(v);
  }
  return null;
}

/**
 * filterLine returns the pipeline line that keeps (or, with exclude, drops) the
 * records whose path holds v, or null when v cannot be matched by a literal.
 *
 *   filterLine(['event', 'eventName'], 'ConsoleLogin', 'string', false)
 *     → | filter event[eventName] == "ConsoleLogin"
 *   filterLine(['reason'], null, 'string', true) → | filterOut isNull(reason)
 */
export function filterLine(path, v, type, exclude) {
  const cmd = exclude ? 'filterOut' : 'filter';
  const x = pathExpr(path);
  if (v === null || v === undefined) return `| ${cmd} isNull(${x})`;
  const lit = literal(v, type);
  return lit === null ? null : `| ${cmd} ${x} == ${lit}`;
}

/**
 * appendLine appends a pipeline line to a query, on a line of its own, before any
 * trailing blank lines.
 */
export function appendLine(source, line) {
  const body = source.replace(/\s+$/, '');
  return body === '' ? line : body + '\n' + line;
}

/**
 * usesTimeframe reports whether a cell depends on the notebook's timeframe: a
 * %%js cell (its queries do), or DQL with a `fetch` that sets neither from: nor
 * timeframe:. It reads the text only, so a comment can fool it; it errs towards
 * true.
 *
 *   usesTimeframe('fetch logs | limit 3')            → true
 *   usesTimeframe('fetch logs, from: -30min | ...')  → false
 */
export function usesTimeframe(source) {
  const text = source.trimStart();
  if (text.startsWith('%%js')) return true;
  if (text.startsWith('%%')) return false;
  const fetches = text.match(/\bfetch\b[^|\]]*/g) || [];
  return fetches.some((f) => !/\b(from|timeframe)\s*:/.test(f));
}
