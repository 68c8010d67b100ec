// table.js shows an application/vnd.trailbook.table+json output as a table built for
// millions of rows: only the rows in view exist in the DOM (virtual scrolling), and
// records beyond those the output carries are fetched a page at a time from
// GET /api/trailbook/results/{resultId}. Columns sort and resize; timestamps show
// in local time with UTC on hover; nested values show compactly. A row opens in the
// record details panel on double-click, Enter, or "View field details" in its
// context menu; with the panel open, ↑/↓ walk the records. "CSV" and "JSON" in
// the status line download the whole result, streamed by the server, not only
// the rows loaded here.
import { el, clear, copyText, toast } from '../dom.js';
import { cellText, compareValues, formatCount } from '../format.js';
import { exportURL, resultPage } from '../api.js';
import { showMenu } from '../menu.js';
import { details } from './details.js';

// Layout. ROW_HEIGHT must match --row-height in style.css.
const ROW_HEIGHT = 26;
const OVERSCAN = 8; // rows drawn beyond each edge of the view, so fast scrolls show no gaps
const MAX_SCROLL_PX = 8_000_000; // browsers cap element heights; taller results scroll proportionally

// Paging. PAGE records per request; sorting loads every kept record, up to SORT_LIMIT.
const PAGE = 1000;
const SORT_PAGE = 10000;
const SORT_LIMIT = 200_000;

const INDEX_WIDTH = 56;

function initialWidth(col) {
  const byType = { timestamp: 200, long: 100, double: 110, boolean: 80, duration: 110, ip: 140, record: 320, array: 240 };
  const w = byType[col.type] ?? (col.name === 'content' ? 420 : 200);
  return Math.max(w, Math.min(col.name.length * 8 + 36, 260));
}

/**
 * ResultTable renders one table output. ctx: title (for the details panel),
 * filter(path, value, type, exclude) to append a filter to the cell.
 */
export class ResultTable {
  constructor(data, ctx) {
    this.ctx = ctx;
    this.columns = Array.isArray(data.columns) ? data.columns.filter((c) => c && typeof c.name === 'string') : [];
    this.types = Object.fromEntries(this.columns.map((c) => [c.name, c.type]));
    this.total = Number(data.total ?? data.records?.length ?? 0);
    this.inline = Array.isArray(data.records) ? data.records : [];
    this.available = Number(data.kept ?? this.total);
    if (!data.resultId) this.available = Math.min(this.available, this.inline.length);
    this.resultId = data.resultId;
    this.recs = this.inline.slice();
    this.pages = new Map(); // page → Promise, while loading or loaded
    this.unavailable = false; // the server no longer keeps the result
    this.order = null; // view index → record index, after a sort
    this.sort = null; // {col, dir}
    this.widths = this.columns.map(initialWidth);
    this.selected = -1;
    this.frame = 0;
    this.build();
  }

  count() { return this.available; }

  build() {
    this.status = el('div', { class: 'table-status' });
    this.head = el('div', { class: 'thead', role: 'row' });
    this.body = el('div', { class: 'tbody', role: 'rowgroup' });
    this.scroller = el('div', { class: 'table-scroll', role: 'grid', tabindex: '0', 'aria-rowcount': String(this.available), 'aria-label': 'Result records' },
      this.head, this.body);
    this.node = el('div', { class: 'result-table' }, this.status, this.scroller);
    this.renderHead();
    this.updateStatus();
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    this.body.addEventListener('click', (ev) => this.onRowEvent(ev));
    this.body.addEventListener('dblclick', (ev) => this.onRowEvent(ev));
    this.body.addEventListener('contextmenu', (ev) => this.onRowEvent(ev));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.layout();
  }

  updateStatus() {
    const parts = [`${formatCount(this.available)} of ${formatCount(this.total)} records`];
    if (this.available < this.total) parts.push(this.resultId ? '(the rest were not kept: narrow the query)' : '(run the cell again to page through all)');
    if (this.unavailable) parts.push('— this result is no longer on the server: run the cell again to page through it');
    clear(this.status).append(el('span', { class: 'count' }, parts.join(' ')));
    if (this.sort) this.status.append(el('span', { class: 'muted' }, ` · sorted by ${this.columns[this.sort.col].name} ${this.sort.dir > 0 ? 'ascending' : 'descending'}`));
    this.status.append(el('span', { class: 'table-export' }, 'Download ',
      el('button', { type: 'button', class: 'btn link', title: 'Download every record as CSV (formulas defused)', dataset: { export: 'csv' }, on: { click: () => this.download('csv') } }, 'CSV'),
      ' ',
      el('button', { type: 'button', class: 'btn link', title: 'Download every record as JSON', dataset: { export: 'json' }, on: { click: () => this.download('json') } }, 'JSON')));
  }

