// timeframe.js is the notebook's global timeframe: the presets, the custom from/to
// form, and how it is kept. The notebook metadata holds it as
// {"trailbook": {"timeframe": {"from": "-2h", "to": "now"}}} and every execute
// request carries it in its metadata the same way; the kernel applies it to each
// `fetch` without its own from:/to:. Ends are DQL durations relative to now (-30m,
// -7d), "now", or ISO timestamps.
import { el } from './dom.js';

/** PRESETS are the quick choices, most recent first. */
export const PRESETS = [
  { from: '-30m', to: 'now', label: 'Last 30 minutes' },
  { from: '-2h', to: 'now', label: 'Last 2 hours' },
  { from: '-24h', to: 'now', label: 'Last 24 hours' },
  { from: '-7d', to: 'now', label: 'Last 7 days' },
];

/** DEFAULT is DQL's default timeframe, the last two hours. */
export const DEFAULT = { from: '-2h', to: 'now' };

/** normalize returns {from, to} with defaults filled in. */
export function normalize(tf) {
  return { from: tf?.from || DEFAULT.from, to: tf?.to || 'now' };
}

/** label names a timeframe for the toolbar. */
export function label(tf) {
  const t = normalize(tf);
  const p = PRESETS.find((x) => x.from === t.from && x.to === t.to);
  return p ? p.label : `${t.from} → ${t.to}`;
}

const RELATIVE = /^(now(\(\))?)?\s*[-+]\s*\d+\s*(ns|us|ms|s|m|h|d|w|M|q|y|mins?|minutes?|secs?|seconds?|hrs?|hours?|days?)$/;
const ABSOLUTE = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?)?(Z|[+-]\d\d(:?\d\d)?)?$/;

/** validEnd reports whether s can be a timeframe end: now, -2h, or a timestamp. */
export function validEnd(s) {
  const t = s.trim();
  return t === 'now' || t === 'now()' || RELATIVE.test(t) || ABSOLUTE.test(t);
}

/**
 * picker builds the toolbar control: a select of the presets and "Custom…", and
 * a from/to form for custom ranges. onChange receives the new {from, to}.
 */
export function picker(initial, onChange) {
  let current = normalize(initial);
  const select = el('select', { class: 'timeframe-select', 'aria-label': 'Timeframe', title: 'Timeframe of every fetch without its own from:' });
  PRESETS.forEach((p, i) => select.append(el('option', { value: String(i) }, p.label)));
  select.append(el('option', { value: 'custom' }, 'Custom…'));

  const from = el('input', { class: 'tf-from', type: 'text', size: 22, 'aria-label': 'From', placeholder: '-3h or 2024-03-01T00:00:00Z' });
  const to = el('input', { class: 'tf-to', type: 'text', size: 22, 'aria-label': 'To', placeholder: 'now' });
  const apply = el('button', { type: 'submit', class: 'btn small' }, 'Apply');
  const error = el('span', { class: 'tf-error', role: 'alert' });
  const form = el('form', { class: 'timeframe-custom', hidden: true }, el('label', {}, 'From ', from), el('label', {}, 'to ', to), apply, error);

  const show = () => {
    const i = PRESETS.findIndex((p) => p.from === current.from && p.to === current.to);
    select.value = i >= 0 ? String(i) : 'custom';
    form.hidden = i >= 0;
    from.value = current.from;
    to.value = current.to;
    error.textContent = '';
  };
  const set = (tf) => {
    current = normalize(tf);
    show();
    onChange(current);
  };
  select.addEventListener('change', () => {
    if (select.value === 'custom') {
      form.hidden = false;
      from.focus();
      return;
    }
    set(PRESETS[Number(select.value)]);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = from.value.trim();
    const t = to.value.trim() || 'now';
    if (!validEnd(f) || !validEnd(t)) {
      error.textContent = 'use now, a duration like -3h, or a timestamp like 2024-03-01T10:00:00Z';
      return;
    }
    set({ from: f, to: t });
  });
  show();
  const node = el('div', { class: 'timeframe' }, select, form);
  return { node, get: () => current, set: (tf) => { current = normalize(tf); show(); } };
}
