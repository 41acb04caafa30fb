/** A parameterised statement: projections return these; only the runner executes them. */
export type Sql = Readonly<{ text: string; values: readonly unknown[] }>;

export const sql = (text: string, values: readonly unknown[] = []): Sql => ({ text, values });

/** Accumulates rows as per-column arrays: the shape that `INSERT ... SELECT * FROM unnest($1::t[], ...)` takes. */
export const columnar = (width: number) => {
  const cols: unknown[][] = Array.from({ length: width }, () => []);
  return {
    cols,
    push(row: readonly unknown[]) {
      for (let i = 0; i < width; i++) cols[i]!.push(row[i]);
    },
  };
};
