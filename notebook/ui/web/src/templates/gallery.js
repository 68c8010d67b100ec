// gallery.js is the template gallery at /?view=templates: a card per investigation
// template (title, description, tags with MITRE ATT&CK ids as chips, the events it
// reads), a search box that filters as you type, and, for the template picked, the
// parameter form (form.js) that opens it as a notebook. Everything the server sends
// reaches the page as text (dom.js): a user template's title is data, not HTML.
import { el, button, clear } from '../dom.js';
import { templates as api } from '../api.js';
import { showHelp } from '../shortcuts.js';
import * as theme from '../theme.js';
import { matches, isAttack } from './match.js';
import { openForm } from './form.js';

/** galleryURL is the gallery's address; dir is the notebook folder new notebooks go to. */
export function galleryURL(query = '', dir = '') {
  const q = new URLSearchParams({ view: 'templates' });
  if (query) q.set('q', query);
  if (dir) q.set('dir', dir);
  return '/?' + q.toString();
}

/**
 * viewTabs links the notebook browser and the gallery; active is 'notebooks' or
 * 'templates'. dir keeps the folder the browser shows.
 */
export function viewTabs(active, dir = '') {
  const tab = (name, href, text) => el('a', {
    href, class: `view-tab${active === name ? ' active' : ''}`, 'aria-current': active === name ? 'page' : null,
  }, text);
  return el('nav', { class: 'view-tabs', 'aria-label': 'Views' },
    tab('notebooks', dir ? '/?dir=' + encodeURIComponent(dir) : '/', 'Notebooks'),
    tab('templates', galleryURL('', dir), 'Templates'));
}

/** openGallery shows the gallery in app, filtered by query; new notebooks go into dir. */
export async function openGallery(app, query = '', dir = '') {
  document.title = 'Templates · trailbook';
  const search = el('input', {
    type: 'search', class: 'tpl-search', 'aria-label': 'Search templates', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Search by name, tag (T1110, iam) or event (ConsoleLogin)',
  });
  search.value = query;
  const count = el('p', { class: 'tpl-count muted', role: 'status', 'aria-live': 'polite' });
  const grid = el('ul', { class: 'tpl-grid', 'aria-label': 'Templates' });
  clear(app).append(
    el('header', { class: 'topbar' },
      el('a', { href: '/', class: 'home' }, 'trailbook'), el('span', { class: 'crumb' }, '/'),
      el('span', { class: 'crumb-here' }, 'Templates'), el('span', { class: 'spacer' }),
      button('Light or dark theme', '◐', () => theme.toggle(), { class: 'btn theme-toggle' }),
      button('Keyboard shortcuts (?)', '?', () => showHelp(), { class: 'btn help-btn' })),
    el('main', { class: 'browser gallery' }, viewTabs('templates', dir),
      el('h1', {}, 'Templates'),
      el('p', { class: 'muted' }, 'Investigations that start from a known question. Pick one, set its parameters, and open it as a notebook.'),
      search, count, grid));

  let list = [];
  try {
    list = await api.list();
  } catch (err) {
    if (err.code !== 40408) throw err;
    count.textContent = 'This server has no template library.';
    return;
  }

  const pick = (t, from) => openForm(t, { dir, restoreFocus: from });
  const filterBy = (text) => {
    search.value = text;
    render();
    search.focus();
  };
  const render = () => {
    const q = search.value;
    const shown = list.filter((t) => matches(t, q));
    clear(grid);
    for (const t of shown) grid.append(card(t, pick, filterBy));
    count.textContent = q.trim()
      ? `${shown.length} of ${list.length} templates match “${q.trim()}”`
      : `${list.length} template${list.length === 1 ? '' : 's'}`;
    if (shown.length === 0 && list.length > 0) grid.append(el('li', { class: 'muted tpl-none' }, 'No template matches: try a tag such as T1078 or a word such as root.'));
    history.replaceState(null, '', galleryURL(q.trim(), dir));
  };
  search.addEventListener('input', render);
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && search.value) {
      search.value = '';
      render();
      ev.preventDefault();
    } else if (ev.key === 'Enter') {
      // Enter opens the first template shown, so search + Enter is a way in.
      const first = grid.querySelector('.tpl-open');
      if (first) first.click();
      ev.preventDefault();
    }
  });
  render();
  search.focus();
}

/** MAX_EVENTS is how many event names a card lists; the rest are in its tooltip. */
const MAX_EVENTS = 4;

/** card is one template's entry: its title opens the form; its tags filter the gallery. */
function card(t, pick, filterBy) {
  const open = el('button', {
    type: 'button', class: 'tpl-open', 'aria-haspopup': 'dialog',
    on: { click: () => pick(t, open) },
  }, t.title || t.name);
  const tags = (t.tags || []).map((tag) => el('li', {},
    el('button', {
      type: 'button', class: `chip${isAttack(tag) ? ' attack' : ''}`,
      title: isAttack(tag) ? `MITRE ATT&CK technique ${tag}: show the templates that look for it` : `Show the templates tagged ${tag}`,
      on: { click: (ev) => { ev.stopPropagation(); filterBy(tag); } },
    }, tag)));
  const events = [...new Set((t.events || []).map((e) => e.slice(e.indexOf(':') + 1)))];
  const shownEvents = events.includes('*') ? 'any event'
    : events.slice(0, MAX_EVENTS).join(', ') + (events.length > MAX_EVENTS ? ` and ${events.length - MAX_EVENTS} more` : '');
  const node = el('li', { class: 'tpl-card', dataset: { name: t.name } },
    el('h2', { class: 'tpl-title' }, open),
    el('p', { class: 'tpl-meta' }, el('code', { class: 'tpl-name' }, t.name),
      t.origin === 'user' ? el('span', { class: 'tpl-origin', title: t.overrides ? 'Your template: it replaces the bundled one of this name' : 'Your template' }, t.overrides ? 'yours, replaces bundled' : 'yours') : null),
    el('p', { class: 'tpl-desc' }, t.description || ''),
    tags.length ? el('ul', { class: 'tpl-tags', 'aria-label': 'Tags' }, tags) : null,
    events.length ? el('p', { class: 'tpl-events muted', title: (t.events || []).join('\n') }, 'Reads ', shownEvents) : null);
  // A click anywhere on the card but its chips picks it too.
  node.addEventListener('click', (ev) => {
    if (!ev.target.closest('button, a')) pick(t, open);
  });
  return node;
}
