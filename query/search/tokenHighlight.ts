import { MARK_END, MARK_START } from './highlight.ts';

/**
 * Highlights from the word maps the projector keeps (sql/0007_search_highlights.sql): where each word of a text is
 * and the lexeme the 'english' text search configuration makes of it. A word is a match when its lexeme equals a
 * query operand, or starts with a prefix operand: ts_headline's rule (negated operands included, weights
 * ignored), without parsing the text again for every search. Pure.
 */

export type Operands = Readonly<{ exact: ReadonlySet<string>; prefixes: readonly string[] }>;

/** A tsquery's text (`'health':* & !'tax' <-> 'care'`): its operands, quotes and backslashes unescaped. */
export const tsqueryOperands = (tsquery: string): Operands => {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const m of tsquery.matchAll(/'((?:[^'\\]|''|\\.)*)'(?::(\*?)[A-D]*)?/g)) {
    const lexeme = m[1]!.replace(/''|\\(.)/g, (s, c: string | undefined) => c ?? s[0]!);
    if (m[2]) prefixes.push(lexeme);
    else exact.add(lexeme);
  }
  return { exact, prefixes };
};

export type Span = readonly [start: number, end: number];

const RS = '\u001e';
const US = '\u001f';
/** A span packed in one number, start first, so that a Float64Array sorts spans by start without a comparator. */
const SHIFT = 65_536;

/** Appends the offsets of the map entry whose offsets start at `from` (up to the next RS) as packed spans. */
const readSpans = (map: string, from: number, out: number[]) => {
  let value = 0;
  let start = -1;
  for (let i = from; i <= map.length; i++) {
    const c = i < map.length ? map.charCodeAt(i) : 0x1e;
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else {
      if (start < 0) start = value;
      else {
        out.push(start * SHIFT + value);
        start = -1;
      }
      value = 0;
      if (c === 0x1e) return;
    }
  }
};

/** Where the entry for `lexeme` starts in the map (its first character), or -1. */
const entryOf = (map: string, lexeme: string) => {
  if (map.startsWith(lexeme) && map.charCodeAt(lexeme.length) === 0x1f) return 0;
  const at = map.indexOf(`${RS}${lexeme}${US}`);
  return at < 0 ? -1 : at + 1;
};

/**
 * The spans of the words of a map that match the operands, packed, sorted by start (code point offsets). The map
 * is searched for each operand (an entry starts after RS, its lexeme ends at US) rather than split.
 */
const packedSpans = (map: string | null, ops: Operands): Float64Array => {
  if (!map) return new Float64Array(0);
  const out: number[] = [];
  const taken: number[] = [];
  for (const lexeme of ops.exact) {
    const at = entryOf(map, lexeme);
    if (at < 0) continue;
    taken.push(at);
    readSpans(map, at + lexeme.length + 1, out);
  }
  for (const prefix of ops.prefixes) {
    let at = map.startsWith(prefix) ? 0 : -1;
    if (at < 0) {
      at = map.indexOf(RS + prefix);
      if (at >= 0) at++;
    }
    while (at >= 0) {
      // Not twice: an entry may match an exact operand, or several prefixes.
      if (!taken.includes(at)) {
        taken.push(at);
        readSpans(map, map.indexOf(US, at) + 1, out);
      }
      at = map.indexOf(RS + prefix, at);
      if (at >= 0) at++;
    }
  }
  return Float64Array.from(out).sort();
};

/** The matching spans (code point offsets, end exclusive), in text order. */
export const matchingSpans = (map: string | null, ops: Operands): Span[] =>
  Array.from(packedSpans(map, ops), (x) => [Math.floor(x / SHIFT), x % SHIFT] as const);

/** Packed code point spans as UTF-16 indexes (the same unless the text has characters beyond the BMP). */
const toUtf16 = (text: string, spans: Float64Array) => {
  if (spans.length === 0 || !/[\uD800-\uDFFF]/.test(text)) return spans;
  const index: number[] = [];
  let i = 0;
  for (const ch of text) {
    index.push(i);
    i += ch.length;
  }
  index.push(i);
  return spans.map((x) => (index[Math.floor(x / SHIFT)] ?? i) * SHIFT + (index[x % SHIFT] ?? i));
};

/** `text[from, to)` with the spans inside it wrapped in the markers. */
const marked = (text: string, spans: Float64Array, from: number, to: number) => {
  let out = '';
  let at = from;
  for (let k = 0; k < spans.length; k++) {
    const s = Math.floor(spans[k]! / SHIFT);
    const e = spans[k]! % SHIFT;
    if (s < from || e > to) continue;
    out += `${text.slice(at, s)}${MARK_START}${text.slice(s, e)}${MARK_END}`;
    at = e;
  }
  return out + text.slice(at, to);
};