  /**
   * download saves the whole result from the server in format ('csv' or 'json'):
   * a plain link download, after a one-record request that tells whether the
   * server still keeps the result (a link to a missing one would save an error).
   */
  async download(format) {
    if (!this.resultId || this.unavailable) {
      toast(this.resultId ? 'This result is no longer on the server: run the cell again to download it'
        : 'Only the records shown are in this notebook: run the cell again to download every record');
      return;
    }
    try {
      await resultPage(this.resultId, 0, 1);
    } catch (err) {
      if (err.status === 404) {
        this.unavailable = true;
        this.updateStatus();
        toast('This result is no longer on the server: run the cell again to download it');
      } else {
        toast(`Cannot download: ${err.message}`);
      }
      return;
    }
    // The file is named after the cell (the server cleans the name the same way).
    const name = String(this.ctx.title || '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|[_.]+$/g, '').slice(0, 64) || 'result';
    const a = el('a', { href: exportURL(this.resultId, format, name), download: `${name}.${format}`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    if (this.available < this.total) toast(`The download holds the ${formatCount(this.available)} records the server kept, of ${formatCount(this.total)}`);
  }

  renderHead() {
    clear(this.head);
    this.head.append(el('div', { class: 'th index', style: { width: `${INDEX_WIDTH}px` }, role: 'columnheader' }, '#'));
    this.columns.forEach((c, i) => {
      const dir = this.sort?.col === i ? this.sort.dir : 0;
      const sortBtn = el('button', {
        type: 'button', class: 'th-label', title: `${c.name} (${c.type}): click to sort`,
        on: { click: () => this.toggleSort(i) },
      }, el('span', { class: 'th-name' }, c.name), el('span', { class: 'sort', 'aria-hidden': 'true' }, dir > 0 ? '▲' : dir < 0 ? '▼' : ''));
      const handle = el('span', { class: 'resize', title: 'Drag to resize', 'aria-hidden': 'true' });
      handle.addEventListener('pointerdown', (ev) => this.startResize(ev, i));
      this.head.append(el('div', {
        class: 'th', role: 'columnheader', style: { width: `${this.widths[i]}px` },
        'aria-sort': dir > 0 ? 'ascending' : dir < 0 ? 'descending' : 'none', dataset: { col: String(i) },
      }, sortBtn, handle));
    });
  }

  totalWidth() {
    return INDEX_WIDTH + this.widths.reduce((a, b) => a + b, 0);
  }

  layout() {
    const h = Math.min(this.available * ROW_HEIGHT, MAX_SCROLL_PX);
    this.body.style.height = `${h}px`;
    this.body.style.width = `${this.totalWidth()}px`;
    this.head.style.width = `${this.totalWidth()}px`;
    this.draw();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** firstRow returns the fractional index of the row at the top of the view. */
  firstRow() {
    const view = this.scroller.clientHeight - ROW_HEIGHT; // the sticky header covers one row
    const full = this.available * ROW_HEIGHT;
    const top = this.scroller.scrollTop;
    if (full <= MAX_SCROLL_PX) return top / ROW_HEIGHT;
    const ratio = top / Math.max(1, MAX_SCROLL_PX - view);
    return ratio * Math.max(0, this.available - view / ROW_HEIGHT);
  }

  draw() {
    const view = Math.max(this.scroller.clientHeight, ROW_HEIGHT * 10);
    const first = this.firstRow();
    const from = Math.max(0, Math.floor(first) - OVERSCAN);
    const to = Math.min(this.available, Math.ceil(first + view / ROW_HEIGHT) + OVERSCAN);
    const offset = this.scroller.scrollTop - first * ROW_HEIGHT;
    const rows = [];
    for (let i = from; i < to; i++) rows.push(this.row(i, i * ROW_HEIGHT + offset));
    clear(this.body).append(...rows);
  }

  recordAt(viewIndex) {
    const ri = this.order ? this.order[viewIndex] : viewIndex;
    const rec = this.recs[ri];
    if (rec === undefined) this.load(ri);
    return rec;
  }

  row(i, top) {
    const rec = this.recordAt(i);
    const r = el('div', {
      class: 'tr' + (i === this.selected ? ' selected' : '') + (i % 2 ? ' odd' : ''), role: 'row',
      'aria-rowindex': String(i + 1), 'aria-selected': i === this.selected ? 'true' : 'false',
      dataset: { index: String(i) }, style: { transform: `translateY(${top}px)`, width: `${this.totalWidth()}px` },
    });
    r.append(el('div', { class: 'td index', style: { width: `${INDEX_WIDTH}px` } }, String(i + 1)));
    if (rec === undefined) {
      r.append(el('div', { class: 'td loading', style: { width: `${this.totalWidth() - INDEX_WIDTH}px` } },
        this.unavailable ? 'not available: run the cell again' : 'loading…'));
      return r;
    }
    this.columns.forEach((c, j) => {
      const f = cellText(rec?.[c.name], c.type);
      const title = f.title ?? (f.text.length > 40 ? f.text : undefined);
      r.append(el('div', { class: `td v-${f.kind}`, role: 'gridcell', title, style: { width: `${this.widths[j]}px` }, dataset: { col: String(j) } }, f.text));
    });
    return r;
  }

  /** load fetches the page holding record ri, once. */
  load(ri) {
    if (!this.resultId || this.unavailable || ri >= this.available) return null;
    const p = Math.floor(ri / PAGE);
    if (!this.pages.has(p)) {
      const start = Math.max(p * PAGE, this.inline.length);
      const end = Math.min((p + 1) * PAGE, this.available);
      this.pages.set(p, this.fetchRange(start, end).then(() => this.schedule()));
    }
    return this.pages.get(p);
  }

  async fetchRange(start, end) {
    for (let off = start; off < end;) {
      let page;
      try {
        page = await resultPage(this.resultId, off, Math.min(end - off, SORT_PAGE));
      } catch (err) {
        if (err.status === 404) {
          this.unavailable = true;
          this.updateStatus();
        } else {
          toast(`Cannot load records: ${err.message}`);
        }
        this.pages.clear();
        return;
      }
      const recs = Array.isArray(page.records) ? page.records : [];
      recs.forEach((r, k) => { this.recs[off + k] = r; });
      if (recs.length === 0) return;
      off += recs.length;
    }
  }

  /** get returns record view index i, fetching it if needed (for the details panel). */
  async get(i) {
    const ri = this.order ? this.order[i] : i;
    if (this.recs[ri] === undefined) await this.load(ri);
    return this.recs[ri];
  }

  /** toggleSort cycles a column through ascending, descending and unsorted. */
  toggleSort(col) {
    // One at a time: a sort may first load the whole result.
    this.sorting = (this.sorting || Promise.resolve()).then(() => this.sortBy(col));
    return this.sorting;
  }

  async sortBy(col) {
    const cur = this.sort?.col === col ? this.sort.dir : 0;
    const dir = cur === 0 ? 1 : cur === 1 ? -1 : 0;
    if (dir !== 0 && this.recs.length < this.available) {
      if (this.available > SORT_LIMIT) {
        toast(`Too many records to sort here (${formatCount(this.available)}): add | sort to the query`);
        return;
      }
      if (!this.resultId || this.unavailable) {
        toast('Only part of this result is here: run the cell again to sort it all');
        return;
      }
      this.status.append(el('span', { class: 'muted' }, ' · loading every record to sort…'));
      await this.fetchRange(this.inline.length, this.available);
      if (this.unavailable) return;
    }
    this.sort = dir === 0 ? null : { col, dir };
    if (!this.sort) {
      this.order = null;
    } else {
      const name = this.columns[col].name;
      const order = Array.from({ length: this.available }, (_, k) => k);
      order.sort((a, b) => {
        const x = this.recs[a]?.[name];
        const y = this.recs[b]?.[name];
        const c = compareValues(x, y);
        return x == null || y == null ? c : c * dir || a - b;
      });
      this.order = order;
    }
    this.selected = -1;
    this.renderHead();
    this.updateStatus();
    this.draw();
  }

  startResize(ev, col) {
    ev.preventDefault();
    ev.stopPropagation();
    const handle = ev.currentTarget;
    handle.setPointerCapture(ev.pointerId);
    const x0 = ev.clientX;
    const w0 = this.widths[col];
    const move = (e) => {
      this.widths[col] = Math.max(40, Math.round(w0 + e.clientX - x0));
      this.head.children[col + 1].style.width = `${this.widths[col]}px`;
      this.head.style.width = `${this.totalWidth()}px`;
      this.body.style.width = `${this.totalWidth()}px`;
      this.schedule();
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  /** select moves the selection to view index i and scrolls it into view. */
  select(i) {
    if (this.available === 0) return;
    this.selected = Math.max(0, Math.min(i, this.available - 1));
    const full = this.available * ROW_HEIGHT;
    if (full <= MAX_SCROLL_PX) {
      const top = this.selected * ROW_HEIGHT;
      const view = this.scroller.clientHeight - ROW_HEIGHT;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (top + ROW_HEIGHT > this.scroller.scrollTop + view) this.scroller.scrollTop = top + ROW_HEIGHT - view;
    } else {
      this.scroller.scrollTop = (this.selected / this.available) * MAX_SCROLL_PX;
    }
    // Mark the rows in place: rebuilding them between the two clicks of a
    // double-click would lose the double-click. A scroll redraws by itself.
    for (const r of this.body.children) {
      const on = Number(r.dataset.index) === this.selected;
      r.classList.toggle('selected', on);
      r.setAttribute('aria-selected', String(on));
    }
  }

  /** moveTo selects i and, when the details panel shows this table, its record. */
  moveTo(i) {
    this.select(i);
    const panel = details();
    if (panel.isOpen(this.detailsSource())) panel.show(this.selected);
  }

  openDetails(i) {
    this.select(i);
    details().open(this.detailsSource(), this.selected);
  }

  detailsSource() {
    this.source ||= {
      title: this.ctx.title,
      types: this.types,
      count: () => this.available,
      get: (i) => this.get(i),
      select: (i) => this.select(i),
      filter: (path, value, type, exclude) => this.ctx.filter(path, value, type, exclude),
      close: () => this.scroller.focus({ preventScroll: true }),
    };
    return this.source;
  }

  onRowEvent(ev) {
    const r = ev.target.closest('.tr');
    if (!r) return;
    const i = Number(r.dataset.index);
    if (ev.type === 'click') {
      this.scroller.focus({ preventScroll: true });
      this.moveTo(i);
    } else if (ev.type === 'dblclick') {
      this.openDetails(i);
    } else if (ev.type === 'contextmenu') {
      ev.preventDefault();
      this.scroller.focus({ preventScroll: true });
      this.select(i);
      const cell = ev.target.closest('.td[data-col]');
      this.rowMenu(i, cell ? Number(cell.dataset.col) : -1, ev.clientX, ev.clientY);
    }
  }

  rowMenu(i, col, x, y) {
    const items = [
      { label: 'View field details', run: () => this.openDetails(i) },
      { label: 'Copy record as JSON', run: async () => { if (await copyText(JSON.stringify(await this.get(i), null, 2))) toast('Record copied'); } },
    ];
    if (col >= 0) {
      const c = this.columns[col];
      const v = this.recs[this.order ? this.order[i] : i]?.[c.name];
      items.push(
        { label: `Filter on this ${c.name}`, run: () => this.ctx.filter([c.name], v, c.type, false) },
        { label: `Exclude this ${c.name}`, run: () => this.ctx.filter([c.name], v, c.type, true) },
      );
    }
    showMenu(x, y, items);
  }

  onKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 2);
    const i = this.selected;
    switch (ev.key) {
      case 'ArrowDown': this.moveTo(i < 0 ? 0 : i + 1); break;
      case 'ArrowUp': this.moveTo(i < 0 ? 0 : i - 1); break;
      case 'PageDown': this.moveTo(i + page); break;
      case 'PageUp': this.moveTo(i - page); break;
      case 'Home': this.moveTo(0); break;
      case 'End': this.moveTo(this.available - 1); break;
      case 'Enter': this.openDetails(Math.max(i, 0)); break;
      case 'Escape':
        if (!details().isOpen(this.detailsSource())) return;
        details().close();
        break;
      case 'ContextMenu': {
        const r = this.body.querySelector('.tr.selected') || this.body.firstChild;
        if (!r) return;
        const b = r.getBoundingClientRect();
        this.rowMenu(Math.max(i, 0), -1, b.left + 60, b.bottom);
        break;
      }
      default: return;
    }
    ev.preventDefault();
    ev.stopPropagation();
  }

  dispose() {
    if (this.source && details().isOpen(this.source)) details().close();
    cancelAnimationFrame(this.frame);
  }
}
