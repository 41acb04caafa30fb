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

/** Separator and null mark of a delimited column (the ASCII unit and record separators). */
const SEPARATOR = '\u001f';
const NULL_MARK = '\u001e';

/**
 * Columns of a bulk statement as one delimited text each, read with `string_to_array($n, ${SPLIT})`: pg sends an array parameter escaping
 * element by element, and Postgres parses it with quoting rules, together more than the insert itself for
 * hundreds of thousands of ballots; joined texts cost neither. Null when a value holds the separator or the null
 * mark, or a one-row column is the empty string (which would split into no element): send arrays then.
 */
export const delimitedColumns = (columns: readonly (readonly (string | boolean | null)[])[]) => {
  const out: string[] = [];
  for (const column of columns) {
    const parts: string[] = new Array(column.length);
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v === null || v === undefined) parts[i] = NULL_MARK;
      else if (typeof v === 'boolean') parts[i] = v ? 't' : 'f';
      else if (v.includes(SEPARATOR) || v.includes(NULL_MARK)) return null;
      else parts[i] = v;
    }
    if (parts.length === 1 && parts[0] === '') return null;
    out.push(parts.join(SEPARATOR));
  }
  return out;
};

/** The arguments after the text of `string_to_array($n, ...)` that splits a column made by `delimitedColumns`. */
export const SPLIT = `E'\\x1f', E'\\x1e'`;
