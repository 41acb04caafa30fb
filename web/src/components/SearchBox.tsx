import { useEffect, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';

/** Wait this long after a keystroke before asking: long enough to skip most intermediate words, short enough to feel instant. */
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

  // The URL changed by itself (back button, a shared link): show its query.
  useEffect(() => {
    if (urlQ !== pushed.current) {
      pushed.current = urlQ;
      setText(urlQ);
    }
  }, [urlQ]);

  useEffect(() => {
    if (text === pushed.current) return;
    const t = setTimeout(() => {
      pushed.current = text;
      navigate(searchUrl(onSearch ? search : '', text), { replace: onSearch });
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, onSearch, search, navigate]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      const first = document.querySelector<HTMLElement>('#search-results a');
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === 'Escape' && text) {
      e.preventDefault();
      setText('');
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pushed.current = text;
      navigate(searchUrl(onSearch ? search : '', text), { replace: onSearch });
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
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span id="search-hint" className="visually-hidden">
        Results appear as you type; press Arrow Down to move into them.
      </span>
    </search>
  );
}
