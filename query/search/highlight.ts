/** Private-use characters that `ts_headline` (or Meilisearch) puts around matches, before HTML escaping. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * A snippet safe to put in HTML: the text escaped, matches wrapped in `<mark>` (the only markup). Markers are
 * applied only in balanced pairs, so a stray marker in the source text cannot open an unclosed tag.
 */
export const highlightHtml = (marked: string) => {
  const escaped = marked.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
  return escaped.replace(/\uE000([^\uE000\uE001]*)\uE001/g, '<mark>$1</mark>').replace(/[\uE000\uE001]/g, '');
};
