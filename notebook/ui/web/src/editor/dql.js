// dql.js is the DQL language for CodeMirror: a stream tokenizer (spec/dql.md §2) that
// tells commands, functions, parameter names, fields, strings, numbers, durations
// and comments apart, for highlighting and bracket matching.
import { StreamLanguage } from '@codemirror/language';

/** COMMANDS are the DQL commands trailbook runs (spec/dql.md §6–9). */
export const COMMANDS = new Set([
  'fetch', 'data', 'filter', 'filterOut', 'search', 'fields', 'fieldsAdd', 'fieldsKeep', 'fieldsRemove',
  'fieldsRename', 'fieldsFlatten', 'parse', 'sort', 'limit', 'dedup', 'expand', 'append', 'join', 'joinNested', 'lookup',
  'fieldsSummary', 'summarize', 'makeTimeseries',
]);

const KEYWORDS = new Set(['and', 'or', 'xor', 'not', 'in', 'asc', 'desc']);
const ATOMS = new Set(['true', 'false', 'null']);
const DURATION = /^\d+(?:ns|us|ms|mins?|minutes?|secs?|seconds?|hrs?|hours?|days?|[smhdwMqy])(?![A-Za-z0-9_])/;
const NUMBER = /^(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE]-?\d+)?)/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;

function tokenString(stream, state) {
  let escaped = false;
  let ch;
  while ((ch = stream.next()) != null) {
    if (ch === '"' && !escaped) {
      state.inString = false;
      return 'string';
    }
    escaped = !escaped && ch === '\\';
  }
  return 'string'; // a string may not span lines; the parser reports it
}

function tokenRawString(stream, state) {
  // """…""" ends at the last three quotes of the first run of three or more.
  while (!stream.eol()) {
    if (stream.match(/^"{3,}/)) {
      state.inRaw = false;
      return 'string';
    }
    stream.next();
  }
  return 'string';
}

function tokenComment(stream, state) {
  if (stream.skipTo('*/')) {
    stream.match('*/');
    state.inComment = false;
  } else {
    stream.skipToEnd();
  }
  return 'comment';
}

const dqlParser = {
  name: 'dql',
  startState: () => ({ inString: false, inRaw: false, inComment: false, expectCommand: true }),
  token(stream, state) {
    if (state.inComment) return tokenComment(stream, state);
    if (state.inRaw) return tokenRawString(stream, state);
    if (state.inString) return tokenString(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.inComment = true;
      return tokenComment(stream, state);
    }
    if (stream.match('"""')) {
      state.inRaw = true;
      return tokenRawString(stream, state);
    }
    if (stream.eat('"')) {
      state.inString = true;
      return tokenString(stream, state);
    }
    if (stream.eat('`')) {
      let escaped = false;
      let ch;
      while ((ch = stream.next()) != null) {
        if (ch === '`' && !escaped) break;
        escaped = !escaped && ch === '\\';
      }
      state.expectCommand = false;
      return 'variableName.special';
    }
    if (stream.eat('|')) {
      state.expectCommand = true;
      return 'operator';
    }
    if (stream.match(DURATION)) return 'unit';
    if (stream.match(NUMBER)) return 'number';
    if (stream.match('@')) {
      stream.match(/^\d*[a-zA-Z]+\d?/);
      return 'unit';
    }
    const id = stream.match(IDENT);
    if (id) {
      const word = id[0];
      const wasCommand = state.expectCommand;
      state.expectCommand = false;
      if (wasCommand && COMMANDS.has(word)) return 'keyword';
      const lower = word.toLowerCase();
      if (ATOMS.has(lower)) return 'atom';
      if (KEYWORDS.has(lower)) return 'operatorKeyword';
      if (stream.match(/^\s*\(/, false)) return 'variableName.function';
      if (stream.match(/^\s*:(?!=)/, false)) return 'propertyName';
      return 'variableName';
    }
    const ch = stream.next();
    if ('[](){}'.includes(ch)) return 'bracket';
    if (ch === ',' || ch === ':') return 'punctuation';
    return 'operator';
  },
  languageData: {
    commentTokens: { line: '//', block: { open: '/*', close: '*/' } },
    closeBrackets: { brackets: ['(', '[', '{', '"', '`'] },
  },
};

/** dql is the CodeMirror language of DQL cells. */
export const dql = StreamLanguage.define(dqlParser);
