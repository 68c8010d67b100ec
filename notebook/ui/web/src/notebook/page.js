// page.js is the notebook page, /notebooks/{path}: the header (name, save state,
// kernel state, timeframe, run all, interrupt), the cells, and the keys of command
// mode. It shows the saved outputs at once and connects to a kernel meanwhile; it
// runs cells through the kernel, marks stale cells, and autosaves.
import { el, button, clear, toast } from '../dom.js';
import { contents, kernels, sessions } from '../api.js';
import { Kernel } from '../kernel.js';
import { NotebookDoc, newCell } from './doc.js';
import { Saver } from './saver.js';
import { CellView } from './cell.js';
import { picker as timeframePicker } from '../timeframe.js';
import { showHelp } from '../shortcuts.js';
import { details } from '../outputs/details.js';
import { usesTimeframe } from '../dql/quote.js';
import * as theme from '../theme.js';
import { encodePath } from '../api.js';

const SAVE_LABELS = { saved: 'Saved', dirty: '● Unsaved changes', saving: 'Saving…', error: 'Save failed' };

/** openNotebook loads the notebook at path into app. */
export async function openNotebook(app, path) {
  const model = await contents.get(path);
  const page = new NotebookPage(app, new NotebookDoc(model));
  page.connect(); // outputs are on screen already; the kernel comes up meanwhile
  return page;
}

/** NotebookPage is an open notebook. */
export class NotebookPage {
  constructor(app, doc) {
    this.app = app;
    this.doc = doc;
    this.views = [];
    this.selected = null;
    this.seq = 0; // orders edits and runs, for stale marks
    this.timeframeSeq = 0;
    this.deleted = []; // {cell, index}, for undo
    this.kernel = null;
    this.pendingKey = ''; // first key of D D and I I
    this.saver = new Saver(() => this.save(), (state, err) => this.showSave(state, err));
    this.build();
    for (const cell of doc.cells) this.add(cell, this.views.length);
    if (this.views.length === 0) this.insert(this.views.length, 'code');
    this.select(this.views[0], false);
    document.title = `${doc.name} · trailbook`;
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    addEventListener('beforeunload', (ev) => {
      if (!this.saver.dirty) return;
      this.saver.flush();
      ev.preventDefault();
    });
    theme.onChange((t) => this.views.forEach((v) => v.setTheme(t)));
  }

  build() {
    this.nameBtn = el('button', { type: 'button', class: 'nb-name', title: 'Rename', on: { click: () => this.rename() } }, this.doc.name);
    this.saveState = el('span', { class: 'save-state', 'aria-live': 'polite' }, SAVE_LABELS.saved);
    this.kernelState = el('span', { class: 'kernel-state', title: 'Kernel' }, 'kernel: starting');
    this.tf = timeframePicker(this.doc.timeframe, (tf) => this.setTimeframe(tf));
    const header = el('header', { class: 'topbar' },
      el('a', { class: 'home', href: '/', title: 'All notebooks' }, 'trailbook'),
      el('span', { class: 'crumb' }, '/'), this.nameBtn, this.saveState,
      el('span', { class: 'spacer' }),
      this.tf.node,
      button('Run all cells', '▶▶', () => this.runAll(), { class: 'btn run-all', text: 'Run all' }),
      button('Interrupt the kernel (I I)', '■', () => this.interrupt(), { class: 'btn interrupt', text: 'Interrupt' }),
      button('Restart the kernel', '↻', () => this.restart(), { class: 'btn restart' }),
      this.kernelState,
      button('Light or dark theme', '◐', () => theme.toggle(), { class: 'btn theme-toggle' }),
      button('Keyboard shortcuts (?)', '?', () => showHelp(), { class: 'btn help-btn' }));
    this.cellsNode = el('main', { class: 'cells', 'aria-label': 'Cells' });
    const adders = el('div', { class: 'adders' },
      button('Add a DQL cell', '+', () => this.insert(this.views.length, 'code', true), { class: 'btn add-code', text: 'DQL' }),
      button('Add a Markdown cell', '+', () => this.insert(this.views.length, 'markdown', true), { class: 'btn add-md', text: 'Markdown' }));
    clear(this.app).append(header, el('div', { class: 'notebook' }, this.cellsNode, adders));
    details();
  }

  // Kernel.

