/** Shared pieces of the services' OpenAPI 3.1 documents: the problem+json error and its responses. */
export const PROBLEM = 'application/problem+json';

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' } },
        required: ['path', 'message'],
      },
    },
    retriable: { type: 'boolean' },
  },
  required: ['type', 'title', 'status', 'detail'],
} as const;

/** `{ '400': ..., '404': ... }`: each status answered with a problem document. */
export const problemResponses = (statuses: Record<number, string>) =>
  Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } } },
    ]),
  );

type HeaderDoc = Readonly<{ description: string; schema: Record<string, unknown> }>;

/** A problem response with the headers it carries (429's Retry-After, 405's Allow). */
export const problemWithHeaders = (description: string, headers: Record<string, HeaderDoc>) => ({
  description,
  headers,
  content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The rate limit's refusal, with the seconds to wait. */
export const rateLimitedResponse = () => ({
  429: problemWithHeaders('too many requests from this client (API key once verified, else address)', {
    'Retry-After': {
      description: 'seconds until the client has a request to spend again',
      schema: { type: 'integer', minimum: 1 },
    },
  }),
});

/** Query parameters from the JSON Schema of a zod object (its input side: what a client sends). */
export const queryParameters = (schema: {
  properties?: Record<string, unknown>;
  required?: readonly string[];
}) =>
  Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));

export const openApiDocument = (o: {
  title: string;
  description: string;
  paths: Record<string, unknown>;
  schemas?: Record<string, unknown>;
  securitySchemes?: Record<string, unknown>;
}) => ({
  openapi: '3.1.0',
  info: { title: o.title, version: '1', description: o.description },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  paths: o.paths,
  components: {
    schemas: { Problem: problemSchema, ...o.schemas },
    ...(o.securitySchemes ? { securitySchemes: o.securitySchemes } : {}),
  },
});
