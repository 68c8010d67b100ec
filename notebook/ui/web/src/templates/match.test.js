// Unit tests of the gallery's search and checks: run with `npm test` (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackURL, check, isAttack, matches, slug, splitList, validName } from './match.js';

const signin = {
  name: 'console-signin-failures', title: 'Console sign-in failures',
  description: 'Failed console logins, by source IP', tags: ['T1110.003', 'credential-access'],
  events: ['signin.amazonaws.com:ConsoleLogin'],
};

test('matches', () => {
  const f = (q, want) => assert.equal(matches(signin, q), want, `matches(${JSON.stringify(q)})`);
  f('', true);
  f('   ', true);
  f('sign-in', true);
  f('SIGN-IN failures', true);
  f('t1110', true);
  f('T1110.003', true);
  f('ConsoleLogin', true);
  f('signin.amazonaws.com', true);
  f('source ip', true);
  f('sign-in kms', false);
  f('root', false);
  assert.equal(matches({ name: 'x' }, 'x'), true, 'a template without tags or events');
});

test('isAttack and attackURL', () => {
  assert.ok(isAttack('T1110'));
  assert.ok(isAttack('T1110.003'));
  assert.ok(!isAttack('credential-access'));
  assert.ok(!isAttack('T11'));
  assert.ok(!isAttack('T1110.003<script>'));
  assert.equal(attackURL('T1110.003'), 'https://attack.mitre.org/techniques/T1110/003/');
  assert.equal(attackURL('T1078'), 'https://attack.mitre.org/techniques/T1078/');
});

test('check', () => {
  const f = (type, text, want) => assert.equal(check(type, text) === '', want, `check(${type}, ${JSON.stringify(text)})`);
  f('timeframe', '-2h', true);
  f('timeframe', '-7d', true);
  f('timeframe', '-2h..now', true);
  f('timeframe', '2024-03-01T00:00:00Z..2024-03-02T00:00:00Z', true);
  f('timeframe', 'yesterday', false);
  f('timeframe', '', false);
  f('timeframe', '<img src=x>', false);
  f('duration', '15m', true);
  f('duration', '7d', true);
  f('duration', '0m', false);
  f('duration', '15', false);
  f('duration', '-1h', false);
  f('number', '3', true);
  f('number', '-0.5', true);
  f('number', '1e3', true);
  f('number', 'many', false);
  f('string', '', true);
  f('string', 'x" or true or "', true);
  f('strings', 'alice, bob', true);
  assert.notEqual(check('string', '', true), '', 'a required string');
});

test('splitList', () => {
  assert.deepEqual(splitList(' T1078, iam,, T1078 ,'), ['T1078', 'iam']);
  assert.deepEqual(splitList(''), []);
});

test('slug and validName', () => {
  assert.equal(slug('My Triage (v2).ipynb'), 'my-triage-v2');
  assert.equal(slug('Console sign-in failures 2026-11-25.ipynb'), 'console-sign-in-failures-2026-11-25');
  assert.equal(slug('Élan — root'), 'elan-root');
  assert.equal(slug('../..'), '');
  assert.ok(validName(slug('My Triage (v2).ipynb')));
  assert.ok(!validName('My Triage'));
  assert.ok(!validName('a--b'));
  assert.ok(!validName(''));
});
