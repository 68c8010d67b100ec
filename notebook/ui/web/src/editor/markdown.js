// markdown.js is a small highlighter for Markdown cells: headings, emphasis,
// inline code, fenced code and links. Rendering is outputs/markdown.js's job.
import { StreamLanguage } from '@codemirror/language';

/** markdown is the CodeMirror language of Markdown cells. */
export const markdown = StreamLanguage.define({
  name: 'markdown',
  startState: () => ({ fence: false }),
  token(stream, state) {
    if (stream.sol() && stream.match(/^\s*(```|~~~)/)) {
      state.fence = !state.fence;
      stream.skipToEnd();
      return 'string';
    }
    if (state.fence) {
      stream.skipToEnd();
      return 'string';
    }
    if (stream.sol() && stream.match(/^#{1,6}\s.*/)) return 'heading';
    if (stream.match(/^`[^`]*`/)) return 'string';
    if (stream.match(/^\*\*[^*]+\*\*/) || stream.match(/^__[^_]+__/)) return 'strong';
    if (stream.match(/^\*[^*\s][^*]*\*/) || stream.match(/^_[^_\s][^_]*_/)) return 'emphasis';
    if (stream.match(/^\[[^\]]*\]\([^)]*\)/)) return 'link';
    stream.next();
    stream.eatWhile(/[^`*_[#]/);
    return null;
  },
});
