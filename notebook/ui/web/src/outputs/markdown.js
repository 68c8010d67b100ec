// markdown.js renders Markdown (text cells, text/markdown outputs) into DOM nodes.
// markdown-it parses, with raw HTML off, so tags in the text stay text; this module
// then builds the elements itself from markdown-it's tokens, allowing a fixed set
// of tags and, on links, only http(s), mailto and relative targets. No HTML string
// is ever parsed.
import MarkdownIt from 'markdown-it';
import { el, isSafeURL } from '../dom.js';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const ALLOWED = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'em', 'strong', 's', 'del',
  'a', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'br',
]);

/** renderMarkdown returns a div holding the rendered text. */
export function renderMarkdown(source) {
  const root = el('div', { class: 'markdown' });
  build(root, md.parse(source, {}));
  return root;
}

function build(root, tokens) {
  const stack = [root];
  const top = () => stack[stack.length - 1];
  for (const t of tokens) {
    if (t.nesting === 1) {
      if (t.hidden || !ALLOWED.has(t.tag)) {
        stack.push(top()); // a tight list's paragraph, or a tag not allowed: keep the contents
        continue;
      }
      const node = el(t.tag);
      decorate(node, t);
      top().append(node);
      stack.push(node);
    } else if (t.nesting === -1) {
      stack.pop();
    } else {
      leaf(top(), t);
    }
  }
}

function decorate(node, t) {
  if (t.tag === 'a') {
    const href = t.attrGet('href') || '';
    if (isSafeURL(href)) {
      node.setAttribute('href', href);
      if (/^(https?:|mailto:)/i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
  } else if (t.tag === 'ol') {
    const start = Number(t.attrGet('start'));
    if (Number.isInteger(start)) node.setAttribute('start', String(start));
  } else if (t.tag === 'th' || t.tag === 'td') {
    const m = /text-align:(left|right|center)/.exec(t.attrGet('style') || '');
    if (m) node.classList.add('align-' + m[1]);
  }
}

function leaf(parent, t) {
  switch (t.type) {
    case 'inline':
      build(parent, t.children || []);
      break;
    case 'text':
    case 'html_inline':
    case 'html_block':
      parent.append(t.content);
      break;
    case 'softbreak':
      parent.append('\n');
      break;
    case 'hardbreak':
      parent.append(el('br'));
      break;
    case 'code_inline':
      parent.append(el('code', {}, t.content));
      break;
    case 'fence':
    case 'code_block': {
      const lang = (t.info || '').trim().split(/\s+/)[0];
      parent.append(el('pre', {}, el('code', { class: lang ? 'language-' + lang.replace(/[^\w-]/g, '') : null }, t.content)));
      break;
    }
    case 'hr':
      parent.append(el('hr'));
      break;
    case 'image':
      // Images would load from elsewhere (and the page allows none): show the alt text.
      parent.append(el('span', { class: 'md-image', title: t.attrGet('src') || '' }, `[image: ${t.content}]`));
      break;
    default:
      if (t.content) parent.append(t.content);
  }
}
