// dom.js builds DOM nodes. It is the only way the UI makes elements: children given
// as strings become text nodes, properties are set as DOM properties, and
// attributes that could run code (on* handlers, javascript: URLs) are refused. Log
// data therefore always reaches the page as text, never as HTML.

const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif);base64,[A-Za-z0-9+/=]*$/;
const SAFE_URL = /^(?:https?:|mailto:|\/(?![/\\])|#|\?|[^:/?#\\]+(?:[/?#]|$))/i;

/** isSafeURL reports whether u may be a link target: http(s), mailto, or relative. */
export function isSafeURL(u) {
  return typeof u === 'string' && SAFE_URL.test(u.trim());
}

/**
 * el creates an element.
 *
 *   el('button', {class: 'run', title: 'Run', on: {click: run}}, '▶ Run')
 *
 * props: class, text, dataset (object), style (object of CSSOM properties), on
 * (event → handler), and plain attributes. children: nodes, strings (as text),
 * arrays, null/false (skipped).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    switch (k) {
      case 'class': node.className = v; break;
      case 'text': node.textContent = String(v); break;
      case 'dataset': Object.assign(node.dataset, v); break;
      case 'style': for (const [p, x] of Object.entries(v)) node.style.setProperty(p, x); break;
      case 'on': for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn); break;
      default: setAttr(node, k, v === true ? '' : String(v));
    }
  }
  append(node, children);
  return node;
}

function setAttr(node, name, value) {
  const n = name.toLowerCase();
  if (n.startsWith('on') || n === 'style' || n === 'srcdoc') throw new Error(`el: attribute ${name} is not allowed`);
  if ((n === 'href' || n === 'src' || n === 'action' || n === 'formaction') && !isSafeURL(value) &&
    !(n === 'src' && DATA_IMAGE.test(value))) return;
  node.setAttribute(name, value);
}

/** append adds children (nodes, strings as text, nested arrays) to node. */
export function append(node, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** clear removes every child of node. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** icon returns a span holding a symbol, hidden from screen readers. */
export function icon(symbol) {
  return el('span', { class: 'icon', 'aria-hidden': 'true' }, symbol);
}

/**
 * button makes a toolbar button: label is its tooltip and its name for screen
 * readers; symbol and props.text (a short visible label) are what it shows.
 */
export function button(label, symbol, onClick, props = {}) {
  const { text, ...attrs } = props;
  return el('button', { type: 'button', class: 'btn', title: label, 'aria-label': label, on: { click: onClick }, ...attrs },
    symbol ? icon(symbol) : null, text ? el('span', { class: 'label' }, text) : null);
}

/** toast shows a short message at the bottom of the page, with an optional action. */
export function toast(message, action, ms = 6000) {
  let host = document.querySelector('.toasts');
  if (!host) {
    host = el('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(host);
  }
  const t = el('div', { class: 'toast' }, el('span', {}, message));
  if (action) {
    t.append(el('button', { type: 'button', class: 'btn link', on: { click: () => { t.remove(); action.run(); } } }, action.label));
  }
  host.append(t);
  setTimeout(() => t.remove(), ms);
  return t;
}

/** copyText puts text on the clipboard. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = el('textarea', { class: 'offscreen' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}
