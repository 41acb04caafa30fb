import { Fragment } from 'react';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  '#x27': "'",
  apos: "'",
};

/** Undoes the API's HTML escaping of highlight text (the only markup it may contain is <mark>). */
export const unescapeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#39|#x27);/g, (_m, e: string) => ENTITIES[e] ?? _m);

/**
 * Highlight text from the search API: escaped text with `<mark>` around matched words. Split on the mark tags
 * and render text nodes, so nothing in it is ever parsed as HTML.
 */
export function Highlighted({ text }: { text: string }) {
  const parts = text.split(/<mark>|<\/mark>/);
  return (
    <>
      {parts.map((part, i) =>
        // Parts alternate: outside, inside, outside... of <mark>.
        i % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
          <mark key={i}>{unescapeHtml(part)}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
          <Fragment key={i}>{unescapeHtml(part)}</Fragment>
        ),
      )}
    </>
  );
}
