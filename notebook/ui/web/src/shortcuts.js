// shortcuts.js lists the keyboard shortcuts and shows them in a dialog (press ?).
import { el } from './dom.js';

/** SHORTCUTS are grouped as the help dialog shows them: [keys, what they do]. */
export const SHORTCUTS = [
  ['Editing a cell', [
    ['Shift+Enter', 'run the cell and go to the next one'],
    ['Ctrl+Enter / ⌘+Enter', 'run the cell and stay'],
    ['Alt+Enter', 'run the cell and insert one below'],
    ['Ctrl+Space', 'complete a command, function or field'],
    ['Esc', 'stop editing (command mode)'],
  ]],
  ['Command mode', [
    ['Enter', 'edit the selected cell'],
    ['↑ / ↓ or K / J', 'select the previous / next cell'],
    ['A / B', 'insert a cell above / below'],
    ['D D', 'delete the cell'],
    ['Z', 'undo the last cell deletion'],
    ['M / Y', 'make the cell Markdown / DQL'],
    ['Alt+↑ / Alt+↓', 'move the cell up / down'],
    ['O', 'collapse or expand the outputs'],
    ['I I', 'interrupt the kernel'],
  ]],
  ['Result tables and record details', [
    ['↑ / ↓', 'select the previous / next record (the details follow)'],
    ['Enter or double-click', 'open the record details'],
    ['PageUp / PageDown', 'previous / next record in the details'],
    ['← / →', 'collapse / expand a field in the details'],
    ['C / F / X', 'copy, filter on, exclude the field\'s value'],
    ['Esc', 'close the details'],
  ]],
  ['Anywhere', [
    ['Ctrl+S / ⌘+S', 'save now'],
    ['?', 'this help'],
  ]],
];

let dialog = null;

/** showHelp opens the shortcuts dialog. */
export function showHelp() {
  if (!dialog) {
    dialog = el('dialog', { class: 'help', 'aria-label': 'Keyboard shortcuts' },
      el('header', {}, el('h2', {}, 'Keyboard shortcuts'),
        el('button', { type: 'button', class: 'btn', 'aria-label': 'Close', on: { click: () => dialog.close() } }, '✕')),
      SHORTCUTS.map(([group, keys]) => el('section', {},
        el('h3', {}, group),
        el('dl', {}, keys.map(([k, what]) => [el('dt', {}, el('kbd', {}, k)), el('dd', {}, what)])))));
    document.body.append(dialog);
  }
  if (!dialog.open) dialog.showModal();
}
