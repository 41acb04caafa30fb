import { useEffect } from 'react';

/** The document title names the page, so tabs, history and screen readers say where one is. */
export const useTitle = (title: string) => {
  useEffect(() => {
    document.title = `${title} · OpenPolicy`;
  }, [title]);
};
