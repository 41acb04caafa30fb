/** One field-level problem, named by its JSON path (`data.ballots.3.position`). */
export type FieldError = Readonly<{ path: string; message: string; line?: number }>;

/** The application's error tree: a stable code, an HTTP status, and whether a retry can succeed. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: {
      cause?: unknown;
      errors?: readonly FieldError[];
      retriable?: boolean;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.errors = options.errors ?? [];
    this.retriable = options.retriable ?? false;
    this.headers = options.headers ?? {};
  }
  readonly errors: readonly FieldError[];
  readonly retriable: boolean;
  readonly headers: Record<string, string>;
}

export class ValidationError extends AppError {
  constructor(message: string, errors: readonly FieldError[]) {
    super('validation_failed', 422, message, { errors });
  }
}

export class BadRequest extends AppError {
  constructor(message: string, errors: readonly FieldError[] = []) {
    super('bad_request', 400, message, { errors });
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}

export class Unauthorized extends AppError {
  constructor(message: string) {
    super('unauthorized', 401, message, { headers: { 'WWW-Authenticate': 'Bearer realm="openpolicy"' } });
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super('forbidden', 403, message);
  }
}

/** A dependency (database, broker) failed; nothing was accepted and the client may retry. */
export class Unavailable extends AppError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', 503, message, { cause, retriable: true, headers: { 'Retry-After': '1' } });
  }
}
