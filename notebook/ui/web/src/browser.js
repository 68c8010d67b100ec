// browser.js is the notebook browser at /: the notebooks (and folders) of the
// server's notebook directory, with new, open, rename and delete.
import { el, button, clear, toast } from './dom.js';
import { contents, encodePath } from './api.js';
import { showHelp } from './shortcuts.js';
import * as theme from './theme.js';
import { galleryURL, viewTabs } from './templates/gallery.js';

const when = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
};

/** openBrowser shows the directory dir ('' for the root) in app. */
export async function openBrowser(app, dir = '') {
  document.title = 'trailbook';
  const list = el('tbody');
  const table = el('table', { class: 'nb-list' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Last modified'), el('th', { class: 'actions' }, ''))),
    list);
  const create = async () => {
    try {
      const m = await contents.create(dir);
      location.assign('/notebooks/' + encodePath(m.path));
    } catch (err) {
      toast(`Cannot create a notebook: ${err.message}`);
    }
  };
  const crumbs = [el('a', { href: '/', class: 'home' }, 'trailbook')];
  if (dir) {
    let acc = '';
    for (const part of dir.split('/')) {
      acc = acc ? `${acc}/${part}` : part;
      crumbs.push(el('span', { class: 'crumb' }, '/'), el('a', { href: '/?dir=' + encodeURIComponent(acc) }, part));
    }
  }
  clear(app).append(
    el('header', { class: 'topbar' }, crumbs, el('span', { class: 'spacer' }),
      button('New notebook', '+', create, { class: 'btn primary new-notebook', text: 'New notebook' }),
      button('New notebook from a template', '▤', () => location.assign(galleryURL('', dir)), { class: 'btn new-from-template', text: 'New from template' }),
      button('Light or dark theme', '◐', () => theme.toggle(), { class: 'btn theme-toggle' }),
      button('Keyboard shortcuts (?)', '?', () => showHelp(), { class: 'btn help-btn' })),
    el('main', { class: 'browser' }, viewTabs('notebooks', dir), el('h1', {}, dir ? dir : 'Notebooks'), table));

  const load = async () => {
    const m = await contents.list(dir);
    const items = (Array.isArray(m.content) ? m.content : [])
      .filter((x) => x.type === 'directory' || x.type === 'notebook')
      .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1));
    clear(list);
    if (items.length === 0) {
      list.append(el('tr', {}, el('td', { colspan: '3', class: 'muted' }, 'No notebooks yet: make one with “New notebook”.')));
    }
    for (const it of items) list.append(row(it, load));
  };
  await load();
}

function row(item, reload) {
  const href = item.type === 'directory' ? '/?dir=' + encodeURIComponent(item.path) : '/notebooks/' + encodePath(item.path);
  const link = el('a', { href, class: `nb-link ${item.type}` }, item.type === 'directory' ? `${item.name}/` : item.name);
  const nameCell = el('td', { class: 'name' }, link);
  const rename = () => {
    const input = el('input', { type: 'text', class: 'rename-input', 'aria-label': 'New name', value: item.name });
    let done = false;
    const finish = async (ok) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      if (!ok || !name || name === item.name) {
        clear(nameCell).append(link);
        return;
      }
      const dir = item.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/') + 1) : '';
      const file = item.type === 'notebook' && !name.endsWith('.ipynb') ? name + '.ipynb' : name;
      try {
        await contents.rename(item.path, dir + file);
        await reload();
      } catch (err) {
        toast(`Cannot rename: ${err.message}`);
        clear(nameCell).append(link);
      }
    };
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') finish(true);
      else if (ev.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(false));
    clear(nameCell).append(input);
    input.focus();
    input.select();
  };
  const remove = async () => {
    if (!confirm(`Delete ${item.name}?`)) return;
    try {
      await contents.remove(item.path);
      await reload();
    } catch (err) {
      toast(`Cannot delete: ${err.message}`);
    }
  };
  return el('tr', { dataset: { path: item.path } }, nameCell,
    el('td', { class: 'modified' }, when(item.last_modified)),
    el('td', { class: 'actions' },
      button(`Rename ${item.name}`, '✎', rename, { class: 'btn rename' }),
      button(`Delete ${item.name}`, '✕', remove, { class: 'btn delete' })));
}
