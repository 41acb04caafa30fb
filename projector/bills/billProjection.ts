import type { BillRecorded } from '../../command/bill/bill.ts';
import { type Sql, sql } from '../sql.ts';

/** BillRecorded -> bill state; the served document is rendered afterwards together with the bill's votes. */
export const evolveBills = (events: readonly BillRecorded[]) => {
  const latest = new Map<string, BillRecorded['data']>();
  for (const e of events) latest.set(e.data.billId, e.data);
  const statements: Sql[] = latest.size
    ? [
        sql(
          `INSERT INTO bill_state (id, data) SELECT * FROM unnest($1::text[], $2::jsonb[])
           ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
          [[...latest.keys()], [...latest.values()].map((d) => JSON.stringify(d))],
        ),
      ]
    : [];
  return { statements, dirtyBills: new Set(latest.keys()) };
};
