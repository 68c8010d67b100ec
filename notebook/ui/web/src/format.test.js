// Unit tests of value formatting: run with `npm test` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellText, compact, compareValues, formatDuration, parseTimestamp } from './format.js';
import { validEnd } from './timeframe.js';
import { codePoints, utf16Offset } from './editor/offsets.js';

test('parseTimestamp', () => {
  assert.equal(parseTimestamp('2024-03-01T10:00:00.123456789Z').toISOString(), '2024-03-01T10:00:00.123Z');
  assert.equal(parseTimestamp('2024-03-01T10:00:00Z').toISOString(), '2024-03-01T10:00:00.000Z');
  assert.equal(parseTimestamp('yesterday'), null);
  assert.equal(parseTimestamp(12), null);
});

test('cellText', () => {
  const ts = cellText('2024-03-01T10:00:00.000000000Z', 'timestamp');
  assert.equal(ts.kind, 'time');
  assert.equal(ts.title, '2024-03-01 10:00:00.000000000 UTC');
  assert.equal(cellText(null, 'string').text, 'null');
  assert.equal(cellText('<b>x</b>', 'string').text, '<b>x</b>');
  assert.equal(cellText(1500000000, 'duration').text, '1.5 s');
  assert.equal(cellText({ a: 1 }, 'record').kind, 'nested');
});

test('compact', () => {
  assert.equal(compact({ a: 1, b: { c: 'x' }, d: [1, 2] }), '{a: 1, b: {c: "x"}, d: [1, 2]}');
  assert.equal(compact({ a: { b: { c: { d: 1 } } } }), '{a: {b: {c: {…}}}}');
  assert.match(compact(Array.from({ length: 20 }, (_, i) => i)), /…8 more]$/);
});

test('formatDuration', () => {
  assert.equal(formatDuration(500), '500 ns');
  assert.equal(formatDuration(2500000), '2.5 ms');
  assert.equal(formatDuration(90e9), '1 min 30 s');
});

test('compareValues', () => {
  const xs = [3, null, 1, 2];
  xs.sort(compareValues);
  assert.deepEqual(xs, [1, 2, 3, null]);
  assert.ok(compareValues('a', 'b') < 0);
});

test('validEnd', () => {
  for (const ok of ['now', '-2h', '-30m', '-7d', 'now-1h', '2024-03-01', '2024-03-01T10:00:00Z', '2024-03-01T10:00:00.5+02:00']) {
    assert.ok(validEnd(ok), ok);
  }
  for (const bad of ['', 'yesterday', '2h ago', '-2x']) assert.ok(!validEnd(bad), bad);
});

test('offsets', () => {
  const s = 'a🙂b';
  assert.equal(codePoints(s, 3), 2);
  assert.equal(codePoints(s, 4), 3);
  assert.equal(utf16Offset(s, 2), 3);
  assert.equal(utf16Offset(s, 3), 4);
});
