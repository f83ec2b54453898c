/** Browser mode: stream a dropped file to the local server, which answers an upload id. */
import { LatheError } from '../../src-shared/errors.ts';
import { httpError } from './notices.ts';

/** The session token when the page still carries it (the server normally moves it to a cookie). */
function tokenHeader(): Record<string, string> {
  const token = new URLSearchParams(location.search).get('token');
  return token ? { 'X-Lathe-Token': token } : {};
}

export async function uploadFile(file: File, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      body: file,
      signal,
      headers: { 'Content-Type': 'application/octet-stream', ...tokenHeader() },
      credentials: 'same-origin',
    });
  } catch (e) {
    if (signal.aborted) throw new LatheError('CANCELLED', `The upload of ${file.name} was cancelled.`);
    throw new LatheError('DISCONNECTED', `The upload of ${file.name} could not reach the Lathe server (${e instanceof Error ? e.message : String(e)}). Is it still running?`, { file: file.name });
  }
  const body = await res.text();
  if (!res.ok) throw httpError(res.status, body, `The upload of ${file.name}`);
  let uploadId: unknown;
  try {
    uploadId = (JSON.parse(body) as { uploadId?: unknown }).uploadId;
  } catch {
    uploadId = undefined;
  }
  if (typeof uploadId !== 'string' || !uploadId) {
    throw new LatheError('INTERNAL', `The server answered the upload of ${file.name} without an uploadId.`, { file: file.name });
  }
  return uploadId;
}
