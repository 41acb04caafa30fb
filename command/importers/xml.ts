import { XMLParser, XMLValidator } from 'fast-xml-parser';
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
  /**
   * Element names (`item`, `MemberVote`) that are list entries wherever they occur, so one item still makes a
   * list. Names, not paths: building every element's path string costs the parser a tenth of its time.
   */
  arrays: ReadonlySet<string>;
  /** Subtrees never read: kept as raw text instead of being parsed into objects. */
  skip?: readonly string[];
}>;

/**
 * Validates, then parses with every leaf kept as text: ids such as `00172` or bill numbers must not turn
 * into numbers, and CDATA and escaped entities come back as plain strings.
 */
export const parseXml = (xml: string, shape: XmlShape): Node => {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlSyntaxError(`invalid XML: ${msg}`, line, col);
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    stopNodes: [...(shape.skip ?? [])],
    jPath: false,
    isArray: (name) => shape.arrays.has(name),
  });
  return asNode(parser.parse(xml));
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
