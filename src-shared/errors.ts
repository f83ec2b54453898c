/**
 * The one catalogue of error codes. Errors cross every carrier as
 * `{ code, message, details }`; tests assert on codes, people read messages.
 * A message says what was wrong, where (file, line, column, parameter) and
 * what to do about it.
 */
export const ERROR_CODES = {
  // input files
  FILE_NOT_FOUND: 'The file does not exist.',
  FILE_UNREADABLE: 'The file exists but cannot be read.',
  EMPTY_FILE: 'The file has no data.',
  BINARY_FILE: 'The file is not text (it holds NUL bytes or is not a table).',
  RAGGED_ROW: 'A row has a different number of fields than the header.',
  UNTERMINATED_QUOTE: 'A quoted field is never closed.',
  UNSUPPORTED_FORMAT: 'The file format is not one Lathe reads.',
  // requests
  BAD_REQUEST: 'The request is malformed.',
  INVALID_PARAM: 'A parameter is out of its allowed range or of the wrong type.',
  NOT_FOUND: 'The thing asked for does not exist.',
  UNKNOWN_COLUMN: 'The dataset has no column of that name.',
  BAD_KIND: 'The column cannot be read as the asked-for kind.',
  NAME_TAKEN: 'Another item already has that name.',
  // ml
  NOT_FITTED: 'The estimator is used before fit.',
  BAD_DATA: 'The data cannot be used for this (wrong shape, missing values, one class).',
  NOT_CONVERGED: 'The optimiser did not converge.',
  // models as files
  BAD_MODEL_FILE: 'The model file is not a valid Lathe model.',
  MODEL_CHECKSUM: 'The model file was changed or cut short after it was written.',
  MODEL_VERSION: 'The model file was written by a newer Lathe.',
  FEATURES_MISSING: 'The data lacks features the model needs.',
  // teaching sessions
  BAD_SESSION_FILE: 'The teaching session file is not a valid Lathe session.',
  // jobs and carriers
  CANCELLED: 'The work was cancelled.',
  WORKER_CRASHED: 'The worker running the job stopped unexpectedly.',
  OUT_OF_MEMORY: 'The job ran out of memory.',
  UNAUTHORIZED: 'The request lacks the session token or comes from a foreign origin.',
  DISCONNECTED: 'The connection to the engine was lost.',
  NOT_IMPLEMENTED: 'The method does not exist.',
  INTERNAL: 'An unexpected error inside Lathe.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where an error happened and anything else a person or test needs. */
export interface ErrorDetails {
  file?: string;
  line?: number;
  column?: number | string;
  param?: string;
  [key: string]: unknown;
}

/** The shape an error has on the wire. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export class LatheError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'LatheError';
    this.code = code;
    this.details = details;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromWire(w: WireError): LatheError {
    return new LatheError(w.code, w.message, w.details ?? {});
  }
}

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, x);
}

/** Turn anything thrown into a wire error; unknown errors become INTERNAL. */
export function toWireError(e: unknown): WireError {
  if (e instanceof LatheError) return e.toWire();
  if (e && typeof e === 'object' && 'code' in e && isErrorCode((e as { code: unknown }).code)) {
    const o = e as { code: ErrorCode; message?: unknown; details?: unknown };
    return {
      code: o.code,
      message: typeof o.message === 'string' ? o.message : ERROR_CODES[o.code],
      details: (o.details && typeof o.details === 'object' ? o.details : {}) as ErrorDetails,
    };
  }
  if (e && typeof e === 'object' && (e as { name?: unknown }).name === 'AbortError') {
    return { code: 'CANCELLED', message: 'Cancelled.', details: {} };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: `Internal error: ${message}`, details: {} };
}

export function cancelled(what = 'The work'): LatheError {
  return new LatheError('CANCELLED', `${what} was cancelled.`);
}

/** Throws CANCELLED when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelled(what);
}

export function isCancelled(e: unknown): boolean {
  return toWireError(e).code === 'CANCELLED';
}
