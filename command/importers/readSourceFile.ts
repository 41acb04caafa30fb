import { parseCaBillsJson, parseCaBillsXml } from './caBills.ts';
import { parseCaVotes } from './caVotes.ts';
import { type CommandInput, errorMessage, type Parsed } from './parsed.ts';
import { parseUsBillStatus } from './usBillStatus.ts';
import { parseLegislatorsCsv, parseLegislatorsYaml } from './usLegislators.ts';
import { parseUsVote, type UsVoteJson } from './usVote.ts';
import { asNode } from './values.ts';
import { splitXmlRecords, XmlSyntaxError, xmlLocator, xmlRootName } from './xml.ts';

export type Format =
  | 'us-vote-json'
  | 'us-billstatus-xml'
  | 'us-legislators-yaml'
  | 'us-legislators-csv'
  | 'ca-votes-xml'
  | 'ca-bills-json'
  | 'ca-bills-xml';

/** A recognised file's records (format null: broken before its format could be told), or why it was skipped. */
export type SourceFile = { format: Format | null; records: Parsed[] } | { skipped: string };

type XmlFormat = 'us-billstatus-xml' | 'ca-votes-xml' | 'ca-bills-xml';
const XML_ROOTS: Record<string, XmlFormat> = {
  billStatus: 'us-billstatus-xml',
  ArrayOfMemberVote: 'ca-votes-xml',
  Bills: 'ca-bills-xml',
};

const HEAD = 4_096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a whole-file failure happened: XML and JSON syntax errors carry a line and column. */
const failure = (err: unknown, fallback: string): Parsed[] => {
  if (err instanceof XmlSyntaxError)
    return [{ position: `line ${err.line}, column ${err.column}`, error: err.message }];
  const message = errorMessage(err);
  // V8: "... is not valid JSON" or "... at position 812 (line 40 column 7)".
  const at = err instanceof SyntaxError ? /line (\d+) column (\d+)/.exec(message) : null;
  if (err instanceof SyntaxError) {
    return [{ position: at ? `line ${at[1]}, column ${at[2]}` : 'file', error: `invalid JSON: ${message}` }];
  }
  return [{ position: fallback, error: message }];
};

/** A file that holds exactly one record. */
const one = (parse: () => CommandInput): Parsed[] => {
  try {
    return [{ position: 'record 1', command: parse() }];
  } catch (err) {
    return failure(err, 'record 1');
  }
};

/**
 * Formats are told by the keys a file has, not by whether their values are right: a record with a wrong value is
 * that format's parser's to reject, with its reason, while the file's good records land (telling the format by
 * valid values made one bad record turn a whole file into an unknown one, skipped with exit status 0).
 */
const isUsVote = (j: unknown) => {
  const o = asNode(j);
  return 'vote_id' in o && 'votes' in o;
};

const isCaBill = (j: unknown) => 'NumberCode' in asNode(j);

/** A JSON file is a roll call or LEGISinfo bills by its shape, whatever its name. */
const readJson = (text: string): SourceFile => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { format: null, records: failure(err, 'file') };
  }
  if (isUsVote(json)) return { format: 'us-vote-json', records: one(() => parseUsVote(json as UsVoteJson)) };
  if (Array.isArray(json) ? json.some(isCaBill) : isCaBill(json)) {
    return { format: 'ca-bills-json', records: parseCaBillsJson(json) };
  }
  return { skipped: 'JSON that is neither a roll call (vote_id, votes) nor LEGISinfo bills (NumberCode)' };
};

const parseXmlFormat = (format: XmlFormat, text: string): Parsed[] => {
  switch (format) {
    case 'us-billstatus-xml':
      return one(() => parseUsBillStatus(text));
    case 'ca-votes-xml':
      return parseCaVotes(text);
    case 'ca-bills-xml':
      return parseCaBillsXml(text);
    default: {
      const _exhaustive: never = format;
      throw new Error(`unhandled XML format ${String(_exhaustive)}`);
    }
  }
};

/** The record element of each XML format that holds many records (BILLSTATUS is one bill per file). */
const RECORD_ELEMENT: Partial<Record<XmlFormat, string>> = {
  'ca-votes-xml': 'MemberVote',
  'ca-bills-xml': 'Bill',
};

/**
 * A multi-record file that failed validation, read again record by record: one syntax error used to reject all
 * 832 divisions of a member's file, a file cut short all the records before the cut. Each record is parsed alone
 * inside an empty root; its positions are moved back to where it sits in the file.
 */
