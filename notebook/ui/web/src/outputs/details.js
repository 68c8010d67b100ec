// details.js is the record details panel: one record of a result table as a JSON
// tree, with Previous/Next (and PageUp/PageDown) to walk the result, copy, and the
// filter actions that append `| filter …` / `| filterOut …` to the cell. One panel
// serves the whole page; the table that opened it keeps it in step with its
// selected row, so the arrow keys in the table walk records too.
import { el, button, copyText, toast } from '../dom.js';
import { JsonTree } from './tree.js';
import { formatCount } from '../format.js';

/**
 * A details source is what a table hands the panel:
 *   title: string, count(): number, types: {field: DQL type},
 *   get(i): Promise<record|undefined>, select(i): move the table's selection,
 *   filter(path, value, type, exclude), close(): the panel closed.
 */
export class RecordDetails {
  constructor() {
    this.source = null;
    this.index = 0;
    this.tree = new JsonTree((action, node) => this.act(action, node));
    this.position = el('span', { class: 'details-pos', 'aria-live': 'polite' });
    this.titleNode = el('span', { class: 'details-title' });
    this.prev = button('Previous record (PageUp)', '‹', () => this.step(-1), { class: 'btn details-prev', text: 'Previous' });
    this.next = button('Next record (PageDown)', '›', () => this.step(1), { class: 'btn details-next', text: 'Next' });
    this.node = el('aside', { class: 'details', role: 'dialog', 'aria-label': 'Record details', hidden: true },
      el('header', { class: 'details-head' },
        el('h2', {}, 'Record details'), this.titleNode, this.position,
        el('span', { class: 'spacer' }),
        this.prev, this.next,
        button('Copy record as JSON', null, () => this.copyRecord(), { class: 'btn details-copy', text: 'Copy' }),
        button('Close (Esc)', '✕', () => this.close(), { class: 'btn details-close' })),
      el('div', { class: 'details-body' }, this.tree.node));
    this.node.addEventListener('keydown', (ev) => this.onKey(ev));
    document.body.append(this.node);
  }

  /** isOpen reports whether the panel shows a record of source (any source when omitted). */
  isOpen(source) {
    return !this.node.hidden && (!source || this.source === source);
  }

  /** open shows record i of source. */
  async open(source, i) {
    if (this.source && this.source !== source) this.source.close?.();
    this.source = source;
    this.node.hidden = false;
    document.body.classList.add('with-details');
    this.titleNode.textContent = source.title;
    await this.show(i);
  }

  async show(i) {
    const src = this.source;
    if (!src) return;
    const n = src.count();
    if (n === 0) return;
    this.index = Math.max(0, Math.min(i, n - 1));
    const want = this.index;
    this.position.textContent = `${formatCount(want + 1)} of ${formatCount(n)}`;
    this.prev.disabled = want === 0;
    this.next.disabled = want >= n - 1;
    const rec = await src.get(want);
    if (this.source !== src || this.index !== want) return; // a later step won
    this.record = rec;
    this.node.dataset.index = String(want);
    this.tree.show(rec, src.types);
  }

  step(d) {
    if (!this.source) return;
    const i = this.index + d;
    if (i < 0 || i >= this.source.count()) return;
    this.source.select(i); // the table follows, and calls show
    this.show(i);
  }

  close() {
    if (this.node.hidden) return;
    this.node.hidden = true;
    document.body.classList.remove('with-details');
    const src = this.source;
    this.source = null;
    src?.close?.();
  }

  async copyRecord() {
    if (this.record && await copyText(JSON.stringify(this.record, null, 2))) toast('Record copied');
  }

  async act(action, node) {
    if (action === 'copy') {
      const text = typeof node.value === 'string' ? node.value : JSON.stringify(node.value, null, 2);
      if (await copyText(text)) toast('Value copied');
      return;
    }
    this.source?.filter(node.path, node.value, node.type, action === 'exclude');
  }

  onKey(ev) {
    if (ev.key === 'Escape') this.close();
    else if (ev.key === 'PageDown' || (ev.altKey && ev.key === 'ArrowDown')) this.step(1);
    else if (ev.key === 'PageUp' || (ev.altKey && ev.key === 'ArrowUp')) this.step(-1);
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  }
}

let panel = null;

/** details returns the page's record details panel, made on first use. */
export function details() {
  panel ||= new RecordDetails();
  return panel;
}
