import { useQueryClient } from '@tanstack/react-query';
import type { MouseEvent, ReactNode } from 'react';
import { navigate } from 'wouter/use-browser-location';
import { type Kind, pathOf, prefetch } from '../prefetch.ts';

/** A plain left click moves inside the app; with a modifier key or another button the browser does its own thing. */
const follow = (e: MouseEvent<HTMLAnchorElement>) => {
  if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
};

/**
 * A link to a bill, vote or member page that loads the page's code and data when hovered or focused.
 * An `<a>` with handlers rather than wouter's `<Link>`: a vote page lists every member (up to 435 links), and a
 * `<Link>` subscribes each one to the location, which cost a measurable part of that page's first render.
 */
export function ResourceLink({
  kind,
  id,
  children,
  className,
}: {
  kind: Kind;
  id: string;
  children: ReactNode;
  className?: string;
}) {
  const client = useQueryClient();
  const warm = () => prefetch(client, kind, id);
  return (
    <a href={pathOf(kind, id)} className={className} onClick={follow} onMouseEnter={warm} onFocus={warm}>
      {children}
    </a>
  );
}
