// theme.js switches between the light and dark themes. The choice is kept in
// localStorage; without one the page follows the system's preference. style.css
// holds both palettes, selected by <html data-theme>.

const KEY = 'trailbook.theme';
const listeners = new Set();

/** current returns 'light' or 'dark'. */
export function current() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function apply(theme) {
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name=color-scheme]')?.setAttribute('content', theme);
  for (const fn of listeners) fn(theme);
}

/** init applies the saved or preferred theme. */
export function init() {
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage may be disabled */ }
  const prefersDark = matchMedia('(prefers-color-scheme: dark)').matches;
  apply(saved === 'dark' || saved === 'light' ? saved : prefersDark ? 'dark' : 'light');
}

/** toggle switches theme and remembers the choice. */
export function toggle() {
  const next = current() === 'dark' ? 'light' : 'dark';
  try { localStorage.setItem(KEY, next); } catch { /* not remembered, still applied */ }
  apply(next);
}

/** onChange calls fn with the new theme on every switch; it returns the unsubscriber. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
