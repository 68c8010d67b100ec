// Unit tests of DQL quoting: run with `npm test` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendLine, filterLine, literal, pathExpr, quoteName, quoteString, usesTimeframe } from './quote.js';

test('quoteName', () => {
  const f = (name, want) => assert.equal(quoteName(name), want, `quoteName(${JSON.stringify(name)})`);
  f('eventName', 'eventName');
  f('aws.region', 'aws.region');
  f('_x1', '_x1');
  f('count()', '`count()`');
  f('user name', '`user name`');
  f('1st', '`1st`');
  f('a..b', '`a..b`');
  f('in', '`in`');
  f('NULL', '`NULL`');
  f('back`tick\\', '`back\\`tick\\\\`');
  f('', '``');
});

test('quoteString', () => {
  const f = (s, want) => assert.equal(quoteString(s), want, `quoteString(${JSON.stringify(s)})`);
  f('plain', '"plain"');
  f('say "hi"', '"say \\"hi\\""');
  f('C:\\temp', '"C:\\\\temp"');
  f('a\nb\tc\r', '"a\\nb\\tc\\r"');
  f('\u0001', '"\\u0001"');
  f('<img src=x onerror=alert(1)>', '"<img src=x onerror=alert(1)>"');
  f('ünïcödé 🙂', '"ünïcödé 🙂"');
});

test('pathExpr', () => {
  assert.equal(pathExpr(['event', 'userIdentity', 'arn']), 'event[userIdentity][arn]');
  assert.equal(pathExpr(['event', 'resources', 0, 'ARN']), 'event[resources][0][ARN]');
  assert.equal(pathExpr(['event', 'requestParameters', 'x-amz-acl']), 'event[requestParameters][`x-amz-acl`]');
  assert.equal(pathExpr(['event', 'a', '0']), 'event[a][`0`]');
  assert.equal(pathExpr(['count()']), '`count()`');
  assert.equal(pathExpr(['dt.system.bucket']), 'dt.system.bucket');
});

test('literal', () => {
  assert.equal(literal('x', 'string'), '"x"');
  assert.equal(literal(3, 'long'), '3');
  assert.equal(literal(-3, 'long'), '-3');
  assert.equal(literal(2, 'double'), '2.0');
  assert.equal(literal(2.5, undefined), '2.5');
  assert.equal(literal(true), 'true');
  assert.equal(literal('2024-03-01T10:00:00.000000000Z', 'timestamp'), 'toTimestamp("2024-03-01T10:00:00.000000000Z")');
  assert.equal(literal('192.0.2.1', 'ip'), 'toIp("192.0.2.1")');
  assert.equal(literal(1500000000, 'duration'), 'toDuration(1500000000)');
  assert.equal(literal({ a: 1 }), null);
  assert.equal(literal([1]), null);
  assert.equal(literal(NaN), null);
});

test('filterLine', () => {
  assert.equal(filterLine(['event', 'eventName'], 'ConsoleLogin', undefined, false), '| filter event[eventName] == "ConsoleLogin"');
  assert.equal(filterLine(['event', 'userAgent'], 'a "b" \\c', undefined, true), '| filterOut event[userAgent] == "a \\"b\\" \\\\c"');
  assert.equal(filterLine(['reason'], null, 'string', false), '| filter isNull(reason)');
  assert.equal(filterLine(['reason'], null, 'string', true), '| filterOut isNull(reason)');
  assert.equal(filterLine(['event', 'userIdentity'], { a: 1 }, undefined, false), null);
});

test('appendLine', () => {
  assert.equal(appendLine('fetch logs\n| limit 3\n\n', '| filter a == 1'), 'fetch logs\n| limit 3\n| filter a == 1');
  assert.equal(appendLine('fetch logs // all', '| filter a == 1'), 'fetch logs // all\n| filter a == 1');
  assert.equal(appendLine('', '| filter a == 1'), '| filter a == 1');
});

test('usesTimeframe', () => {
  assert.equal(usesTimeframe('fetch logs | limit 3'), true);
  assert.equal(usesTimeframe('fetch logs, from: -30min\n| limit 3'), false);
  assert.equal(usesTimeframe('fetch logs, timeframe: "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z"'), false);
  assert.equal(usesTimeframe('fetch logs, from: -1h | join [fetch logs], on: {a}'), true);
  assert.equal(usesTimeframe('data record(a = 1)'), false);
  assert.equal(usesTimeframe('%%js\nquery("fetch logs")'), true);
  assert.equal(usesTimeframe('%%md\n# fetch logs'), false);
});