/** The whole text, every matching word marked (ts_headline's HighlightAll). */
export const highlightAll = (text: string, map: string | null, ops: Operands) =>
  marked(text, toUtf16(text, packedSpans(map, ops)), 0, text.length);

export type SnippetOptions = Readonly<{
  maxFragments: number;
  minWords: number;
  maxWords: number;
  delimiter: string;
}>;

/** What /\s/ matches (and the other control characters below the space, which summaries do not hold). */
const isSpace = (c: number) =>
  c <= 32 ||
  (c >= 0xa0 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff));

/**
 * Where each run of non-space characters starts and ends (UTF-16 indexes, end exclusive), from the start of the
 * text until `words` runs past index `until` have been seen (a snippet needs no word beyond).
 */
const wordsOf = (text: string, until: number, words: number) => {
  const starts: number[] = [];
  const ends: number[] = [];
  let after = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) {
      if (i > until && ++after > words) break;
      starts.push(i);
    } else if (space && inWord) ends.push(i);
    inWord = !space;
  }
  if (ends.length < starts.length) ends.push(text.length);
  return { starts, ends };
};

/** Whether no chosen fragment `[chosen[2i], chosen[2i+1]]` holds a word of `[a, b]`. */
const free = (chosen: readonly number[], a: number, b: number) => {
  for (let i = 0; i < chosen.length; i += 2) if (!(b < chosen[i]! || a > chosen[i + 1]!)) return false;
  return true;
};

/**
 * Up to `maxFragments` fragments of at most `maxWords` words around matches, chosen as ts_headline's MaxFragments
 * mode chooses them: the fragments holding the most matching words first (fewer words on a tie, then earlier),
 * not overlapping, each widened evenly to `maxWords`, printed in text order and joined by `delimiter`. Without a
 * match: the first `minWords` words. Words are runs of non-space characters.
 */
export const snippet = (text: string, map: string | null, ops: Operands, o: SnippetOptions) => {
  const spans = toUtf16(text, packedSpans(map, ops));
  const last = spans.length ? Math.floor(spans[spans.length - 1]! / SHIFT) : -1;
  const { starts, ends } = wordsOf(text, last, spans.length ? o.maxWords : o.minWords);
  const count = starts.length;
  if (count === 0) return text;
  // The matching words (a word such as "health-care" may hold several matching spans), and how many spans each.
  const matched: number[] = [];
  const hits: number[] = [];
  let w = 0;
  for (let k = 0; k < spans.length; k++) {
    const s = Math.floor(spans[k]! / SHIFT);
    while (w < count && ends[w]! <= s) w++;
    if (w === count) break;
    if (starts[w]! > s) continue;
    if (matched.length && matched[matched.length - 1] === w) hits[hits.length - 1]!++;
    else {
      matched.push(w);
      hits.push(1);
    }
  }
  // Fragments as word index pairs [first, last, first, last...].
  const chosen: number[] = [];
  if (matched.length === 0) chosen.push(0, Math.min(o.minWords, count) - 1);
  else {
    // Covers: from each matching word to the last matching word within maxWords of it (two pointers).
    const firsts: number[] = [];
    const lasts: number[] = [];
    const ns: number[] = [];
    let j = 0;
    let n = 0;
    for (let i = 0; i < matched.length; i++) {
      if (j < i) {
        j = i;
        n = 0;
      }
      while (j < matched.length && matched[j]! - matched[i]! < o.maxWords) n += hits[j++]!;
      firsts.push(matched[i]!);
      lasts.push(matched[j - 1]!);
      ns.push(n);
      n -= hits[i]!;
    }
    for (let f = 0; f < o.maxFragments; f++) {
      let best = -1;
      for (let c = 0; c < firsts.length; c++) {
        if (
          best >= 0 &&
          (ns[c]! < ns[best]! ||
            (ns[c] === ns[best] && lasts[c]! - firsts[c]! >= lasts[best]! - firsts[best]!))
        )
          continue;
        if (free(chosen, firsts[c]!, lasts[c]!)) best = c;
      }
      if (best < 0) break;
      // Widen evenly: half the room before (not into another fragment), the rest after.
      const room = o.maxWords - (lasts[best]! - firsts[best]! + 1);
      let a = firsts[best]!;
      for (let k = 0; k < Math.floor(room / 2) && a > 0 && free(chosen, a - 1, a - 1); k++) a--;
      let b = lasts[best]!;
      while (b - a + 1 < o.maxWords && b + 1 < count && free(chosen, b + 1, b + 1)) b++;
      chosen.push(a, b);
    }
  }
  // In text order.
  const order = Array.from({ length: chosen.length / 2 }, (_, i) => i).sort(
    (x, y) => chosen[2 * x]! - chosen[2 * y]!,
  );
  let out = '';
  for (const i of order) {
    if (out) out += o.delimiter;
    out += marked(text, spans, starts[chosen[2 * i]!]!, ends[chosen[2 * i + 1]!]!);
  }
  return out;
};
