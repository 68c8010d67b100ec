// offsets.js converts between the editor's offsets (UTF-16 code units, as
// JavaScript strings count) and the kernel's (code points, as Jupyter's
// cursor_pos counts since protocol 5.2).

/** codePoints counts the code points in the first utf16 units of s. */
export function codePoints(s, utf16) {
  let n = 0;
  for (let i = 0; i < utf16; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16) i++;
    n++;
  }
  return n;
}

/** utf16Offset converts a code-point offset into s to UTF-16 units. */
export function utf16Offset(s, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}
