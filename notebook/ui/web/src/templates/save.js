// save.js adds the notebook page's "⋯" menu, with "Save as template…" (a dialog
// for the template's name, title, description and tags, posted to the server,
// which keeps the notebook's parameters) and "New from template…".
import { el, button, toast } from '../dom.js';
import { templates as api } from '../api.js';
import { showMenu } from '../menu.js';
import { galleryURL } from './gallery.js';
import { slug, splitList, validName } from './match.js';
import { openDialog } from './dialog.js';

/** addTemplateMenu puts the "⋯" menu into the top bar of page (a NotebookPage). */
export function addTemplateMenu(page) {
  const bar = page.app.querySelector('.topbar');
  if (!bar) return;
  const dir = page.doc.path.includes('/') ? page.doc.path.slice(0, page.doc.path.lastIndexOf('/')) : '';
  const more = button('More actions', '⋯', () => {
    const r = more.getBoundingClientRect();
    showMenu(r.left, r.bottom + 2, [
      { label: 'Save as template…', run: () => saveDialog(page, more) },
      { label: 'New from template…', run: () => location.assign(galleryURL('', dir)) },
    ]);
  }, { class: 'btn more-menu', 'aria-haspopup': 'menu' });
  bar.insertBefore(more, bar.querySelector('.theme-toggle'));
}

/** saveDialog asks for the template's description and saves the notebook as a template. */
export function saveDialog(page, restoreFocus) {
  const meta = page.doc.metadata?.trailbook?.template || {};
  const title = String(meta.title || page.doc.name.replace(/\.ipynb$/i, ''));
  const input = (name, label, props, value, help) => {
    const id = `tpl-save-${name}`;
    const node = el(props.tag || 'input', { id, name, class: 'tpl-input', autocomplete: 'off', 'aria-describedby': `${id}-help`, ...props.attrs });
    node.value = value;
    return {
      node,
      row: el('div', { class: 'tpl-field' }, el('label', { for: id }, label), node, el('p', { id: `${id}-help`, class: 'tpl-help' }, help)),
    };
  };
  const name = input('name', 'Name', { attrs: { type: 'text', required: true, spellcheck: 'false' } }, slug(title),
    'How the command line calls it (trailbook template run NAME): lower-case letters, digits and dashes.');
  const titleIn = input('title', 'Title', { attrs: { type: 'text', required: true } }, title, 'The gallery card\'s heading.');
  const desc = input('description', 'Description', { tag: 'textarea', attrs: { rows: '3' } }, String(meta.description || ''),
    'One or two sentences: what the investigation looks for.');
  const tags = input('tags', 'Tags', { attrs: { type: 'text', spellcheck: 'false', placeholder: 'T1078.004, iam' } },
    Array.isArray(meta.tags) ? meta.tags.join(', ') : '', 'Comma-separated: MITRE ATT&CK ids (T1078.004) and topics.');
  const status = el('p', { class: 'tpl-status', role: 'alert' });
  const save = el('button', { type: 'submit', class: 'btn primary' }, 'Save template');
  const form = el('form', { class: 'tpl-form', novalidate: true },
    name.row, titleIn.row, desc.row, tags.row, status,
    el('div', { class: 'tpl-buttons' }, save, el('button', { type: 'button', class: 'btn small', on: { click: () => dialog.close() } }, 'Cancel')));
  let replacing = ''; // the name the user agreed to save over
  name.node.addEventListener('input', () => {
    replacing = '';
    save.textContent = 'Save template';
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = name.node.value.trim();
    if (!validName(n)) {
      status.textContent = 'The name takes lower-case letters, digits and single dashes, e.g. my-triage.';
      name.node.focus();
      return;
    }
    if (!titleIn.node.value.trim()) {
      status.textContent = 'The template needs a title.';
      titleIn.node.focus();
      return;
    }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      await page.saver.flush(); // the template is made from the file: save edits first
      const t = await api.save({
        path: page.doc.path, name: n, title: titleIn.node.value.trim(),
        description: desc.node.value.trim(), tags: splitList(tags.node.value),
        overwrite: replacing === n,
      });
      dialog.close();
      toast(`Saved as template ${t.name}`, { label: 'Open the gallery', run: () => location.assign(galleryURL(t.name)) });
    } catch (err) {
      save.disabled = false;
      if (err.status === 409) {
        // A second press replaces it: the user has read the message by then.
        replacing = n;
        save.textContent = 'Replace it';
        status.textContent = `${err.message}. Pick another name, or press “Replace it” to save over it.`;
        name.node.focus();
      } else {
        status.textContent = `Cannot save the template: ${err.message}`;
      }
    }
  });
  const dialog = openDialog({ title: 'Save as template', id: 'tpl-save-title', class: 'tpl-save', restoreFocus },
    el('p', { class: 'muted' }, 'Your templates appear in the gallery and in trailbook template list. The parameters this notebook declares are kept.'),
    form);
  name.node.focus();
  name.node.select();
  return dialog;
}
