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
