import { useDeferredValue, useEffect } from 'react';

/**
 * The document title names the page, so tabs, history and screen readers say where one is. Set after the
 * page's own update (a deferred value): the search page's title follows each keystroke, and setting it is a
 * round trip to the browser process that the typed letter and its results need not wait for.
 */
export const useTitle = (title: string) => {
  const deferred = useDeferredValue(title);
  useEffect(() => {
    document.title = `${deferred} · OpenPolicy`;
  }, [deferred]);
};
