/** A parameterised statement: projections return these; only the runner executes them. */
export type Sql = Readonly<{ text: string; values: readonly unknown[] }>;

export const sql = (text: string, values: readonly unknown[] = []): Sql => ({ text, values });

/**
 * Rows for a bulk statement, sent as ONE json parameter and read back with `json_to_recordset`. Arrays of long
 * texts as parameters would be escaped element by element (measured: 10 s for one batch of 500 roll calls);
 * JSON values (objects, arrays) land in jsonb and text[] columns as they are.
 */
export const jsonRows = (columns: Readonly<Record<string, string>>) => {
  const names = Object.keys(columns);
  const rows: Record<string, unknown>[] = [];
  return {
    push(values: readonly unknown[]) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      rows.push(row);
    },
    get length() {
      return rows.length;
    },
    param: () => JSON.stringify(rows),
    /** `json_to_recordset($n::json) AS r("col" type, ...)` */
    source: (n: number, alias = 'r') =>
      `json_to_recordset($${n}::json) AS ${alias}(${names.map((c) => `"${c}" ${columns[c]}`).join(', ')})`,
    /** The column list for the INSERT: `vote_id, voter, ...`. */
    names: () => names.join(', '),
    columns: (alias = 'r') => names.map((c) => `${alias}."${c}"`).join(', '),
  };
};
