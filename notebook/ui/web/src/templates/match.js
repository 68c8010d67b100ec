// match.js holds the gallery's logic that needs no page: which templates a search
// matches, which tags are MITRE ATT&CK technique ids, a first check of a
// parameter's text before the server's, and the name a notebook suggests for a
// template. The server parses every value again (kernel/params); these checks
// only spare a round trip.
import { validEnd } from '../timeframe.js';

/** words splits a search into lower-case words. */
export function words(query) {
  return String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * matches reports whether every word of query occurs in the template's name,
 * title, description, tags or events, ignoring case (as `trailbook template list`
 * searches).
 *
 *   matches({name: 'console-signin-failures', tags: ['T1110.003']}, 'sign-in t1110') // false: "sign-in" is not in the name
 */
export function matches(t, query) {
  const ws = words(query);
  if (ws.length === 0) return true;
  const hay = [t.name, t.title, t.description, ...(t.tags || []), ...(t.events || [])]
    .filter((x) => typeof x === 'string').join('\n').toLowerCase();
  return ws.every((w) => hay.includes(w));
}

const ATTACK = /^T\d{4}(\.\d{3})?$/;

/** isAttack reports whether a tag is a MITRE ATT&CK technique id (T1110, T1110.003). */
export function isAttack(tag) {
  return ATTACK.test(tag);
}

/** attackURL is the ATT&CK page of a technique id (T1110.003 → …/techniques/T1110/003/). */
export function attackURL(id) {
  return 'https://attack.mitre.org/techniques/' + id.replace('.', '/') + '/';
}

const DURATION = /^\d+\s*(ns|us|ms|s|m|h|d)$/;

/**
 * check returns what is wrong with the text of a parameter of type type, '' when
 * it looks fine. The server has the last word.
 */
export function check(type, text, required = false) {
  const t = String(text ?? '').trim();
  if (t === '') {
    if (type === 'string' || type === 'strings') return required ? 'a value is required' : '';
    return 'a value is required';
  }
  switch (type) {
    case 'duration':
      return DURATION.test(t) && !/^0+\s*[a-z]+$/.test(t) ? '' : 'a positive duration: a number and a unit, e.g. 15m, 2h, 7d';
    case 'timeframe': {
      const [from, to = 'now'] = t.split('..');
      return validEnd(from) && validEnd(to.trim() || 'now')
        ? '' : 'FROM or FROM..TO: now, a duration back like -2h, or a timestamp like 2024-03-01T00:00:00Z';
    }
    case 'number':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? '' : 'a number, e.g. 5 or 0.95';
  }
  return '';
}

/** splitList reads comma-separated text (tags, a strings parameter): trimmed, no empties, no repeats. */
export function splitList(text) {
  const out = [];
  for (const item of String(text || '').split(',')) {
    const s = item.trim();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

/** slug turns a notebook's name into a template name: lower-case letters, digits and single dashes. */
export function slug(name) {
  return String(name || '').replace(/\.ipynb$/i, '').toLowerCase()
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '');
}

/** validName reports whether name can be a template's name (the server's rule). */
export function validName(name) {
  return name.length <= 64 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}
