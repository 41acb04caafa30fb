import type { BillRecorded } from '../../command/bill/bill.ts';
import { type Sql, sql } from '../sql.ts';

/** BillRecorded -> bill state; the served document is rendered afterwards together with the bill's votes. */
export const evolveBills = (events: readonly BillRecorded[]) => {
  const latest = new Map<string, BillRecorded['data']>();
  for (const e of events) latest.set(e.data.billId, e.data);
  const statements: Sql[] = latest.size
    ? [
        sql(
          `INSERT INTO bill_state (id, data) SELECT r.id, r.data FROM json_to_recordset($1::json) AS r(id text, data jsonb)
           ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
          [JSON.stringify([...latest.entries()].map(([id, data]) => ({ id, data })))],
        ),
      ]
    : [];
  return { statements, dirtyBills: new Set(latest.keys()) };
};
