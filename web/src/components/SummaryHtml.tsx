import { createElement, type ReactNode, useMemo, useState } from 'react';

const TAGS = new Set(['p', 'ul', 'ol', 'li', 'b', 'i', 'strong', 'em', 'br', 'a']);
const COLLAPSED_CHARS = 1_500;

/**
 * The bill summary (HTML already sanitized by the importer) rebuilt as React elements from an allow-list of
 * tags, so that the page never assigns innerHTML. Long summaries (up to 66k characters) start collapsed.
 */
const toReact = (node: Node, key: number): ReactNode => {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const el = node as Element;
  const children = [...el.childNodes].map(toReact);
  const tag = el.tagName.toLowerCase();
  if (!TAGS.has(tag)) return createElement('span', { key }, ...children);
  if (tag === 'br') return createElement('br', { key });
  if (tag === 'a') {
    const href = el.getAttribute('href') ?? '';
    return /^https?:\/\//.test(href)
      ? createElement('a', { key, href, rel: 'noopener noreferrer' }, ...children)
      : createElement('span', { key }, ...children);
  }
  return createElement(tag, { key }, ...children);
};

export function SummaryHtml({ html }: { html: string }) {
  const [open, setOpen] = useState(false);
  const nodes = useMemo(() => {
    const body = new DOMParser().parseFromString(html, 'text/html').body;
    return [...body.childNodes];
  }, [html]);
  const long = html.length > COLLAPSED_CHARS;
  // Collapsed: whole top-level blocks up to the character budget, at least one.
  let shown = nodes;
  if (long && !open) {
    let used = 0;
    shown = [];
    for (const n of nodes) {
      if (shown.length > 0 && used + (n.textContent?.length ?? 0) > COLLAPSED_CHARS) break;
      used += n.textContent?.length ?? 0;
      shown.push(n);
    }
  }
  return (
    <div className="summary">
      <div id="bill-summary-text">{shown.map(toReact)}</div>
      {long && (
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls="bill-summary-text"
          onClick={() => setOpen(!open)}
        >
          {open ? 'Show less' : 'Show the whole summary'}
        </button>
      )}
    </div>
  );
}
