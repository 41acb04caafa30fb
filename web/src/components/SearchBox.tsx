import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import {
  type BillSearchParams,
  billSearchQuery,
  capQuery,
  keys,
  MAX_QUERY,
  searchParamsOf,
} from '../api/queries.ts';

/**
 * Keystrokes closer together than this are one burst (fast typing, a held key): the search waits until the
 * burst has been quiet this long. A keystroke after a quiet spell is searched at once (a leading-edge
 * debounce), so the last letter of a word typed at a normal pace is not kept waiting.
 */
export const DEBOUNCE_MS = 40;

const searchUrl = (current: string, text: string) => {
  const p = new URLSearchParams(current);
  if (text) p.set('q', text);
  else p.delete('q');
  p.delete('cursor');
  const s = p.toString();
  return `/search${s ? `?${s}` : ''}`;
};

/**
 * The search field lives in the page header, mounted on every page, so no keystroke is lost while the search
 * page's code loads. Typing moves to /search?q=… (one history entry, then replaced as the text changes);
 * Arrow Down moves into the results.
 */
export function SearchBox() {
  const [location, navigate] = useLocation();
  const search = useSearch();
  const onSearch = location === '/search';
  const urlQ = onSearch ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [text, setText] = useState(urlQ);
  const pushed = useRef(urlQ);
  const client = useQueryClient();
  const lastKey = useRef(-Infinity);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const asked = useRef<BillSearchParams | null>(null);

  /**
   * Shows the search for `value`: its request starts here, before the search page renders with the new URL (and
   * picks up the same query), and the request for the text before it is cancelled if still running. Reads the
   * location when it runs (a debounced call may come after a navigation).
   */
  const go = (text: string) => {
    clearTimeout(timer.current);
    // The field keeps what was typed or pasted; the URL and the request carry what the API takes.
    const value = text.length > MAX_QUERY ? capQuery(text) : text;
    pushed.current = value;
    const here = window.location.pathname === '/search';
    const url = searchUrl(here ? window.location.search : '', value);
    const params = searchParamsOf(new URL(url, window.location.origin).searchParams);
    if (asked.current && asked.current.q !== params.q) {
      void client.cancelQueries({ queryKey: keys.billSearch(asked.current), exact: true });
    }
    asked.current = params;
    void client.prefetchQuery(billSearchQuery(params));
    navigate(url, { replace: here });
  };

  const onChange = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    const now = performance.now();
    const quiet = now - lastKey.current >= DEBOUNCE_MS;
    lastKey.current = now;
    if (quiet) go(value);
    else timer.current = setTimeout(() => go(value), DEBOUNCE_MS);
  };

  // The URL changed by itself (back button, a shared link, leaving the search page): show its query.
  useEffect(() => {
    if (urlQ !== pushed.current) {
      clearTimeout(timer.current);
      pushed.current = urlQ;
      setText(urlQ);
    }
  }, [urlQ]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      const first = document.querySelector<HTMLElement>('#search-results a');
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === 'Escape' && text) {
      e.preventDefault();
      onChange('');
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(text);
    }
  };

  return (
    <search className="search-box">
      <label htmlFor="search-input" className="visually-hidden">
        Search bills
      </label>
      <input
        id="search-input"
        type="search"
        placeholder="Search bills by title, summary, sponsor…"
        autoComplete="off"
        spellCheck={false}
        aria-controls="search-results"
        aria-describedby="search-hint"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span id="search-hint" className="visually-hidden">
        Results appear as you type; press Arrow Down to move into them.
      </span>
    </search>
  );
}
