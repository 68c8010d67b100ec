// cell.js is one cell on the page: its editor, its outputs, its toolbar (run or
// stop, type, move, collapse, delete) and its run state (queued, elapsed time while
// running, how long it took, stale). It edits the nbformat cell object in place and
// tells the page about every change; the page runs cells and saves.
import { el, button, clear } from '../dom.js';
import { createEditor } from '../editor/editor.js';
import { Outputs } from '../outputs/render.js';
import { renderMarkdown } from '../outputs/markdown.js';
import { formatElapsed } from '../format.js';
import { appendLine, filterLine } from '../dql/quote.js';
import { current as currentTheme } from '../theme.js';

/** kindOf names a cell's kind for its type selector: dql, js or markdown. */
export function kindOf(cell) {
  if (cell.cell_type !== 'code') return 'markdown';
  return cell.source.trimStart().startsWith('%%js') ? 'js' : 'dql';
}

/** CellView shows one cell. page is the NotebookPage that owns it. */
export class CellView {
  constructor(page, cell) {
    this.page = page;
    this.cell = cell;
    this.editSeq = 0; // page sequence number of the last edit
    this.runSeq = 0; // … of the last run request
    this.running = false;
    this.stale = false;
    this.editing = cell.cell_type !== 'markdown' || cell.source === '';
    this.build();
  }

  get id() { return this.cell.id; }
  get isCode() { return this.cell.cell_type === 'code'; }
  source() { return this.editor.text(); }

  build() {
    const c = this.cell;
    this.countNode = el('span', { class: 'exec-count', title: 'Execution count' });
    this.statusNode = el('span', { class: 'cell-status', 'aria-live': 'polite' });
    this.runBtn = button('Run (Shift+Enter)', '▶', () => this.page.run(this, 'stay'), { class: 'btn run' });
    this.stopBtn = button('Stop (interrupt)', '■', () => this.page.interrupt(), { class: 'btn stop', hidden: true });
    this.kind = el('select', { class: 'cell-kind', 'aria-label': 'Cell type', on: { change: () => this.setKind(this.kind.value) } },
      el('option', { value: 'dql' }, 'DQL'), el('option', { value: 'js' }, 'JavaScript'), el('option', { value: 'markdown' }, 'Markdown'));
    this.kind.value = kindOf(c);
    this.nameInput = el('input', {
      class: 'cell-name', type: 'text', placeholder: 'name', size: 10, 'aria-label': 'Cell name (results are kept under it)',
      title: 'Cell name: later cells and scripts reach this result by it',
      on: { change: () => this.setName(this.nameInput.value) },
    });
    this.nameInput.value = c.metadata.trailbook?.name || '';
    this.collapseBtn = button('Collapse outputs (O)', '▾', () => this.toggleCollapsed(), { class: 'btn collapse' });
    const toolbar = el('div', { class: 'cell-toolbar' },
      this.kind, this.nameInput, el('span', { class: 'spacer' }),
      button('Move up (Alt+↑)', '↑', () => this.page.move(this, -1), { class: 'btn move-up' }),
      button('Move down (Alt+↓)', '↓', () => this.page.move(this, 1), { class: 'btn move-down' }),
      this.collapseBtn,
      button('Delete cell (D D)', '✕', () => this.page.remove(this), { class: 'btn delete' }));
    this.editorBox = el('div', { class: 'cell-editor' });
    this.mdView = el('div', { class: 'md-view', title: 'Double-click to edit' });
    this.mdView.addEventListener('dblclick', () => this.edit());
    this.outputs = new Outputs({
      title: '',
      theme: currentTheme,
      view: () => this.cell.metadata.trailbook?.view,
      onView: (v) => this.setMeta('view', v),
      filter: (path, value, type, exclude) => this.addFilter(path, value, type, exclude),
    });
    this.hiddenNote = el('button', { type: 'button', class: 'btn link outputs-hidden', hidden: true, on: { click: () => this.toggleCollapsed() } }, 'Outputs collapsed: show');
    this.node = el('section', { class: 'cell', dataset: { id: c.id }, tabindex: '-1' },
      el('div', { class: 'cell-side' }, this.runBtn, this.stopBtn, this.countNode),
      el('div', { class: 'cell-main' }, toolbar, this.editorBox, this.mdView,
        el('div', { class: 'cell-foot' }, this.statusNode), this.hiddenNote, this.outputs.node));
    this.node.addEventListener('focusin', () => this.page.select(this, false));
    this.node.addEventListener('mousedown', () => this.page.select(this, false));
    this.editor = createEditor(this.editorBox, {
      doc: c.source,
      cellType: c.cell_type,
      onChange: (text) => this.onEdit(text),
      onRun: (mode) => this.page.run(this, mode),
      onEscape: () => this.page.commandMode(this),
      onFocus: () => this.page.select(this, false),
      complete: (code, cursor) => this.page.complete(code, cursor),
    });
    this.refresh();
  }

