// form.js is the dialog of one template: what it looks for, a field per parameter
// (built from the parameter's type, its default filled in, its description as
// help), a preview of the cells, and the buttons that make a notebook of it:
// "Open and run all" and "Open as notebook". The server checks every value; its
// message for a field shows beside that field.
import { el, append, clear } from '../dom.js';
import { templates as api, encodePath } from '../api.js';
import { check } from './match.js';
import { openDialog } from './dialog.js';

/** TIMEFRAME_PRESETS are the quick choices beside a timeframe field. */
export const TIMEFRAME_PRESETS = [
  ['-1h', 'Last hour'],
  ['-24h', 'Last 24 hours'],
  ['-7d', 'Last 7 days'],
  ['-30d', 'Last 30 days'],
];

/** TYPE_LABELS say beside a field's name what its text must be. */
const TYPE_LABELS = {
  string: 'text',
  strings: 'list, comma-separated',
  duration: 'duration: 15m, 2h, 7d',
  timeframe: 'timeframe: -2h, or FROM..TO',
  number: 'number',
};

const HINTS = {
  string: '',
  strings: 'Comma-separated, e.g. alice, bob',
  duration: 'A duration such as 15m, 2h or 7d',
  timeframe: 'FROM or FROM..TO: -2h, -7d, or 2024-03-01T00:00:00Z..2024-03-02T00:00:00Z',
  number: '',
};

/**
 * openForm opens the dialog of template t (an entry of the gallery's list). dir
 * is the notebook folder to create in; focus returns to restoreFocus on close.
 */
export async function openForm(t, { dir = '', restoreFocus = null } = {}) {
  const fields = (t.parameters || []).map((p) => field(p));
  const status = el('p', { class: 'tpl-status', role: 'alert' });
  const openRun = el('button', { type: 'submit', class: 'btn primary tpl-run', dataset: { run: 'all' } }, 'Open and run all');
  const openOnly = el('button', { type: 'submit', class: 'btn small tpl-open-notebook' }, 'Open as notebook');
  const cancel = el('button', { type: 'button', class: 'btn small', on: { click: () => dialog.close() } }, 'Cancel');
  const preview = el('div', { class: 'tpl-cells' }, el('p', { class: 'muted' }, 'Loading…'));
  const details = el('details', { class: 'tpl-preview' }, el('summary', {}, 'Preview the cells'), preview);
  const form = el('form', { class: 'tpl-form', novalidate: true },
    fields.length ? el('fieldset', {}, el('legend', {}, 'Parameters'), fields.map((f) => f.node)) : el('p', { class: 'muted' }, 'This template has no parameters.'),
    status,
    el('div', { class: 'tpl-buttons' }, openRun, openOnly, cancel),
    details);

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const run = ev.submitter?.dataset.run === 'all';
    status.textContent = '';
    let firstBad = null;
    for (const f of fields) {
      const msg = f.check();
      if (msg && !firstBad) firstBad = f;
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    const values = {};
    for (const f of fields) values[f.name] = f.value();
    busy = true;
    for (const b of [openRun, openOnly]) b.disabled = true;
    status.textContent = 'Creating the notebook…';
    try {
      const m = await api.open(t.name, values, dir);
      location.assign('/notebooks/' + encodePath(m.path) + (run ? '?run=all' : ''));
    } catch (err) {
      busy = false;
      for (const b of [openRun, openOnly]) b.disabled = false;
      status.textContent = '';
      if (err.params) {
        let first = null;
        for (const f of fields) {
          if (err.params[f.name]) {
            f.setError(err.params[f.name]);
            first ||= f;
          }
        }
        const others = Object.keys(err.params).filter((n) => !fields.some((f) => f.name === n));
        if (others.length) status.textContent = others.map((n) => `${n}: ${err.params[n]}`).join('; ');
        first?.focus();
      } else {
        status.textContent = `Cannot open the template: ${err.message}`;
      }
    }
  });
  const dialog = openDialog({ title: t.title || t.name, id: 'tpl-dialog-title', restoreFocus, dataset: { name: t.name } },
    el('p', { class: 'tpl-desc' }, t.description || ''),
    t.events?.length ? el('p', { class: 'tpl-events muted' }, 'Reads ', t.events.join(', ')) : null,
    form);
  (fields[0]?.input || openRun).focus();

  // The preview comes with the template's full description; the form works without it.
  try {
    const full = await api.get(t.name);
    append(clear(preview), (full.cells || []).map((c) => el('pre', { class: `tpl-cell ${c.type}`, title: c.name ? `cell ${c.name}` : null }, c.source)));
    details.querySelector('summary').textContent = `Preview the cells (${(full.cells || []).length})`;
  } catch (err) {
    clear(preview).append(el('p', { class: 'muted' }, `No preview: ${err.message}`));
  }
  return dialog;
}

/** field builds the input of one parameter, by its type. */
function field(p) {
  const id = `tpl-param-${p.name}`;
  // The type's hint helps only where the template's own description is missing.
  const help = el('p', { id: `${id}-help`, class: 'tpl-help' }, p.description || HINTS[p.type] || '');
  const error = el('p', { id: `${id}-error`, class: 'tpl-error', 'aria-live': 'polite' });
  const attrs = {
    id, name: p.name, class: `tpl-input type-${p.type}`, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': `${id}-help ${id}-error`, dataset: { param: p.name, type: p.type },
  };
  const input = p.type === 'number'
    ? el('input', { ...attrs, type: 'number', step: 'any' })
    : el('input', { ...attrs, type: 'text' });
  if (p.type === 'strings') input.placeholder = 'alice, bob';
  if (p.type === 'timeframe') input.placeholder = '-24h';
  if (p.type === 'duration') input.placeholder = '1h';
  input.value = p.default ?? '';
  const setError = (msg) => {
    error.textContent = msg || '';
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', () => setError(''));
  input.addEventListener('change', () => setError(check(p.type, input.value, p.required)));
  let presets = null;
  if (p.type === 'timeframe') {
    presets = el('div', { class: 'tpl-presets', role: 'group', 'aria-label': `${p.label || p.name}: quick choices` },
      TIMEFRAME_PRESETS.map(([v, label]) => el('button', {
        type: 'button', class: 'chip', title: label,
        on: { click: () => { input.value = v; setError(''); input.focus(); } },
      }, v)));
  }
  const node = el('div', { class: 'tpl-field', dataset: { param: p.name } },
    el('label', { for: id }, p.label || p.name, el('span', { class: 'tpl-type' }, TYPE_LABELS[p.type] || p.type), p.required ? el('span', { class: 'tpl-required' }, 'required') : null),
    el('div', { class: 'tpl-control' }, input, presets),
    help, error);
  return {
    name: p.name,
    input,
    node,
    value: () => input.value,
    focus: () => input.focus(),
    setError,
    /** check shows and returns what is wrong with the value, '' if nothing. */
    check: () => {
      const msg = check(p.type, input.value, p.required);
      setError(msg);
      return msg;
    },
  };
}
