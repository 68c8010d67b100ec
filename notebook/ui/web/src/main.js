// main.js starts the UI: it applies the theme, takes the token out of the address
// bar (the server has set its cookie), and opens the notebook browser at / or the
// notebook at /notebooks/{path}.
import './style.css';
import { el, clear } from './dom.js';
import { APIError } from './api.js';
import { openBrowser } from './browser.js';
import { openNotebook } from './notebook/page.js';
import * as theme from './theme.js';

function dropToken() {
  const u = new URL(location.href);
  if (!u.searchParams.has('token')) return;
  u.searchParams.delete('token');
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
  dropToken();
  const app = document.getElementById('app');
  const p = location.pathname;
  try {
    if (p.startsWith('/notebooks/')) {
      const path = p.slice('/notebooks/'.length).split('/').map(decodeURIComponent).join('/');
      await openNotebook(app, path);
    } else {
      await openBrowser(app, new URLSearchParams(location.search).get('dir') || '');
    }
    document.body.dataset.ready = 'true';
    performance.mark('trailbook-ready');
  } catch (err) {
    fail(app, err);
    document.body.dataset.ready = 'error';
  }
}

start();
