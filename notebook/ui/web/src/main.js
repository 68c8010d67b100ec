// main.js starts the UI: it applies the theme, takes the token out of the address
// bar (the server has set its cookie), and opens the notebook browser at /, the
// template gallery at /?view=templates, or the notebook at /notebooks/{path}
// (?run=all runs its cells once open, as "Open and run all" asks).
import './style.css';
import { el, clear } from './dom.js';
import { APIError } from './api.js';
import { openBrowser } from './browser.js';
import { openNotebook } from './notebook/page.js';
import { openGallery } from './templates/gallery.js';
import { addTemplateMenu } from './templates/save.js';
import * as theme from './theme.js';

function dropParam(name) {
  const u = new URL(location.href);
  if (!u.searchParams.has(name)) return;
  u.searchParams.delete(name);
  history.replaceState(null, '', u.pathname + u.search + u.hash);
}

function fail(app, err) {
  const msg = err instanceof APIError && err.needsToken
    ? 'This server needs its token: open the URL that `trailbook serve` printed (it ends in ?token=…).'
    : `Something went wrong: ${err.message}`;
  clear(app).append(el('main', { class: 'failure' }, el('h1', {}, 'trailbook'), el('p', { role: 'alert' }, msg)));
}

async function start() {
  theme.init();
  dropParam('token');
  const app = document.getElementById('app');
  const p = location.pathname;
  try {
    if (p.startsWith('/notebooks/')) {
      const path = p.slice('/notebooks/'.length).split('/').map(decodeURIComponent).join('/');
      const page = await openNotebook(app, path);
      addTemplateMenu(page);
      if (new URLSearchParams(location.search).get('run') === 'all') {
        dropParam('run'); // a reload must not run everything again
        page.runAll();
      }
    } else {
      const q = new URLSearchParams(location.search);
      if (q.get('view') === 'templates') await openGallery(app, q.get('q') || '', q.get('dir') || '');
      else await openBrowser(app, q.get('dir') || '');
    }
    document.body.dataset.ready = 'true';
    performance.mark('trailbook-ready');
  } catch (err) {
    fail(app, err);
    document.body.dataset.ready = 'error';
  }
}

start();
