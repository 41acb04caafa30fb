import { z } from 'zod/v4';
import { openApiDocument, problemResponses } from '../../infra/kernel/openapi.ts';
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
  413: 'the body exceeds the size limit',
  415: 'unsupported content type or encoding',
  503: 'the event log did not accept the events; nothing was accepted, retry',
};

/** The command service's OpenAPI 3.1 document; request bodies are the event contract's zod schemas. */
export const commandOpenApi = () => {
  // `input`: what a client sends (before defaults and trimming); the contract has no unrepresentable parts.
  const { $schema: _dialect, ...command } = z.toJSONSchema(Command, { io: 'input', target: 'draft-2020-12' });
  return openApiDocument({
    title: 'OpenPolicy command service',
    description:
      'Writes: validated commands become events on the log. Every error is application/problem+json.',
    schemas: { Command: command, Appended },
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'op_<id>_<secret>' } },
    paths: {
      '/api/v1/commands': {
        post: {
          operationId: 'postCommand',
          security: [{ apiKey: [] }],
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
            ...problemResponses({ 400: 'malformed JSON', 422: 'the command is invalid', ...WRITE_REFUSALS }),
          },
        },
      },
      '/api/v1/ingest': {
        post: {
          operationId: 'ingest',
          security: [{ apiKey: [] }],
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
            202: { description: 'good lines appended; bad lines listed in `rejected`' },
            ...problemResponses({ 400: 'no commands', 422: 'every line was rejected', ...WRITE_REFUSALS }),
          },
        },
      },
      '/api/v1/events/{eventId}': {
        get: {
          operationId: 'getEvent',
          security: [{ apiKey: [] }],
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
