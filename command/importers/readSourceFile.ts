import { parseCaBillsJson, parseCaBillsXml } from './caBills.ts';
import { parseCaVotes } from './caVotes.ts';
import { type CommandInput, errorMessage, type Parsed } from './parsed.ts';
import { parseUsBillStatus } from './usBillStatus.ts';
import { parseLegislatorsCsv, parseLegislatorsYaml } from './usLegislators.ts';
import { parseUsVote, type UsVoteJson } from './usVote.ts';
import { asNode } from './values.ts';
import { XmlSyntaxError, xmlRootName } from './xml.ts';

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

const readXml = (format: XmlFormat, text: string): Parsed[] => {
  try {
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
  } catch (err) {
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
      return { format, records: readXml(format, text) };
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
