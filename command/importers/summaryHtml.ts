import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = ['p', 'ul', 'ol', 'li', 'b', 'i', 'strong', 'em', 'br', 'a'];
const BLOCKS = new Set([
  'p',
  'ul',
  'ol',
  'li',
  'br',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'td',
  'th',
]);

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Disallowed tags vanish but keep their text; block-level ones become paragraphs so words stay apart.
  disallowedTagsMode: 'discard',
  transformTags: Object.fromEntries(
    ['div', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((t) => [t, 'p'] as const),
  ),
  // Editors leave empty wrappers (`<p><STRONG></STRONG>text`, `<div tabindex="0"> </div>`): drop them.
  exclusiveFilter: (frame) =>
    frame.tag !== 'br' && frame.text.trim() === '' && frame.mediaChildren.length === 0,
};

/** Plain text of (already sanitised) HTML: entities decoded, blocks separated, whitespace collapsed. */
export const htmlText = (html: string): string => {
  const parts: string[] = [];
  const parser = new Parser(
    {
      ontext: (t) => parts.push(t),
      onopentag: (name) => BLOCKS.has(name) && parts.push(' '),
      onclosetag: (name) => BLOCKS.has(name) && parts.push(' '),
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return parts.join('').replace(/\s+/g, ' ').trim();
};

/**
 * A summary as published (CRS HTML, sometimes pasted from Word with scripts and styles) to safe display HTML
 * with only simple tags, and the clean text the search index reads. Null when nothing readable is left.
 */
export const cleanSummary = (raw: string): { html: string; text: string } | null => {
  const html = sanitizeHtml(raw, SANITIZE).trim();
  const text = htmlText(html);
  return text ? { html, text } : null;
};

/** A tag (`<a href=...>`, `</a>`) or a character reference (`&amp;`, `&#8212;`) in text that should be plain. */
const MARKUP = /<\/?[a-z][^<>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;

/**
 * A short text that should be plain but is sometimes published with HTML in it (BILLSTATUS action texts link
 * discharge petitions with `<a href=...>`): its readable words, entities decoded. Text without markup is kept
 * exactly as written (a bare `R&D` is not an entity), so only the records that had markup change.
 */
export const plainText = (raw: string): string => (MARKUP.test(raw) ? (cleanSummary(raw)?.text ?? '') : raw);
