import { type IngestStats, progressLine } from './ingestStats.ts';

export type ProgressOut = Readonly<{ write: (text: string) => unknown; isTTY?: boolean; columns?: number }>;

export type ProgressDeps = Readonly<{
  out: ProgressOut;
  now: () => number;
  sending: boolean;
  /** How often a plain (non-TTY) line is written. */
  plainEveryMs?: number;
}>;

/**
 * On a terminal, one line redrawn in place (at most ten times a second); elsewhere (CI, a log file) a plain line
 * every couple of seconds, so logs stay readable.
 */
export const createProgress = (d: ProgressDeps) => {
  const started = d.now();
  const tty = d.out.isTTY === true;
  const every = tty ? 100 : (d.plainEveryMs ?? 2_000);
  let last = started;
  let drawn = false;
  let plain = false;
  const draw = (s: IngestStats) => {
    const line = progressLine(s, d.now() - started, d.sending);
    if (tty) {
      // Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn in place).
      const width = d.out.columns && d.out.columns > 20 ? d.out.columns - 1 : 119;
      d.out.write(`\r\x1b[2K${line.slice(0, width)}`);
      drawn = true;
    } else {
      d.out.write(`${line}\n`);
      plain = true;
    }
  };
  return {
    started,
    tick(s: IngestStats) {
      const t = d.now();
      if (t - last < every) return;
      last = t;
      draw(s);
    },
    /**
     * Clears the live line so the summary starts on a clean one; in a log that has progress lines, writes the
     * final one, so the last line does not say 97% and fewer records than the summary below it.
     */
    finish(s?: IngestStats) {
      if (tty && drawn) d.out.write('\r\x1b[2K');
      else if (!tty && plain && s) d.out.write(`${progressLine(s, d.now() - started, d.sending)}\n`);
    },
    /** Writes a message above the live line without garbling it. */
    note(text: string) {
      if (tty && drawn) d.out.write('\r\x1b[2K');
      d.out.write(`${text}\n`);
      drawn = false;
    },
  };
};
