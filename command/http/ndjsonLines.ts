import type { Readable } from 'node:stream';

export type Line = { line: number; text: string } | { line: number; error: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits an NDJSON byte stream into lines without ever holding more than one line: an over-long line is
 * reported and skipped, invalid UTF-8 is reported per line, and the total size is capped.
 */
export async function* ndjsonLines(
  input: Readable,
  limits: { maxLineBytes: number; maxTotalBytes: number },
): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let total = 0;
  let lineNo = 0;

  const finish = (): Line | null => {
    lineNo += 1;
    const buf = Buffer.concat(parts);
    parts = [];
    partBytes = 0;
    if (tooLong || buf.length > limits.maxLineBytes) {
      tooLong = false;
      return { line: lineNo, error: `line exceeds ${limits.maxLineBytes} bytes` };
    }
    let text: string;
    try {
      text = decoder.decode(buf);
    } catch {
      return { line: lineNo, error: 'line is not valid UTF-8' };
    }
    text = text.replace(/\r$/, '');
    return text.trim() === '' ? null : { line: lineNo, text };
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limits.maxTotalBytes) throw new RangeError(`body exceeds ${limits.maxTotalBytes} bytes`);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (!tooLong) parts.push(chunk.subarray(start, nl));
      const out = finish();
      if (out) yield out;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (!tooLong && rest.length) {
      partBytes += rest.length;
      if (partBytes > limits.maxLineBytes) {
        tooLong = true;
        parts = [];
      } else parts.push(Buffer.from(rest));
    }
  }
  if (parts.length || tooLong) {
    const out = finish();
    if (out) yield out;
  }
}
