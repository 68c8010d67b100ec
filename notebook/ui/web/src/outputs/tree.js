// tree.js shows one record as a JSON tree (the WAI-ARIA tree pattern): records and
// arrays expand and collapse; ↑/↓ move between visible rows, → expands or enters,
// ← collapses or goes to the parent, Enter toggles. Every value offers copy,
// "filter on this value" and "exclude this value", through buttons, the context
// menu, or the keys c, f and x. Values are inserted as text.
import { el, clear } from '../dom.js';
import { cellText, compact } from '../format.js';
import { literal } from '../dql/quote.js';
import { showMenu } from '../menu.js';

/** Fields expanded when a record is shown: the parsed CloudTrail event. */
const EXPANDED = new Set(['event']);

/**
 * JsonTree renders records. onAction(action, node) receives 'copy', 'filter' or
 * 'exclude' with the node {path, value, type}.
 */
export class JsonTree {
  constructor(onAction) {
    this.onAction = onAction;
    this.nodes = new WeakMap(); // treeitem element → {path, value, type, group, filled}
    this.node = el('div', { class: 'tree', role: 'tree', tabindex: '0', 'aria-label': 'Record fields' });
    this.node.addEventListener('keydown', (ev) => this.onKey(ev));
    this.node.addEventListener('focus', () => { if (!this.active) this.activate(this.items()[0]); });
    this.active = null;
  }

  /** show replaces the tree with record's fields; types maps top-level names to DQL types. */
  show(record, types) {
    const keepPath = this.active && this.nodes.get(this.active)?.path;
    clear(this.node);
    this.active = null;
    if (!record || typeof record !== 'object') {
      this.node.append(el('p', { class: 'muted' }, 'no record'));
      return;
    }
    for (const [k, v] of Object.entries(record)) {
      this.node.append(this.item([k], v, types?.[k], 1));
    }
    // Keep the row the user was on when walking from record to record.
    if (keepPath) {
      const same = this.items().find((it) => samePath(this.nodes.get(it).path, keepPath));
      if (same) this.activate(same, false);
    }
  }

