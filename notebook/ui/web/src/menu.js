// menu.js shows a context menu: a list of actions at the pointer, closed by a click
// elsewhere, Escape, or choosing an item; arrow keys move between items.
import { el } from './dom.js';

let open = null;

/** closeMenu closes the open context menu, if any. */
export function closeMenu() {
  if (!open) return;
  const { node, restore } = open;
  open = null;
  node.remove();
  document.removeEventListener('pointerdown', onOutside, true);
  restore?.focus?.({ preventScroll: true });
}

function onOutside(ev) {
  if (open && !open.node.contains(ev.target)) closeMenu();
}

/**
 * showMenu opens a menu at (x, y) in viewport coordinates. items: {label, run,
 * disabled?}. Focus returns to the element that had it when the menu closes.
 */
export function showMenu(x, y, items) {
  closeMenu();
  const restore = document.activeElement;
  const buttons = items.map((it) => el('button', {
    type: 'button', role: 'menuitem', class: 'menu-item', disabled: it.disabled,
    on: { click: () => { closeMenu(); it.run(); } },
  }, it.label));
  const node = el('div', { class: 'menu', role: 'menu', style: { left: `${x}px`, top: `${y}px` } }, buttons);
  node.addEventListener('keydown', (ev) => {
    const enabled = buttons.filter((b) => !b.disabled);
    const i = enabled.indexOf(document.activeElement);
    if (ev.key === 'Escape') closeMenu();
    else if (ev.key === 'ArrowDown') enabled[(i + 1) % enabled.length]?.focus();
    else if (ev.key === 'ArrowUp') enabled[(i - 1 + enabled.length) % enabled.length]?.focus();
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  });
  document.body.append(node);
  // Keep the menu inside the window.
  const r = node.getBoundingClientRect();
  if (r.right > innerWidth) node.style.left = `${Math.max(0, innerWidth - r.width - 4)}px`;
  if (r.bottom > innerHeight) node.style.top = `${Math.max(0, innerHeight - r.height - 4)}px`;
  open = { node, restore };
  document.addEventListener('pointerdown', onOutside, true);
  buttons.find((b) => !b.disabled)?.focus();
  return node;
}