  /** refresh redraws what derives from the cell: type, count, outputs, Markdown. */
  refresh() {
    const c = this.cell;
    this.node.dataset.type = kindOf(c);
    this.kind.value = kindOf(c);
    this.countNode.textContent = this.isCode ? `[${c.execution_count ?? ' '}]` : '';
    this.runBtn.hidden = this.running;
    this.stopBtn.hidden = !this.running;
    const md = c.cell_type === 'markdown';
    this.editorBox.hidden = md && !this.editing;
    this.mdView.hidden = !md || this.editing;
    if (md && !this.editing) clear(this.mdView).append(renderMarkdown(c.source || '*empty Markdown cell: double-click to edit*'));
    this.renderOutputs();
    this.showCollapsed();
    if (!this.running && this.isCode && c.metadata.execution) this.showTook();
  }

  renderOutputs() {
    this.outputs.ctx.title = this.cell.metadata.trailbook?.name || `cell [${this.cell.execution_count ?? ' '}]`;
    this.outputs.render(this.isCode ? this.cell.outputs : []);
  }

  onEdit(text) {
    this.cell.source = text;
    this.editSeq = this.page.tick();
    this.page.changed();
  }

  setMeta(key, value) {
    const tb = { ...(this.cell.metadata.trailbook || {}) };
    if (value === '' || value == null) delete tb[key];
    else tb[key] = value;
    if (Object.keys(tb).length) this.cell.metadata.trailbook = tb;
    else delete this.cell.metadata.trailbook;
    this.page.changed();
  }

  setName(name) {
    this.setMeta('name', name.trim());
  }

  /** setKind turns the cell into DQL, JavaScript (%%js) or Markdown. */
  setKind(kind) {
    const c = this.cell;
    let src = this.source();
    const isJS = src.trimStart().startsWith('%%js');
    if (kind === 'js' && !isJS) src = '%%js\n' + src;
    if (kind !== 'js' && isJS) src = src.trimStart().replace(/^%%js[^\n]*\n?/, '');
    if (kind === 'markdown') {
      c.cell_type = 'markdown';
      delete c.outputs;
      delete c.execution_count;
    } else if (c.cell_type !== 'code') {
      c.cell_type = 'code';
      c.outputs = [];
      c.execution_count = null;
    }
    this.editor.setCellType(c.cell_type);
    if (src !== this.source()) this.editor.setText(src);
    this.editing = true;
    this.refresh();
    this.page.changed();
    this.page.updateStale();
  }

  /** addFilter appends `| filter …` or `| filterOut …` for a value to the query. */
  addFilter(path, value, type, exclude) {
    const line = filterLine(path, value, type, exclude);
    if (!line) return;
    this.editor.setText(appendLine(this.source(), line));
    this.page.select(this, false);
    this.node.scrollIntoView({ block: 'nearest' });
    this.editor.focus(true);
  }

  edit() {
    if (this.cell.cell_type === 'markdown' && !this.editing) {
      this.editing = true;
      this.refresh();
    }
    this.editor.focus();
  }

  /** renderMarkdown leaves editing of a Markdown cell and shows it rendered. */
  renderMarkdown() {
    this.editing = false;
    this.refresh();
  }

  toggleCollapsed() {
    const m = this.cell.metadata;
    const hidden = !(m.jupyter?.outputs_hidden);
    m.jupyter = { ...(m.jupyter || {}), outputs_hidden: hidden };
    if (!hidden) delete m.jupyter.outputs_hidden;
    if (Object.keys(m.jupyter).length === 0) delete m.jupyter;
    m.collapsed = hidden;
    if (!hidden) delete m.collapsed;
    this.showCollapsed();
    this.page.changed();
  }

  showCollapsed() {
    const hidden = Boolean(this.cell.metadata.jupyter?.outputs_hidden) && this.isCode && this.cell.outputs.length > 0;
    this.outputs.node.hidden = hidden;
    this.hiddenNote.hidden = !hidden;
    this.collapseBtn.querySelector('.icon').textContent = hidden ? '▸' : '▾';
    this.collapseBtn.title = hidden ? 'Expand outputs (O)' : 'Collapse outputs (O)';
    this.node.classList.toggle('collapsed', hidden);
  }

