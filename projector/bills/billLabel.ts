const US_LABELS: Record<string, string> = {
  hr: 'H.R.',
  s: 'S.',
  hres: 'H.Res.',
  sres: 'S.Res.',
  hjres: 'H.J.Res.',
  sjres: 'S.J.Res.',
  hconres: 'H.Con.Res.',
  sconres: 'S.Con.Res.',
};

/** The number as the legislature prints it: "H.R. 1319" (US), "C-11" (Canada). */
export const billLabel = (jurisdiction: string, type: string | null, number: string | null) => {
  if (!type || !number) return null;
  if (jurisdiction === 'us') return `${US_LABELS[type] ?? type.toUpperCase()} ${number}`;
  return `${type.toUpperCase()}-${number}`;
};

/**
 * The label of a bill known only by its id (`us-117-hres-838` -> "H.Res. 838", `ca-44-1-c-223` -> "C-223"): what a
 * stub bill is called until its record arrives, rather than its id.
 */
export const billLabelOfId = (id: string) => {
  const parts = id.split('-');
  return parts.length >= 4 ? billLabel(parts[0]!, parts.at(-2)!, parts.at(-1)!) : null;
};
