import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFound } from './errors.ts';

const PROBLEM_TYPE = 'https://openpolicy.dev/problems/';

type BodyParserError = Error & { type?: string; status?: number; expose?: boolean };

/** Body-parser and other express errors carry a status; map them onto our codes. */
const fromExpress = (err: BodyParserError): AppError | null => {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 413, 'request body exceeds the size limit');
    case 'entity.parse.failed':
      return new AppError('malformed_json', 400, `request body is not valid JSON: ${err.message}`);
    case 'entity.verify.failed':
      return new AppError('bad_request', 400, err.message);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', 415, err.message);
    case 'request.aborted':
      return new AppError('request_aborted', 400, 'request was aborted by the client');
    default:
      // The router marks a path it cannot percent-decode 400 but not `expose`.
      if (err.status && err.status >= 400 && err.status < 500 && (err.expose || err instanceof URIError)) {
        return new AppError('bad_request', err.status, err.message);
      }
      return null;
  }
};

/** The one place that writes errors: RFC 9457 application/problem+json, 5xx details kept in the log. */
export const problemDetails =
  (logger: Logger): ErrorRequestHandler =>
  (err, req, res, _next) => {
    const app = err instanceof AppError ? err : fromExpress(err as BodyParserError);
    const status = app?.status ?? 500;
    if (status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(app?.headers ?? {})) res.setHeader(k, v);
    res
      .status(status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `${PROBLEM_TYPE}${app?.code ?? 'internal'}`,
          title: app?.code ?? 'internal',
          status,
          detail: app?.message ?? 'internal error',
          instance: req.originalUrl,
          ...(app?.errors.length ? { errors: app.errors } : {}),
          ...(app?.retriable ? { retriable: true } : {}),
        }),
      );
  };

export const notFoundRoute: RequestHandler = (req, _res, next) =>
  next(new NotFound(`no route for ${req.method} ${req.path}`));

/**
 * Requests Node refuses before any handler runs (a request line and headers over 16 KB, a malformed request) get
 * a problem+json answer too; Node's own is a bare status with no body, the one refusal of the API that was not.
 */
export const answerClientErrors = (server: Server) => {
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const large = err.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, code, detail] = large
      ? [
          431,
          'Request Header Fields Too Large',
          'headers_too_large',
          'the request line and headers exceed 16 KB',
        ]
      : [400, 'Bad Request', 'bad_request', 'malformed HTTP request'];
    const body = JSON.stringify({ type: `${PROBLEM_TYPE}${code}`, title: code, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
};
