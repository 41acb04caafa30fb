/**
 * What a search box sends, split for Postgres full text with `websearch_to_tsquery` semantics (quoted phrases,
 * `or`, `-word`), plus as-you-type: while the last word is still being typed (no space after it yet) it is
 * matched as a prefix. Pure.
 */
export type SearchText = Readonly<{
  /** The part `websearch_to_tsquery` reads; empty when the query is only the word being typed. */
  head: string;
  /** The word being typed, lowercased letters and digits only, matched as a prefix; null if none. */
  prefix: string | null;
  /** Plain words (not negated, not `or`), lowercased, that a misspelling fallback may correct. */
  words: readonly string[];
}>;

const WORD = /[\p{L}\p{N}]+/gu;
const LAST_WORD = /(^|\s)([\p{L}\p{N}]+)$/u;
/** One or two letters match most of the corpus as a prefix ("in": 84% of the 117th Congress bills); ignored until a third. */
const MIN_PREFIX = 3;

const plainWords = (text: string) => {
  const out: string[] = [];
  // Drop negated terms and quoted phrases' quotes; phrases' words can still be misspelt.
  for (const token of text.split(/\s+/)) {
    if (token.startsWith('-')) continue;
    for (const w of token.toLowerCase().match(WORD) ?? []) if (w !== 'or') out.push(w);
  }
  return out;
};

export const parseSearchText = (raw: string): SearchText => {
  const q = raw.normalize('NFC').replace(/\s+/g, ' ').trimStart();
  const quotes = (q.match(/"/g) ?? []).length;
  const last = LAST_WORD.exec(q);
  const typing = last !== null && quotes % 2 === 0 && last[2]!.toLowerCase() !== 'or';
  if (!typing) return { head: q.trim(), prefix: null, words: plainWords(q) };
  const word = last[2]!.toLowerCase();
  const head = q.slice(0, last.index + last[1]!.length).trim();
  return {
    head,
    prefix: word.length >= MIN_PREFIX ? word : null,
    words: [...plainWords(head), ...(word.length >= MIN_PREFIX ? [word] : [])],
  };
};

/** The query with misspelt words replaced by their corrections (whole words, any case). */
export const applyCorrections = (raw: string, corrections: ReadonlyMap<string, string>) =>
  raw.replace(WORD, (w) => corrections.get(w.toLowerCase()) ?? w);
