import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { type Kind, pathOf, prefetch } from '../prefetch.ts';

/** A link to a bill, vote or member page that loads the page's code and data when hovered or focused. */
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
    <Link href={pathOf(kind, id)} className={className} onMouseEnter={warm} onFocus={warm}>
      {children}
    </Link>
  );
}
