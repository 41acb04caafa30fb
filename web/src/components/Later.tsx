import { type ReactNode, useDeferredValue } from 'react';

/**
 * Content below the fold of a page's first render (a vote's 435 members, a bill's roll calls and timeline), rendered
 * in a second pass that React starts once the first has committed: the browser paints the top of the page in
 * between, instead of after the layout of everything. Until then a placeholder a screen high keeps what follows
 * (the footer) out of view, so nothing moves.
 */
export function Later({ children }: { children: ReactNode }) {
  const ready = useDeferredValue(true, false);
  return ready ? children : <div className="later" aria-busy="true" />;
}
