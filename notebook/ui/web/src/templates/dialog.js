// dialog.js opens the gallery's modal dialogs: a title with a close button, the
// content, Escape to close (the browser's own), and the focus given back on close
// to what had it before.
import { el } from '../dom.js';

/**
 * openDialog shows a modal dialog titled title holding children; class names its
 * kind. It is removed from the page when it closes, and focus returns to
 * restoreFocus (default: the element focused when it opened).
 */
export function openDialog({ title, id, class: cls = '', restoreFocus = document.activeElement, dataset }, ...children) {
  const dialog = el('dialog', { class: `tpl-dialog ${cls}`.trim(), 'aria-labelledby': id, dataset },
    el('header', {},
      el('h2', { id }, title),
      el('button', { type: 'button', class: 'btn', 'aria-label': 'Close', title: 'Close (Esc)', on: { click: () => dialog.close() } }, '✕')),
    children);
  dialog.addEventListener('close', () => {
    dialog.remove();
    restoreFocus?.focus?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