  setStale(stale) {
    if (stale === this.stale) return;
    this.stale = stale;
    this.node.classList.toggle('stale', stale);
    this.showStatus();
  }

  // Run state.

  /** queued shows that the cell waits for the kernel; the outputs are cleared. */
  queued(seq) {
    this.runSeq = seq;
    this.running = true;
    this.started = 0;
    this.cell.outputs = [];
    this.cell.metadata.execution = {};
    this.editor.showErrors([]);
    this.setStale(false);
    this.node.classList.add('running');
    this.refresh();
    this.statusNode.textContent = 'queued';
  }

  /** started begins the elapsed-time display (the kernel took the cell). */
  start() {
    this.started = performance.now();
    this.cell.metadata.execution = { 'iopub.execute_input': new Date().toISOString() };
    clearInterval(this.ticker);
    const tick = () => { this.statusNode.textContent = `running ${formatElapsed(performance.now() - this.started)}`; };
    tick();
    this.ticker = setInterval(tick, 100);
  }

  /** onIOPub takes one broadcast of this cell's execution. */
  onIOPub(msg) {
    const type = msg.header?.msg_type;
    const c = msg.content || {};
    switch (type) {
      case 'execute_input':
        if (Number.isInteger(c.execution_count)) this.cell.execution_count = c.execution_count;
        this.countNode.textContent = `[${this.cell.execution_count ?? '*'}]`;
        this.start();
        return;
      case 'stream': {
        const last = this.cell.outputs[this.cell.outputs.length - 1];
        if (last?.output_type === 'stream' && last.name === c.name) last.text += c.text;
        else this.cell.outputs.push({ output_type: 'stream', name: c.name, text: String(c.text ?? '') });
        break;
      }
      case 'display_data':
        this.cell.outputs.push({ output_type: 'display_data', data: c.data || {}, metadata: c.metadata || {} });
        break;
      case 'execute_result':
        this.cell.outputs.push({ output_type: 'execute_result', data: c.data || {}, metadata: c.metadata || {}, execution_count: c.execution_count ?? this.cell.execution_count });
        break;
      case 'error':
        this.cell.outputs.push({ output_type: 'error', ename: String(c.ename ?? 'Error'), evalue: String(c.evalue ?? ''), traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [] });
        this.failed = c.ename;
        if (msg.metadata?.trailbook?.errors) this.editor.showErrors(msg.metadata.trailbook.errors);
        break;
      case 'clear_output':
        this.cell.outputs = [];
        break;
      default:
        return;
    }
    this.renderOutputs();
  }

  /** finish ends a run with the execute_reply (null when the connection was lost). */
  finish(reply) {
    clearInterval(this.ticker);
    this.running = false;
    this.node.classList.remove('running');
    const status = reply?.content?.status;
    const ended = new Date().toISOString();
    if (this.started) {
      this.cell.metadata.execution = { ...this.cell.metadata.execution, 'shell.execute_reply': ended };
    } else {
      delete this.cell.metadata.execution;
    }
    if (Number.isInteger(reply?.content?.execution_count) && status !== 'aborted') this.cell.execution_count = reply.content.execution_count;
    this.result = status === 'aborted' ? 'aborted' : status === 'error' || this.failed ? (this.failed === 'Interrupted' ? 'interrupted' : 'error') : reply ? 'ok' : 'lost';
    this.failed = null;
    this.refresh();
    this.showStatus();
  }

  showTook() {
    const ex = this.cell.metadata.execution || {};
    const a = Date.parse(ex['iopub.execute_input']);
    const b = Date.parse(ex['shell.execute_reply']);
    this.took = Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
    this.showStatus();
  }

  showStatus() {
    if (this.running) return;
    const parts = [];
    const label = { ok: '✓', error: '✗ failed', interrupted: '✗ interrupted', aborted: 'not run (an earlier cell failed)', lost: 'connection lost' }[this.result];
    if (label) parts.push(label);
    if (this.took != null && this.result !== 'aborted') parts.push(`took ${formatElapsed(this.took)}`);
    this.statusNode.textContent = parts.join(' ');
    if (this.stale) {
      this.statusNode.append(el('span', { class: 'stale-badge', title: 'An earlier cell or the timeframe changed since this cell ran: run it again' }, 'stale'));
    }
  }

  setTheme(theme) {
    this.outputs.setTheme(theme);
  }

  dispose() {
    clearInterval(this.ticker);
    this.outputs.dispose();
    this.editor.destroy();
  }
}
