// render.js shows a code cell's outputs (nbformat output objects, as the kernel
// sends and the notebook saves them): tables, charts with a chart/table toggle,
// Markdown, PNG images, streams and errors. text/html is never shown as HTML: the
// text/plain of the same bundle stands in for it.
import { el, clear } from '../dom.js';
import { ResultTable } from './table.js';
import { Chart } from './chart.js';
import { renderMarkdown } from './markdown.js';

export const MIME_TABLE = 'application/vnd.trailbook.table+json';
export const MIME_CHART = 'application/vnd.trailbook.echarts+json';

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** textOf returns a MIME value as one string (nbformat allows a list of lines). */
function textOf(v) {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
}

/** jsonOf returns a +json MIME value as an object (older writers stored text). */
function jsonOf(v) {
  if (typeof v !== 'string' && !Array.isArray(v)) return v;
  try { return JSON.parse(textOf(v)); } catch { return null; }
}

/**
 * Outputs is the rendered output area of a cell. ctx: title, theme, view ('chart'
 * or 'table'), onView(view), filter(path, value, type, exclude).
 */
export class Outputs {
  constructor(ctx) {
    this.ctx = ctx;
    this.node = el('div', { class: 'outputs' });
    this.parts = []; // things to dispose: tables, charts
  }

  dispose() {
    for (const p of this.parts) p.dispose();
    this.parts = [];
  }

  render(outputs) {
    this.dispose();
    clear(this.node);
    const chartOut = outputs.find((o) => o.data && o.data[MIME_CHART]);
    const tableOut = outputs.find((o) => o.data && o.data[MIME_TABLE]);
    const paired = chartOut && tableOut;
    for (const o of outputs) {
      if (paired && o === tableOut) continue; // drawn with the chart
      if (paired && o === chartOut) {
        this.node.append(this.pair(chartOut, tableOut));
        continue;
      }
      const n = this.one(o);
      if (n) this.node.append(n);
    }
  }

  /** pair shows a chart and its table with a toggle between them. */
  pair(chartOut, tableOut) {
    const box = el('div', { class: 'output result-pair' });
    const chartBtn = el('button', { type: 'button', class: 'seg', 'aria-pressed': 'false', dataset: { view: 'chart' } }, 'Chart');
    const tableBtn = el('button', { type: 'button', class: 'seg', 'aria-pressed': 'false', dataset: { view: 'table' } }, 'Table');
    const chartBox = el('div', { class: 'pair-chart' });
    const tableBox = el('div', { class: 'pair-table' });
    let chart = null;
    let table = null;
    const show = (view) => {
      const isChart = view !== 'table';
      chartBtn.setAttribute('aria-pressed', String(isChart));
      tableBtn.setAttribute('aria-pressed', String(!isChart));
      chartBox.hidden = !isChart;
      tableBox.hidden = isChart;
      if (isChart && !chart) {
        chart = new Chart(jsonOf(chartOut.data[MIME_CHART]), this.ctx.theme(), () => this.ctx.title);
        this.parts.push(chart);
        chartBox.append(chart.node);
      }
      if (!isChart && !table) {
        table = this.table(tableOut);
        tableBox.append(table.node);
      }
    };
    const choose = (view) => {
      show(view);
      this.ctx.onView?.(view);
    };
    chartBtn.addEventListener('click', () => choose('chart'));
    tableBtn.addEventListener('click', () => choose('table'));
    box.append(el('div', { class: 'segmented', role: 'group', 'aria-label': 'Show as' }, chartBtn, tableBtn), chartBox, tableBox);
    show(this.ctx.view?.() || 'chart');
    return box;
  }

  table(o) {
    const t = new ResultTable(jsonOf(o.data[MIME_TABLE]) || {}, this.ctx);
    this.parts.push(t);
    return t;
  }

  one(o) {
    switch (o.output_type) {
      case 'stream':
        return el('pre', { class: `output stream ${o.name === 'stderr' ? 'stderr' : 'stdout'}` }, textOf(o.text).replace(ANSI, ''));
      case 'error':
        return el('div', { class: 'output error', role: 'alert' },
          el('div', { class: 'error-head' }, `${o.ename || 'Error'}: ${o.evalue || ''}`),
          Array.isArray(o.traceback) && o.traceback.length > 0 && !(o.traceback.length === 1 && o.traceback[0] === o.evalue)
            ? el('pre', { class: 'traceback' }, o.traceback.join('\n').replace(ANSI, '')) : null);
      case 'display_data':
      case 'execute_result':
        return this.bundle(o.data || {});
    }
    return null;
  }

  bundle(data) {
    if (data[MIME_CHART]) {
      const c = new Chart(jsonOf(data[MIME_CHART]), this.ctx.theme(), () => this.ctx.title);
      this.parts.push(c);
      return el('div', { class: 'output' }, c.node);
    }
    if (data[MIME_TABLE]) return el('div', { class: 'output' }, this.table({ data }).node);
    if (data['text/markdown'] != null) return el('div', { class: 'output' }, renderMarkdown(textOf(data['text/markdown'])));
    if (typeof data['image/png'] === 'string') {
      return el('div', { class: 'output' }, el('img', { class: 'png', alt: textOf(data['text/plain']) || 'image', src: 'data:image/png;base64,' + data['image/png'].replace(/\s/g, '') }));
    }
    if (data['text/plain'] != null) return el('pre', { class: 'output plain' }, textOf(data['text/plain']).replace(ANSI, ''));
    if (data['text/html'] != null) return el('p', { class: 'output muted' }, 'HTML output is not shown here (it has no text/plain form).');
    return null;
  }

  /** setTheme redraws charts in the page's theme. */
  setTheme(theme) {
    for (const p of this.parts) p.setTheme?.(theme);
  }
}
