// api.js calls the server's REST API: Jupyter's contents, sessions and kernels, and
// trailbook's result pages and templates. Requests carry the auth cookie the server set when the
// page was opened with ?token=, so no token appears in this code.

/** APIError is a failed API call: the HTTP status and the server's JSON error. */
export class APIError extends Error {
  constructor(status, body) {
    super(body?.message ? body.message + (body.reason ? `: ${body.reason}` : '') : `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 0;
    /** params maps parameter names to what is wrong with their values (template forms). */
    this.params = body?.params && typeof body.params === 'object' ? body.params : null;
  }
  /** needsToken reports whether the server refused the request for want of a token. */
  get needsToken() { return this.status === 401 || (this.status === 403 && this.code === 40301); }
}

async function call(method, url, body, opts = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', keepalive: opts.keepalive };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(url, init);
  if (resp.status === 204) return null;
  let data = null;
  try { data = await resp.json(); } catch { /* an empty or non-JSON body */ }
  if (!resp.ok) throw new APIError(resp.status, data);
  return data;
}

/** encodePath escapes each segment of a contents path for a URL. */
export function encodePath(p) {
  return p.split('/').map(encodeURIComponent).join('/');
}

const contentsURL = (p) => '/api/contents/' + encodePath(p);

/** Contents API (notebooks under the server's --notebooks directory). */
export const contents = {
  list: (dir = '') => call('GET', contentsURL(dir) + '?content=1'),
  get: (p) => call('GET', contentsURL(p) + '?type=notebook&content=1'),
  save: (p, notebook, opts) => call('PUT', contentsURL(p), { type: 'notebook', format: 'json', content: notebook }, opts),
  create: (dir = '') => call('POST', contentsURL(dir), { type: 'notebook' }),
  rename: (p, to) => call('PATCH', contentsURL(p), { path: to }),
  remove: (p) => call('DELETE', contentsURL(p)),
};

/** Sessions bind a notebook path to a kernel. */
export const sessions = {
  open: (p) => call('POST', '/api/sessions', { path: p, name: p.split('/').pop(), type: 'notebook', kernel: { name: 'trailbook' } }),
  rename: (id, p) => call('PATCH', '/api/sessions/' + encodeURIComponent(id), { path: p, name: p.split('/').pop() }),
};

/** Kernels: interrupt and restart. */
export const kernels = {
  interrupt: (id) => call('POST', `/api/kernels/${encodeURIComponent(id)}/interrupt`),
  restart: (id) => call('POST', `/api/kernels/${encodeURIComponent(id)}/restart`),
};

/**
 * resultPage fetches records [offset, offset+limit) of a kept result:
 * {resultId, columns, records, total, kept, offset}.
 */
export function resultPage(id, offset, limit) {
  return call('GET', `/api/trailbook/results/${encodeURIComponent(id)}?offset=${offset}&limit=${limit}`);
}

/**
 * exportURL is the download address of a whole result, every record the server
 * keeps, streamed: format 'csv' (formulas defused), 'json' (the Grail envelope)
 * or 'jsonl'; name (the cell's name) names the file. A plain link to it carries
 * the auth cookie like every other request.
 */
export function exportURL(id, format, name) {
  const q = new URLSearchParams({ format });
  if (name) q.set('name', name);
  return `/api/trailbook/results/${encodeURIComponent(id)}/export?${q}`;
}

/** Templates: the gallery's library (GET/POST /api/trailbook/templates…). */
export const templates = {
  list: () => call('GET', '/api/trailbook/templates'),
  get: (name) => call('GET', '/api/trailbook/templates/' + encodeURIComponent(name)),
  /** open makes a notebook from a template: params maps names to text; it returns the contents model. */
  open: (name, params, path) => call('POST', `/api/trailbook/templates/${encodeURIComponent(name)}/notebook`, { params, path }),
  /** save makes the notebook at path a user template: {path, name, title, description, tags}. */
  save: (body) => call('POST', '/api/trailbook/templates', body),
};
