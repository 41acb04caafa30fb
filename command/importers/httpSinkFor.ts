import { createHttpSink } from './httpSink.ts';
import type { IngestOptions } from './ingestArgs.ts';
import { type Sink, sleep } from './sink.ts';

/** The HTTP sink for parsed options (the API key is present: argument parsing requires it for http mode). */
export const httpSinkFor = (o: IngestOptions): Sink =>
  createHttpSink({ url: o.url, apiKey: o.apiKey ?? '', fetch: globalThis.fetch, sleep });
