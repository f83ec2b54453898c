/**
 * What the person is told: errors and warnings turned into notices with a
 * code, a message and, where known, the file, line and column. Pure.
 */
import { LatheError, isErrorCode, toWireError } from '../../src-shared/errors.ts';
import type { ImportWarning, KindConflict } from '../../src-shared/dataset.ts';

export type NoticeLevel = 'error' | 'warning' | 'info';

export interface Notice {
  id: number;
  level: NoticeLevel;
  /** A short heading, e.g. "Import of iris.csv failed". */
  title: string;
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: string;
  /** Extra lines (kind conflicts with their examples). */
  items?: string[];
}

let nextId = 1;

export function noticeId(): number {
  return nextId++;
}

function asColumn(x: unknown): string | undefined {
  if (typeof x === 'string' && x) return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return undefined;
}

/** Any thrown thing → an error notice (details.file/line/column carried over). */
export function errorNotice(title: string, e: unknown): Notice {
  const w = toWireError(e);
  const d = w.details ?? {};
  return {
    id: noticeId(),
    level: 'error',
    title,
    code: w.code,
    message: w.message,
    file: typeof d.file === 'string' ? d.file : undefined,
    line: typeof d.line === 'number' ? d.line : undefined,
    column: asColumn(d.column),
  };
}

/**
 * Browser-mode imports read a temporary upload file named after its upload
 * id; the person knows the file by the name they dropped. Put that name back
 * wherever the upload's path shows up in an error notice.
 */
export function withFileName(n: Notice, uploadId: string, fileName: string): Notice {
  if (!uploadId) return n;
  const esc = uploadId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const path = new RegExp(`[^\\s,:;"']*${esc}[^\\s,:;"']*`, 'g');
  return {
    ...n,
    message: n.message.replace(path, fileName),
    file: n.file !== undefined && n.file.includes(uploadId) ? fileName : n.file,
  };
}

/** "line 12, column 3" / "line 12" / "" — where an error happened. */
export function where(n: Pick<Notice, 'line' | 'column' | 'file'>): string {
  const parts: string[] = [];
  if (n.file) parts.push(n.file);
  if (n.line !== undefined) parts.push(`line ${n.line}`);
  if (n.column !== undefined) parts.push(`column ${n.column}`);
  return parts.join(', ');
}

export function warningNotice(fileName: string, w: ImportWarning): Notice {
  return {
    id: noticeId(),
    level: 'warning',
    title: `Warning while importing ${fileName}`,
    code: w.code,
    message: w.message,
    line: w.line,
    column: w.column,
  };
}

/** One notice listing every column whose kind was widened by later rows. */
export function conflictsNotice(fileName: string, conflicts: readonly KindConflict[]): Notice | null {
  if (conflicts.length === 0) return null;
  return {
    id: noticeId(),
    level: 'warning',
    title: `${conflicts.length} column${conflicts.length === 1 ? '' : 's'} changed kind while importing ${fileName}`,
    code: 'KIND_CONFLICT',
    message: 'Early rows suggested one kind; later values did not fit, so the column was widened.',
    items: conflicts.map((c) => {
      const ex = c.examples
        .slice(0, 3)
        .map((x) => `"${x.value}" (line ${x.line})`)
        .join(', ');
      return `${c.column}: ${c.from} → ${c.to}, ${c.count} value${c.count === 1 ? '' : 's'}${ex ? `, e.g. ${ex}` : ''}`;
    }),
  };
}

/** A LatheError from an HTTP error answer (`{error: {code, message, details}}` or plain text). */
export function httpError(status: number, body: string, what: string): LatheError {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const err = parsed.error;
    if (err && isErrorCode(err.code) && typeof err.message === 'string') {
      return new LatheError(err.code, err.message, (err.details as Record<string, unknown>) ?? {});
    }
  } catch {
    // not JSON: fall through to the status
  }
  if (status === 401 || status === 403) {
    return new LatheError('UNAUTHORIZED', `${what} was refused (HTTP ${status}): the session token is missing or wrong. Open Lathe again with the URL it printed (the one with ?token=).`);
  }
  const text = body.trim().slice(0, 200);
  return new LatheError('INTERNAL', `${what} failed with HTTP ${status}${text ? `: ${text}` : '.'}`);
}