  /** connect starts (or joins) the notebook's session and connects to its kernel. */
  connect() {
    this.ready = (async () => {
      try {
        const s = await sessions.open(this.doc.path);
        this.session = s;
        this.kernel = new Kernel(s.kernel.id, { onStatus: (st) => this.showKernel(st) });
      } catch (err) {
        this.showKernel('unavailable');
        toast(`Cannot start a kernel: ${err.message}`);
      }
    })();
    return this.ready;
  }

  showKernel(state) {
    this.kernelState.textContent = `kernel: ${state}`;
    this.kernelState.dataset.state = state;
  }

  complete(code, cursor) {
    return this.kernel?.complete(code, cursor);
  }

  async interrupt() {
    if (this.kernel) await kernels.interrupt(this.kernel.id).catch((e) => toast(`Cannot interrupt: ${e.message}`));
  }

  async restart() {
    if (!this.kernel || !confirm('Restart the kernel? Kept results are dropped.')) return;
    await kernels.restart(this.kernel.id).catch((e) => toast(`Cannot restart: ${e.message}`));
  }

  // Cells.

  tick() { return ++this.seq; }

  add(cell, index) {
    const v = new CellView(this, cell);
    this.views.splice(index, 0, v);
    const after = this.views[index + 1];
    if (after) this.cellsNode.insertBefore(v.node, after.node);
    else this.cellsNode.append(v.node);
    return v;
  }

  insert(index, type, edit = false) {
    const v = this.add(newCell(type), index);
    this.changed();
    this.select(v, false);
    if (edit) v.edit();
    return v;
  }

  select(v, focus = true) {
    if (!v) return;
    if (this.selected !== v) {
      this.selected?.node.classList.remove('selected');
      this.selected = v;
      v.node.classList.add('selected');
    }
    if (focus) {
      v.node.focus({ preventScroll: true });
      v.node.scrollIntoView({ block: 'nearest' });
    }
  }

  /** commandMode leaves the editor: keys now act on the selected cell. */
  commandMode(v) {
    if (v.cell.cell_type === 'markdown') v.renderMarkdown();
    this.select(v);
  }

  move(v, d) {
    const i = this.views.indexOf(v);
    const j = i + d;
    if (j < 0 || j >= this.views.length) return;
    this.views.splice(i, 1);
    this.views.splice(j, 0, v);
    const ref = this.views[j + 1];
    if (ref) this.cellsNode.insertBefore(v.node, ref.node);
    else this.cellsNode.append(v.node);
    v.node.scrollIntoView({ block: 'nearest' });
    this.changed();
    this.updateStale();
  }

  remove(v) {
    const i = this.views.indexOf(v);
    if (i < 0) return;
    this.views.splice(i, 1);
    v.dispose();
    v.node.remove();
    this.deleted.push({ cell: v.cell, index: i });
    if (this.views.length === 0) this.insert(0, 'code');
    this.select(this.views[Math.min(i, this.views.length - 1)]);
    this.changed();
    this.updateStale();
    toast('Cell deleted', { label: 'Undo', run: () => this.undoDelete() });
  }

  undoDelete() {
    const d = this.deleted.pop();
    if (!d) return;
    const v = this.add(d.cell, Math.min(d.index, this.views.length));
    this.select(v);
    this.changed();
    this.updateStale();
  }

  // Running.

  /** run runs v; mode 'advance' then selects the next cell, 'insert' adds one below. */
  run(v, mode = 'stay') {
    const i = this.views.indexOf(v);
    if (v.cell.cell_type === 'markdown') v.renderMarkdown();
    else this.execute(v);
    if (mode === 'advance') {
      const next = this.views[i + 1] || this.insert(i + 1, 'code');
      this.select(next, false);
      next.edit();
    } else if (mode === 'insert') {
      this.insert(i + 1, 'code', true);
    }
  }

  runAll() {
    for (const v of this.views) {
      if (v.cell.cell_type === 'markdown') v.renderMarkdown();
      else this.execute(v);
    }
  }

  async execute(v) {
    const code = v.source();
    v.queued(this.tick());
    this.updateStale();
    await this.ready;
    if (!this.kernel) {
      v.finish(null);
      return;
    }
    const meta = { timeframe: this.doc.timeframe };
    if (v.cell.metadata.trailbook?.name) meta.name = v.cell.metadata.trailbook.name;
    const { done } = this.kernel.execute(code, { trailbook: meta }, { onIOPub: (msg) => v.onIOPub(msg) });
    const reply = await done;
    v.finish(reply);
    this.changed();
    this.updateStale();
  }

