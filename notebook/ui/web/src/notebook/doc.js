// doc.js is the notebook document as the UI edits it: nbformat 4.5 cells and
// metadata, read from and written to the contents API. Cells are plain nbformat
// objects (source as one string); what the UI does not know in the metadata is
// kept as it was.
import { normalize } from '../timeframe.js';

/** newCellID returns a fresh nbformat cell id (8 hex digits, as Jupyter makes them). */
export function newCellID() {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

const textOf = (s) => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');

/** newCell returns an empty cell of type 'code' or 'markdown'. */
export function newCell(type = 'code', source = '') {
  const c = { id: newCellID(), cell_type: type, metadata: {}, source };
  if (type === 'code') {
    c.outputs = [];
    c.execution_count = null;
  }
  return c;
}

function readCell(c) {
  const cell = {
    ...c,
    id: typeof c.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(c.id) ? c.id : newCellID(),
    cell_type: c.cell_type === 'markdown' || c.cell_type === 'raw' ? c.cell_type : 'code',
    metadata: c.metadata && typeof c.metadata === 'object' ? c.metadata : {},
    source: textOf(c.source),
  };
  if (cell.cell_type === 'code') {
    cell.outputs = Array.isArray(c.outputs) ? c.outputs : [];
    cell.execution_count = Number.isInteger(c.execution_count) ? c.execution_count : null;
  }
  return cell;
}

function writeCell(c) {
  const out = { id: c.id, cell_type: c.cell_type, metadata: c.metadata, source: c.source };
  if (c.cell_type === 'code') {
    out.outputs = c.outputs;
    out.execution_count = c.execution_count;
  } else if (c.attachments) {
    out.attachments = c.attachments;
  }
  return out;
}

/** NotebookDoc is an open notebook: its path, cells and metadata. */
export class NotebookDoc {
  /** @param model a contents model with content (GET /api/contents/{path}) */
  constructor(model) {
    this.path = model.path;
    this.name = model.name;
    const nb = model.content || {};
    this.metadata = nb.metadata && typeof nb.metadata === 'object' ? nb.metadata : {};
    this.minor = Math.max(5, Number(nb.nbformat_minor) || 5);
    this.cells = (Array.isArray(nb.cells) ? nb.cells : []).map(readCell);
  }

  /** timeframe is the notebook's global timeframe, {from, to}. */
  get timeframe() {
    return normalize(this.metadata.trailbook?.timeframe);
  }

  set timeframe(tf) {
    this.metadata.trailbook = { ...(this.metadata.trailbook || {}), timeframe: normalize(tf) };
  }

  /** toJSON returns the notebook as nbformat 4 JSON, for the contents API. */
  toJSON() {
    return { cells: this.cells.map(writeCell), metadata: this.metadata, nbformat: 4, nbformat_minor: this.minor };
  }
}
