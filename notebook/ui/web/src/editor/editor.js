// editor.js makes a cell's code editor: CodeMirror 6 with the DQL language (or
// JavaScript for %%js cells, Markdown for text cells), bracket matching and closing,
// undo history, completion from the kernel's complete_request, and error underlines
// from the positions the kernel reports.
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightSpecialChars, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage, bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap } from '@codemirror/autocomplete';
import { setDiagnostics } from '@codemirror/lint';
import { javascript } from '@codemirror/legacy-modes/mode/javascript';
import { markdown } from './markdown.js';
import { tagHighlighter, tags } from '@lezer/highlight';
import { dql } from './dql.js';
import { codePoints, utf16Offset } from './offsets.js';

// Highlighting as CSS classes (styled in style.css), so that the theme follows the
// page's light or dark colours and no style is generated at run time.
const highlighter = tagHighlighter([
  { tag: tags.keyword, class: 'hl-command' },
  { tag: tags.operatorKeyword, class: 'hl-operator-word' },
  { tag: tags.atom, class: 'hl-atom' },
  { tag: tags.bool, class: 'hl-atom' },
  { tag: tags.number, class: 'hl-number' },
  { tag: tags.unit, class: 'hl-number' },
  { tag: tags.string, class: 'hl-string' },
  { tag: tags.comment, class: 'hl-comment' },
  { tag: tags.function(tags.variableName), class: 'hl-function' },
  { tag: tags.special(tags.variableName), class: 'hl-field' },
  { tag: tags.variableName, class: 'hl-field' },
  { tag: tags.propertyName, class: 'hl-param' },
  { tag: tags.operator, class: 'hl-operator' },
  { tag: tags.heading, class: 'hl-heading' },
  { tag: tags.emphasis, class: 'hl-em' },
  { tag: tags.strong, class: 'hl-strong' },
  { tag: tags.link, class: 'hl-link' },
  { tag: tags.definition(tags.variableName), class: 'hl-field' },
]);

const js = StreamLanguage.define(javascript);

/** languageOf picks a cell's language: %%js and %%md first lines, else DQL. */
export function languageOf(source, cellType) {
  if (cellType === 'markdown') return 'markdown';
  const first = source.trimStart().split('\n', 1)[0].trim();
  if (first === '%%js') return 'js';
  if (first === '%%md') return 'markdown';
  return 'dql';
}

const languages = { dql, js, markdown };

// CodeMirror writes its base styles into one <style> element, which the page's
// Content-Security-Policy admits only with the nonce the server put in the page.
const nonce = document.querySelector('meta[name="csp-nonce"]')?.content || '';

// Completion item types: the kernel's match types → CodeMirror's icons.
const completionType = { command: 'keyword', function: 'function', parameter: 'property', field: 'variable', keyword: 'keyword' };

function kernelCompletions(complete) {
  return async (ctx) => {
    // Typing offers completions once a name starts (not after digits or spaces);
    // Ctrl+Space asks anywhere.
    if (!ctx.explicit && !ctx.matchBefore(/[A-Za-z_`][\w.[\]`]*$/)) return null;
    const code = ctx.state.doc.toString();
    const reply = await complete(code, codePoints(code, ctx.pos));
    if (!reply || reply.status !== 'ok' || ctx.aborted) return null;
    const types = reply.metadata?._jupyter_types_experimental || [];
    return {
      from: utf16Offset(code, reply.cursor_start),
      to: utf16Offset(code, reply.cursor_end),
      options: reply.matches.map((m, i) => ({
        label: m,
        type: completionType[types[i]?.type] || 'text',
        detail: types[i]?.type,
        info: types[i]?.signature,
      })),
      validFor: /^[\w.[\]`]*$/,
    };
  };
}

/**
 * createEditor makes an editor in parent.
 *
 * opts: doc, cellType, onChange(text), onRun(mode) with mode 'advance' (Shift+Enter),
 * 'stay' (Ctrl/Cmd+Enter) or 'insert' (Alt+Enter), onEscape(), onFocus(),
 * complete(code, cursor) → Promise of a complete_reply content.
 */
export function createEditor(parent, opts) {
  const language = new Compartment();
  let lang = languageOf(opts.doc, opts.cellType);
  const run = (mode) => (view) => {
    closeCompletion(view);
    opts.onRun(mode);
    return true;
  };
  const runKeys = keymap.of([
    { key: 'Shift-Enter', run: run('advance') },
    { key: 'Mod-Enter', run: run('stay') },
    { key: 'Alt-Enter', run: run('insert') },
    { key: 'Escape', run: () => { opts.onEscape(); return true; } },
  ]);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        runKeys,
        EditorView.cspNonce.of(nonce),
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ override: opts.complete ? [kernelCompletions(opts.complete)] : [], activateOnTyping: true }),
        syntaxHighlighting(highlighter),
        language.of(languages[lang]),
        placeholder(opts.cellType === 'markdown' ? 'Markdown text' : 'DQL query, e.g. fetch logs | limit 10'),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, indentWithTab, ...defaultKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'Cell source', spellcheck: 'false' }),
        EditorView.updateListener.of((u) => {
          if (u.focusChanged && u.view.hasFocus) opts.onFocus?.();
          if (!u.docChanged) return;
          const text = u.state.doc.toString();
          const next = languageOf(text, opts.cellType);
          if (next !== lang) {
            lang = next;
            u.view.dispatch({ effects: language.reconfigure(languages[lang]) });
          }
          opts.onChange(text);
        }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setCellType(t) {
      opts.cellType = t;
      lang = languageOf(view.state.doc.toString(), t);
      view.dispatch({ effects: language.reconfigure(languages[lang]) });
    },
    focus(atEnd) {
      view.focus();
      if (atEnd) view.dispatch({ selection: { anchor: view.state.doc.length } });
    },
    /** showErrors underlines the kernel's error positions (1-based line, UTF-16 columns). */
    showErrors(errors) {
      const doc = view.state.doc;
      const diags = [];
      for (const e of errors || []) {
        if (!(e.line >= 1 && e.line <= doc.lines)) continue;
        const line = doc.line(e.line);
        const from = Math.min(line.from + Math.max(e.column - 1, 0), line.to);
        const to = Math.min(line.from + Math.max(e.endColumn - 1, e.column), line.to);
        diags.push({ from, to: Math.max(to, from), severity: 'error', message: String(e.message) });
      }
      view.dispatch(setDiagnostics(view.state, diags));
    },
    destroy: () => view.destroy(),
  };
}