  /**
   * updateStale marks the cells whose outputs predate a change they depend on:
   * their own edit, an edit or a run of an earlier cell, or (for cells whose
   * fetch has no from:) a new timeframe.
   */
  updateStale() {
    let upstream = 0;
    for (const v of this.views) {
      if (!v.isCode) continue;
      const ran = v.cell.outputs.length > 0 || v.cell.execution_count != null;
      const since = Math.max(upstream, usesTimeframe(v.cell.source) ? this.timeframeSeq : 0, v.editSeq);
      v.setStale(ran && !v.running && since > v.runSeq);
      upstream = Math.max(upstream, v.editSeq, v.runSeq);
    }
  }

  setTimeframe(tf) {
    this.doc.timeframe = tf;
    this.timeframeSeq = this.tick();
    this.changed();
    this.updateStale();
  }

  // Saving.

  changed() {
    this.saver.changed();
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.updateStale(), 100);
  }

  async save() {
    this.doc.cells = this.views.map((v) => v.cell);
    await contents.save(this.doc.path, this.doc.toJSON());
  }

  showSave(state, err) {
    this.saveState.textContent = SAVE_LABELS[state] || state;
    this.saveState.dataset.state = state;
    this.saveState.title = err ? err.message : '';
    document.title = `${state === 'saved' ? '' : '● '}${this.doc.name} · trailbook`;
  }

  async rename() {
    const name = prompt('Rename the notebook', this.doc.name);
    if (!name || name === this.doc.name) return;
    const file = name.endsWith('.ipynb') ? name : name + '.ipynb';
    const dir = this.doc.path.includes('/') ? this.doc.path.slice(0, this.doc.path.lastIndexOf('/') + 1) : '';
    try {
      await this.saver.flush();
      const m = await contents.rename(this.doc.path, dir + file);
      this.doc.path = m.path;
      this.doc.name = m.name;
      this.nameBtn.textContent = m.name;
      this.showSave(this.saver.state);
      history.replaceState(null, '', '/notebooks/' + encodePath(m.path));
      if (this.session) await sessions.rename(this.session.id, m.path);
    } catch (err) {
      toast(`Cannot rename: ${err.message}`);
    }
  }

  // Keys.

  onKey(ev) {
    const mod = ev.ctrlKey || ev.metaKey;
    if (mod && ev.key === 's') {
      ev.preventDefault();
      this.saver.changed();
      this.saver.flush();
      return;
    }
    const t = ev.target;
    if (t.closest?.('.cm-editor, input, select, textarea, dialog, .outputs, .details, .menu')) return;
    if (ev.key === '?') {
      showHelp();
      ev.preventDefault();
      return;
    }
    const v = this.selected;
    if (!v) return;
    const i = this.views.indexOf(v);
    const key = ev.key;
    const twice = (k) => {
      const hit = this.pendingKey === k;
      this.pendingKey = hit ? '' : k;
      clearTimeout(this.pendingTimer);
      this.pendingTimer = setTimeout(() => { this.pendingKey = ''; }, 800);
      return hit;
    };
    if (ev.altKey && key === 'ArrowUp') this.move(v, -1);
    else if (ev.altKey && key === 'ArrowDown') this.move(v, 1);
    else if (ev.altKey || mod && key !== 'Enter') return;
    else if (key === 'Enter' && ev.shiftKey) this.run(v, 'advance');
    else if (key === 'Enter' && mod) this.run(v, 'stay');
    else if (key === 'Enter') v.edit();
    else if (key === 'ArrowUp' || key === 'k') this.select(this.views[Math.max(i - 1, 0)]);
    else if (key === 'ArrowDown' || key === 'j') this.select(this.views[Math.min(i + 1, this.views.length - 1)]);
    else if (key === 'a') this.insert(i, 'code', true);
    else if (key === 'b') this.insert(i + 1, 'code', true);
    else if (key === 'd') { if (twice('d')) this.remove(v); }
    else if (key === 'i') { if (twice('i')) this.interrupt(); }
    else if (key === 'z') this.undoDelete();
    else if (key === 'm' && v.cell.cell_type === 'code') v.setKind('markdown');
    else if (key === 'y' && v.cell.cell_type !== 'code') v.setKind('dql');
    else if (key === 'o') v.toggleCollapsed();
    else return;
    ev.preventDefault();
  }
}
