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
