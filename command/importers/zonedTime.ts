const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC in minutes at the instant `utcMs` (Eastern time in winter: -300). */
const offsetAt = (timeZone: string, utcMs: number) => {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formats.set(timeZone, f);
  }
  const name = f.formatToParts(utcMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A wall-clock date-time written without an offset (`2024-11-07T15:16:00`, as the House of Commons and
 * LEGISinfo write Ottawa time) as ISO-8601 with the offset its zone had then (`2024-11-07T15:16:00-05:00`), so
 * that it is not read as UTC. Text that already carries an offset, or is a date alone, is returned unchanged.
 * Near a change of offset the instant is found by a second look-up: an hour the autumn change repeats is read
 * as its first occurrence, a time the spring change skips gets the summer offset.
 */
export const withZoneOffset = (local: string, timeZone: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(local);
  if (!m) return local;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s!);
  const offset = offsetAt(timeZone, asUtc - offsetAt(timeZone, asUtc) * 60_000);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/** Ottawa, where the House of Commons and LEGISinfo keep their clocks. */
export const OTTAWA = 'America/Toronto';
