import { z } from 'zod/v4';
import {
  openApiDocument,
  problemResponses,
  problemWithHeaders,
  rateLimitedResponse,
} from '../../infra/kernel/openapi.ts';
import { Command } from '../contract/commands.ts';

const Appended = {
  type: 'object',
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    streamId: { type: 'string' },
    position: { type: 'string' },
    duplicate: { type: 'boolean' },
  },
  required: ['eventId', 'streamId', 'position', 'duplicate'],
};

const WRITE_REFUSALS = {
  401: 'no API key, or an unknown or revoked one',
  403: 'the key lacks the write scope',
  415: 'unsupported content type or encoding',
};

/** Either header carries the key (infra/kernel/rateLimit.ts presentedKey). */
const KEYED = [{ apiKey: [] }, { apiKeyHeader: [] }];

/** Refusals every write operation shares beside its own: the rate limit, and another method on its path. */
const writeResponses = () => ({
  ...rateLimitedResponse(),
  405: problemWithHeaders('the path takes POST only', {
    Allow: { description: 'the methods the path takes', schema: { type: 'string', const: 'POST' } },
  }),
});

/** The command service's OpenAPI 3.1 document; request bodies are the event contract's zod schemas. */
export const commandOpenApi = () => {
  // `input`: what a client sends (before defaults and trimming); the contract has no unrepresentable parts.
  const { $schema: _dialect, ...command } = z.toJSONSchema(Command, { io: 'input', target: 'draft-2020-12' });
  return openApiDocument({
    title: 'OpenPolicy command service',
    description:
      'Writes: validated commands become events on the log. Every error is application/problem+json.',
    schemas: { Command: command, Appended },
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'op_<id>_<secret>' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'op_<id>_<secret>' },
    },
    paths: {
      '/api/v1/commands': {
        post: {
          operationId: 'postCommand',
          security: KEYED,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Command' } } },
          },
          responses: {
            202: {
              description: 'appended (or recognised as a duplicate)',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      accepted: { type: 'integer' },
                      duplicates: { type: 'integer' },
                      events: { type: 'array', items: { $ref: '#/components/schemas/Appended' } },
                    },
                  },
                },
              },
            },
            ...problemResponses({
              400: 'no body, malformed JSON, or JSON that is not an object',
              422: 'the command is invalid',
              413: 'the body exceeds the size limit',
              503: 'the event log did not accept the event; nothing was accepted, retry',
              ...WRITE_REFUSALS,
            }),
            ...writeResponses(),
          },
        },
      },
      '/api/v1/ingest': {
        post: {
          operationId: 'ingest',
          security: KEYED,
          requestBody: {
            required: true,
            description: 'one Command per line (NDJSON)',
            content: {
              'application/x-ndjson': {
                schema: { type: 'string' },
                itemSchema: { $ref: '#/components/schemas/Command' },
              },
            },
          },
          responses: {
            202: {
              description:
                'good lines appended; bad lines listed in `rejected` (the first 1,000), all of them counted in ' +
                '`rejectedCount` and the X-Rejected-Count header, `rejectedTruncated` when the list stops short',
            },
            // Lines are appended in chunks as they arrive, so a failure after the first chunk leaves earlier ones in
            // the log: the detail says how many commands, through which line, were accepted (resending is harmless).
            ...problemResponses({
              400: 'no commands, or a body that is not valid gzip (the detail says what was accepted before it)',
              413: 'the body exceeds the size limit: by Content-Length, nothing accepted; mid-stream, the detail says how many commands were accepted before it',
              422: 'every line was rejected (the first 1,000 listed; X-Rejected-Count has them all)',
              503: 'the event log did not accept a chunk; the detail says how many commands were accepted before it; retry',
              ...WRITE_REFUSALS,
            }),
            ...writeResponses(),
          },
        },
      },
      '/api/v1/events/{eventId}': {
        get: {
          operationId: 'getEvent',
          security: KEYED,
          parameters: [
            { name: 'eventId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
          responses: {
            200: { description: 'where the event went' },
            ...problemResponses({
              401: 'no valid key',
              403: 'the key lacks the read scope',
              404: 'no such event',
            }),
            ...rateLimitedResponse(),
          },
        },
      },
      '/healthz': { get: { operationId: 'healthz', responses: { 200: { description: 'alive' } } } },
      '/readyz': {
        get: {
          operationId: 'readyz',
          responses: { 200: { description: 'ready' }, ...problemResponses({ 503: 'database unreachable' }) },
        },
      },
      '/metrics': { get: { operationId: 'metrics', responses: { 200: { description: 'Prometheus text' } } } },
      '/openapi.json': {
        get: { operationId: 'openapi', responses: { 200: { description: 'this document' } } },
      },
    },
  });
};
