/** A parsed XML/JSON/YAML object whose shape is not trusted: read it field by field. */
export type Node = Readonly<Record<string, unknown>>;

export const asNode = (v: unknown): Node =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {};

/** Text of a leaf, trimmed; empty elements and nulls become null, numbers become their digits. */
export const asText = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
};

/** A repeated element: absent or empty is [], one item is [item] whatever the parser made of it. */
export const asList = (v: unknown): unknown[] => {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
};

/** A required leaf: a missing one stops the record with the field's name in the reason. */
export const required = (v: unknown, field: string): string => {
  const text = asText(v);
  if (text === null) throw new Error(`missing ${field}`);
  return text;
};
