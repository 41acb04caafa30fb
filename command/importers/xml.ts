import { XMLValidator } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { asNode, type Node } from './values.ts';

/** Malformed XML, located where the validator stopped reading. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export type XmlShape = Readonly<{
  /** Element names (`item`, `MemberVote`) that are list entries wherever they occur, so one item still makes a list. */
  arrays: ReadonlySet<string>;
  /** Dotted paths of subtrees never read: kept as their raw inner text instead of being built into objects. */
  skip?: readonly string[];
}>;

type Open = {
  /** Dotted path from the root, only as deep as the deepest skipped path (deeper elements are never skipped). */
  path: string;
  depth: number;
  /** Child elements, once the first one closes. */
  children: Record<string, unknown> | null;
  /** Text so far: runs outside CDATA trimmed, CDATA as written. */
  text: string;
  /** The current run of text outside CDATA, trimmed when a CDATA section, a child or the element's end cuts it. */
  run: string;
  /** For a skipped subtree: where its inner text starts. */
  rawFrom: number;
};

/**
 * Validates (fast-xml-parser's validator: its line and column locate a malformed record), then builds the object
 * tree on htmlparser2's tokenizer, several times faster on BILLSTATUS than fast-xml-parser's own parser, in
 * that parser's shape: attributes ignored; every leaf kept as text (ids such as `00172` and bill numbers must
 * not turn into numbers), trimmed, except CDATA as written; entities decoded (numeric character references too,
 * which fast-xml-parser left as written); an element with children and text
 * keeps its text as `#text`; a repeated element, or one named in `arrays`, becomes a list.
 */
export const parseXml = (xml: string, shape: XmlShape): Node => {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlSyntaxError(`invalid XML: ${msg}`, line, col);
  }
  const skip = new Set(shape.skip ?? []);
  const skipDepth = Math.max(0, ...[...skip].map((p) => p.split('.').length));
  const root: Open = { path: '', depth: 0, children: {}, text: '', run: '', rawFrom: 0 };
  const stack: Open[] = [root];
  let top = root;
  // Depth inside a skipped subtree (0: not skipping).
  let skipping = 0;
  let inCdata = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipping) {
          skipping += 1;
          return;
        }
        // A child element also ends a run of text (each run is trimmed on its own, as fast-xml-parser does).
        top.text += top.run.trim();
        top.run = '';
        const depth = top.depth + 1;
        const path = depth > skipDepth ? '' : top.path ? `${top.path}.${name}` : name;
        if (path && skip.has(path)) skipping = 1;
        top = { path, depth, children: null, text: '', run: '', rawFrom: parser.endIndex + 1 };
        stack.push(top);
      },
      ontext(data) {
        if (skipping) return;
        if (inCdata) top.text += data;
        else top.run += data;
      },
      oncdatastart() {
        if (skipping) return;
        inCdata = true;
        top.text += top.run.trim();
        top.run = '';
      },
      oncdataend() {
        inCdata = false;
      },
      onclosetag(name) {
        if (skipping > 1) {
          skipping -= 1;
          return;
        }
        const done = stack.pop()!;
        top = stack.at(-1)!;
        let value: unknown;
        if (skipping) {
          skipping = 0;
          value = xml.slice(done.rawFrom, parser.startIndex);
        } else {
          const text = done.text + done.run.trim();
          if (done.children) {
            if (text) done.children['#text'] = text;
            value = done.children;
          } else value = text;
        }
        top.children ??= {};
        const siblings = top.children;
        const previous = siblings[name];
        if (previous === undefined) siblings[name] = shape.arrays.has(name) ? [value] : value;
        else if (Array.isArray(previous)) previous.push(value);
        else siblings[name] = [previous, value];
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.end(xml);
  return asNode(root.children);
};

/** The name of the document element, read from the first bytes, so a file's format is known before parsing. */
export const xmlRootName = (head: string): string | null => {
  const body = head
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '');
  const match = /^\s*<([A-Za-z_][\w.:-]*)/.exec(body);
  return match?.[1] ?? null;
};

/**
 * One record element of a multi-record document, as offsets into the file. `closed`: its end tag is there;
 * `unclosed`: the next record (or the root's end tag) starts first; `truncated`: the file ends inside it.
 */
export type XmlPiece = Readonly<{ from: number; to: number; end: 'closed' | 'unclosed' | 'truncated' }>;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Cuts a document that failed validation at its record elements (`<MemberVote>` in `<ArrayOfMemberVote>`),
 * without trusting its nesting, so each record can be parsed, and rejected, on its own. Comments and CDATA
 * are stepped over; records are not nested in any format read. Only a broken file comes here.
 */
export const splitXmlRecords = (
  xml: string,
  root: string,
  record: string,
): { pieces: XmlPiece[]; rootAt: number; rootClosed: boolean } => {
  const tags = new RegExp(
    `<!--[\\s\\S]*?(?:-->|$)|<!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)|<(/?)(${escapeRegExp(record)}|${escapeRegExp(root)})(?=[\\s/>]|$)`,
    'g',
  );
  const pieces: XmlPiece[] = [];
  let open = -1; // where the current record started
  let after = 0; // end of the last record (or of the root's start tag): a stray end tag's record starts there
  let rootAt = 0;
  let rootClosed = false;
  for (const m of xml.matchAll(tags)) {
    const [, slash, name] = m;
    if (name === undefined) continue;
    const at = m.index;
    const gt = xml.indexOf('>', at);
    // Records after the root's end tag (two files run together) are read too: the file's error is reported.
    rootClosed = name === root && slash === '/';
    if (name === root) {
      if (!slash) {
        rootAt = pieces.length === 0 && open < 0 ? at : rootAt;
        after = gt < 0 ? xml.length : gt + 1;
        continue;
      }
      if (open >= 0) pieces.push({ from: open, to: at, end: 'unclosed' });
      open = -1;
      continue;
    }
    if (slash) {
      if (gt < 0) {
        open = open >= 0 ? open : after;
        break;
      }
      pieces.push({ from: open >= 0 ? open : after, to: gt + 1, end: 'closed' });
      open = -1;
      after = gt + 1;
      continue;
    }
    if (open >= 0) pieces.push({ from: open, to: at, end: 'unclosed' });
    if (gt >= 0 && xml[gt - 1] === '/') {
      pieces.push({ from: at, to: gt + 1, end: 'closed' });
      open = -1;
      after = gt + 1;
    } else open = at;
    if (gt < 0) break;
  }
  if (open >= 0) pieces.push({ from: open, to: xml.length, end: 'truncated' });
  return { pieces, rootAt, rootClosed };
};

/**
 * Line and column (from 1) of an offset in a text, counted as the validator counts them (lines end at `\n`,
 * a byte order mark takes no column), so a record's positions match the whole file's.
 */
export const xmlLocator = (text: string) => {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 - (lo === 0 ? Math.min(bom, offset) : 0) };
  };
};
