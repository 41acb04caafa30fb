/** Running counts of one ingest run; `bytes*` measure input consumed, for the share done and the ETA. */
export type IngestStats = {
  files: number;
  skipped: number;
  read: number;
  valid: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  votes: number;
  ballots: number;
  bytesDone: number;
  bytesTotal: number;
};

export const emptyStats = (): IngestStats => ({
  files: 0,
  skipped: 0,
  read: 0,
  valid: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  votes: 0,
  ballots: 0,
  bytesDone: 0,
  bytesTotal: 0,
});

const n = (x: number) => x.toLocaleString('en-US');

export const rate = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1_000) / ms) : 0);

export const duration = (ms: number) => {
  const s = Math.round(ms / 1_000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1_000).toFixed(1)}s` : `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

/** Share of the input consumed and the time left at the pace so far; null while it cannot be known. */
export const eta = (s: IngestStats, elapsedMs: number) => {
  if (s.bytesTotal <= 0 || s.bytesDone <= 0) return null;
  const share = Math.min(1, s.bytesDone / s.bytesTotal);
  return { share, remainingMs: (elapsedMs * (1 - share)) / share };
};

/** One progress line: counts always, share and ETA when the input size is known. */
export const progressLine = (s: IngestStats, elapsedMs: number, sending: boolean) => {
  const e = eta(s, elapsedMs);
  const parts = [
    e ? `${(e.share * 100).toFixed(1).padStart(5)}%` : null,
    `${n(s.read)} records`,
    `${n(rate(s.read, elapsedMs))}/s`,
    sending ? `accepted ${n(s.accepted)}` : `valid ${n(s.valid)}`,
    `rejected ${n(s.rejected)}`,
    `files ${n(s.files)}`,
    e && e.share < 1 ? `ETA ${duration(e.remainingMs)}` : null,
  ];
  return `ingest ${parts.filter((p) => p !== null).join('  ')}`;
};

/** The closing report: what was read, what became of it, and how fast. */
export const summaryLines = (s: IngestStats, elapsedMs: number, mode: 'http' | 'direct' | 'dry-run') => {
  const outcome =
    mode === 'dry-run'
      ? `valid ${n(s.valid)} (dry run: nothing sent)`
      : `accepted ${n(s.accepted)} (duplicates ${n(s.duplicates)})`;
  const lines = [
    `files ${n(s.files)}, skipped files ${n(s.skipped)}, records read ${n(s.read)}`,
    `${outcome}, rejected ${n(s.rejected)}`,
    `elapsed ${duration(elapsedMs)}, ${n(rate(s.read, elapsedMs))} records/s`,
  ];
  // Nothing read is not success: a wrong path (an empty directory, a README) would otherwise pass for a load.
  if (s.read === 0) {
    lines.push(
      'no record read: the paths hold no file in a format ingest knows (openpolicy ingest --help lists them)',
    );
  }
  if (s.votes > 0) {
    lines.push(
      `votes ${n(s.votes)} with ${n(s.ballots)} ballots, ${n(rate(s.ballots, elapsedMs))} ballots/s`,
    );
  }
  return lines;
};