  item(path, value, type, level) {
    const nested = value !== null && typeof value === 'object' && !(type === 'timeframe');
    const key = String(path[path.length - 1]);
    const shown = cellText(value, type);
    const row = el('div', {
      class: 'tree-row', role: 'treeitem', 'aria-level': String(level), 'aria-selected': 'false',
      dataset: { path: JSON.stringify(path) },
    });
    const toggle = el('span', { class: 'tree-toggle', 'aria-hidden': 'true' }, nested ? '▸' : '');
    const label = el('span', { class: 'tree-key' }, typeof path[path.length - 1] === 'number' ? `[${key}]` : key);
    const val = el('span', { class: `tree-value v-${nested ? 'nested' : shown.kind}`, title: shown.title },
      nested ? compact(value) : value === null ? 'null' : typeof value === 'string' && type !== 'timestamp' ? value : shown.text);
    const filterable = literal(value, type) !== null;
    const actions = el('span', { class: 'tree-actions' },
      el('button', { type: 'button', class: 'btn tiny', title: 'Copy value', dataset: { action: 'copy' }, tabindex: '-1' }, 'Copy'),
      el('button', { type: 'button', class: 'btn tiny', title: 'Filter on this value', dataset: { action: 'filter' }, tabindex: '-1', disabled: !filterable }, '= Filter'),
      el('button', { type: 'button', class: 'btn tiny', title: 'Exclude this value', dataset: { action: 'exclude' }, tabindex: '-1', disabled: !filterable }, '≠ Exclude'));
    const line = el('div', { class: 'tree-line' }, toggle, label, el('span', { class: 'tree-sep' }, ': '), val, actions);
    row.append(line);
    const data = { path, value, type, nested, filterable, group: null, val };
    this.nodes.set(row, data);
    line.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-action]');
      this.activate(row, !b);
      if (b) this.onAction(b.dataset.action, data);
      else if (nested && (ev.target === toggle || ev.detail === 2 || ev.target === label)) this.toggle(row);
    });
    line.addEventListener('contextmenu', (ev) => {
      ev.preventDefault();
      this.activate(row);
      this.menu(row, ev.clientX, ev.clientY);
    });
    if (nested) {
      row.setAttribute('aria-expanded', 'false');
      if (level === 1 && EXPANDED.has(key)) this.expand(row);
    }
    return row;
  }

  menu(row, x, y) {
    const d = this.nodes.get(row);
    showMenu(x, y, [
      { label: 'Copy value', run: () => this.onAction('copy', d) },
      { label: 'Filter on this value', run: () => this.onAction('filter', d), disabled: !d.filterable },
      { label: 'Exclude this value', run: () => this.onAction('exclude', d), disabled: !d.filterable },
    ]);
  }

  expand(row) {
    const d = this.nodes.get(row);
    if (!d?.nested) return;
    if (!d.group) {
      d.group = el('div', { role: 'group', class: 'tree-group' });
      const level = Number(row.getAttribute('aria-level')) + 1;
      const entries = Array.isArray(d.value) ? d.value.map((v, i) => [i, v]) : Object.entries(d.value);
      for (const [k, v] of entries) d.group.append(this.item([...d.path, k], v, undefined, level));
      row.append(d.group);
    }
    d.group.hidden = false;
    d.val.hidden = true;
    row.setAttribute('aria-expanded', 'true');
    row.querySelector('.tree-toggle').textContent = '▾';
  }

  collapse(row) {
    const d = this.nodes.get(row);
    if (!d?.group) return;
    d.group.hidden = true;
    d.val.hidden = false;
    row.setAttribute('aria-expanded', 'false');
    row.querySelector('.tree-toggle').textContent = '▸';
  }

  toggle(row) {
    if (row.getAttribute('aria-expanded') === 'true') this.collapse(row);
    else this.expand(row);
  }

  /** items lists the visible rows in order. */
  items() {
    return [...this.node.querySelectorAll('[role=treeitem]')].filter((r) => !r.parentElement.closest('[hidden]'));
  }

  activate(row, focus = true) {
    if (!row) return;
    if (this.active) {
      this.active.classList.remove('active');
      this.active.setAttribute('aria-selected', 'false');
    }
    this.active = row;
    row.classList.add('active');
    row.setAttribute('aria-selected', 'true');
    row.id ||= 'tree-' + Math.random().toString(36).slice(2);
    this.node.setAttribute('aria-activedescendant', row.id);
    row.firstChild.scrollIntoView({ block: 'nearest' });
    if (focus && document.activeElement !== this.node) this.node.focus({ preventScroll: true });
  }

  onKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const items = this.items();
    const row = this.active;
    const i = items.indexOf(row);
    const d = row && this.nodes.get(row);
    switch (ev.key) {
      case 'ArrowDown': this.activate(items[Math.min(i + 1, items.length - 1)]); break;
      case 'ArrowUp': this.activate(items[Math.max(i - 1, 0)]); break;
      case 'Home': this.activate(items[0]); break;
      case 'End': this.activate(items[items.length - 1]); break;
      case 'ArrowRight':
        if (!d?.nested) return;
        if (row.getAttribute('aria-expanded') === 'true') this.activate(items[i + 1]);
        else this.expand(row);
        break;
      case 'ArrowLeft':
        if (row?.getAttribute('aria-expanded') === 'true') this.collapse(row);
        else this.activate(row?.parentElement.closest('[role=treeitem]'));
        break;
      case 'Enter':
      case ' ':
        if (d?.nested) this.toggle(row);
        break;
      case 'c': if (d) this.onAction('copy', d); break;
      case 'f': if (d?.filterable) this.onAction('filter', d); break;
      case 'x': if (d?.filterable) this.onAction('exclude', d); break;
      case 'ContextMenu': {
        if (!row) return;
        const r = row.getBoundingClientRect();
        this.menu(row, r.left + 40, r.top + 20);
        break;
      }
      default: return;
    }
    ev.preventDefault();
    ev.stopPropagation();
  }
}

function samePath(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