const readXmlRecords = (
  format: XmlFormat,
  root: string,
  record: string,
  text: string,
  whole: XmlSyntaxError,
): Parsed[] => {
  const { pieces, rootAt, rootClosed } = splitXmlRecords(text, root, record);
  if (pieces.length === 0) return failure(whole, 'file');
  const locate = xmlLocator(text);
  const open = `<${root}>`;
  const out: Parsed[] = [];
  let broken = false;
  pieces.forEach((piece, i) => {
    const n = i + 1;
    const start = locate(piece.from);
    // A line and column in the record alone (behind `open` on its first line) to the same place in the file;
    // the stand-in root's start tag to the real one.
    const inFile = (line: number, column: number) => {
      if (line > 1) return { line: start.line + line - 1, column };
      if (column <= open.length) return locate(rootAt);
      return { line: start.line, column: start.column + column - 1 - open.length };
    };
    if (piece.end !== 'closed') {
      broken = true;
      out.push({
        position: `record ${n} (line ${start.line}, column ${start.column})`,
        error:
          piece.end === 'truncated'
            ? `file ends inside this record (truncated): <${record}> has no </${record}>`
            : `invalid XML: <${record}> is not closed before the next <${record}> or </${root}>`,
      });
      return;
    }
    try {
      const parsed = parseXmlFormat(format, `${open}${text.slice(piece.from, piece.to)}</${root}>`);
      // The format's parser numbers the only record it saw 1.
      for (const r of parsed) out.push({ ...r, position: r.position.replace(/^record 1\b/, `record ${n}`) });
    } catch (err) {
      if (!(err instanceof XmlSyntaxError)) {
        out.push({ position: `record ${n}`, error: errorMessage(err) });
        return;
      }
      broken = true;
      const at = inFile(err.line, err.column);
      const error = err.message.replace(
        /\(opened in line (\d+), col (\d+)\)/g,
        (_m, l: string, c: string) => {
          const o = inFile(Number(l), Number(c));
          return `(opened in line ${o.line}, col ${o.column})`;
        },
      );
      out.push({ position: `record ${n} (line ${at.line}, column ${at.column})`, error });
    }
  });
  const last = pieces.at(-1)!;
  if (!rootClosed && last.end !== 'truncated') {
    const end = locate(text.length);
    out.push({
      position: `line ${end.line}, column ${end.column}`,
      error: `file ends before </${root}> (truncated after record ${pieces.length})`,
    });
  } else if (!broken) {
    // Every record reads on its own: the error is between records, where it costs none of them.
    out.push(...failure(whole, 'file'));
  }
  return out;
};

const readXml = (format: XmlFormat, root: string, text: string): Parsed[] => {
  try {
    return parseXmlFormat(format, text);
  } catch (err) {
    const record = RECORD_ELEMENT[format];
    if (record && err instanceof XmlSyntaxError) return readXmlRecords(format, root, record, text, err);
    return failure(err, 'file');
  }
};

const firstLine = (text: string) => text.slice(0, Math.max(0, text.indexOf('\n'))) || text.slice(0, HEAD);

/**
 * Recognises one file by its name and first bytes, and parses it into records. Unknown files are skipped with
 * the reason; a recognised file that cannot be read at all becomes a single error record.
 */
export const readSourceFile = (name: string, bytes: Uint8Array): SourceFile => {
  const ext = /\.(json|xml|ya?ml|csv)$/i.exec(name)?.[1]?.toLowerCase();
  if (!ext) return { skipped: 'not a source file type (.json, .xml, .yaml, .csv)' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { format: null, records: [{ position: 'file', error: 'not valid UTF-8' }] };
  }
  // An empty file, or an XML file cut short before its first element, is a broken file of that type, not an
  // unknown one: it is rejected (exit status 1), where it used to be skipped (0).
  if (text.trim() === '') return { format: null, records: [{ position: 'file', error: 'empty file' }] };
  switch (ext) {
    case 'json':
      return readJson(text);
    case 'xml': {
      // Comments and a doctype may push the root past the first 4 KB.
      const root = xmlRootName(text.slice(0, HEAD)) ?? xmlRootName(text.slice(0, 1 << 20));
      if (!root)
        return { format: null, records: [{ position: 'file', error: 'invalid XML: no root element' }] };
      const format = XML_ROOTS[root];
      if (!format) return { skipped: `XML whose root <${root}> is not a known format` };
      return { format, records: readXml(format, root, text) };
    }
    case 'yaml':
    case 'yml':
      if (!text.slice(0, HEAD).includes('bioguide:'))
        return { skipped: 'YAML that is not a legislators file' };
      return { format: 'us-legislators-yaml', records: parseLegislatorsYaml(text) };
    case 'csv':
      if (!firstLine(text).split(',').includes('bioguide_id'))
        return { skipped: 'CSV without a bioguide_id column' };
      return { format: 'us-legislators-csv', records: parseLegislatorsCsv(text) };
    default:
      return { skipped: 'not a source file type' };
  }
};
