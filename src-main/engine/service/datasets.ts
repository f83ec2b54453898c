/** The datasets.* methods: reads and small writes on the main thread, imports and kind changes as worker jobs. */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { DatasetMethods } from '../../../src-shared/contract/datasets.ts';
import { COLUMN_KINDS, type DatasetMeta, type ImportOptions, type ImportResult } from '../../../src-shared/dataset.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { CallContext, Handlers } from '../../../src-shared/rpc/core.ts';
import { columnOf } from '../store/store.ts';
import type { ImportTaskInput, ImportTaskResult } from '../workers/tasks/import.ts';
import type { SetKindInput } from '../workers/tasks/set-kind.ts';
import { paramsOf as params, type ServiceDeps } from './context.ts';

export const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function importOptions(p: { name?: unknown; skipBadRows?: unknown }): ImportOptions {
  const o: ImportOptions = {};
  if (p.name !== undefined && p.name !== null) {
    if (typeof p.name !== 'string') throw new LatheError('BAD_REQUEST', `name must be a string; got ${JSON.stringify(p.name)}.`, { param: 'name' });
    o.name = p.name;
  }
  if (p.skipBadRows !== undefined && p.skipBadRows !== null) {
    if (typeof p.skipBadRows !== 'boolean') {
      throw new LatheError('BAD_REQUEST', `skipBadRows must be true or false; got ${JSON.stringify(p.skipBadRows)}.`, { param: 'skipBadRows' });
    }
    o.skipBadRows = p.skipBadRows;
  }
  return o;
}

/** The extension(s) of a file name, kept so the importer sees ".csv.gz", ".tsv", ".arrow"... */
function extensionOf(fileName: string): string {
  const m = /((\.[A-Za-z0-9]{1,8}){1,2})$/.exec(basename(fileName.replace(/\\/g, '/')));
  return m ? (m[1] as string).toLowerCase() : '';
}

export function datasetHandlers(deps: ServiceDeps): Pick<Handlers, keyof DatasetMethods> {
  const { store, jobs, emit } = deps;

  async function runImport(input: ImportTaskInput, title: string, ctx: CallContext): Promise<ImportResult> {
    if (deps.chunkRows) input.chunkRows = deps.chunkRows;
    const { done } = jobs.start<ImportTaskResult>({ kind: 'import', title, task: 'import', input }, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
    const result = await done;
    emit('datasets.changed', { ids: [result.dataset.id] });
    return result;
  }

  return {
    'datasets.list': () => store.list(),

    'datasets.get': (p) => store.get(params(p, 'datasets.get').id),

    'datasets.rename': async (p) => {
      const { id, name } = params(p, 'datasets.rename');
      const meta = await store.rename(id, name);
      emit('datasets.changed', { ids: [meta.id] });
      return meta;
    },

    'datasets.delete': async (p) => {
      const { id } = params(p, 'datasets.delete');
      const deleted = await store.delete(id);
      emit('datasets.changed', { ids: [id] });
      return { deleted };
    },

    'datasets.rows': (p) => store.rows(params(p, 'datasets.rows')),

    'datasets.histogram': (p) => store.histogram(params(p, 'datasets.histogram')),

    'datasets.setColumn': async (p, ctx) => {
      const { id, column, kind, role } = params(p, 'datasets.setColumn');
      const meta = store.get(id);
      const col = columnOf(meta, column);
      if (kind === undefined && role === undefined) {
        throw new LatheError('BAD_REQUEST', 'datasets.setColumn needs a kind, a role or both.', { param: 'kind' });
      }
      let result: DatasetMeta;
      if (kind !== undefined && kind !== col.kind) {
        if (typeof kind !== 'string' || !(COLUMN_KINDS as readonly string[]).includes(kind)) {
          throw new LatheError('BAD_REQUEST', `kind must be one of ${COLUMN_KINDS.join(', ')}; got ${JSON.stringify(kind)}.`, { param: 'kind' });
        }
        const input: SetKindInput = { dbFile: store.file, id: meta.id, column: col.name, kind, ...(role !== undefined ? { role } : {}) };
        const { done } = jobs.start<DatasetMeta>(
          { kind: 'other', title: `Read "${col.name}" of ${meta.name} as ${kind}`, task: 'set-kind', input },
          { signal: ctx.signal, onProgress: (pr) => ctx.progress(pr) },
        );
        try {
          result = await done;
        } finally {
          // The worker rewrote chunks through its own connection.
          store.invalidate(meta.id);
        }
      } else {
        result = role !== undefined ? await store.setRole(meta.id, col.name, role) : meta;
      }
      emit('datasets.changed', { ids: [meta.id] });
      return result;
    },

    'datasets.importPath': async (p, ctx) => {
      const q = params(p, 'datasets.importPath');
      if (typeof q.path !== 'string' || !q.path.trim()) {
        throw new LatheError('BAD_REQUEST', 'path must be the path of a file to import.', { param: 'path' });
      }
      const path = resolve(q.path);
      return runImport({ dbFile: store.file, path, options: importOptions(q) }, `Import ${basename(path)}`, ctx);
    },

    'datasets.importUpload': async (p, ctx) => {
      const q = params(p, 'datasets.importUpload');
      if (typeof q.uploadId !== 'string' || !UPLOAD_ID.test(q.uploadId)) {
        throw new LatheError('BAD_REQUEST', `uploadId must be the id that POST /api/upload answered; got ${JSON.stringify(q.uploadId)}.`, { param: 'uploadId' });
      }
      if (typeof q.fileName !== 'string' || !q.fileName.trim()) {
        throw new LatheError('BAD_REQUEST', 'fileName must be the name of the uploaded file.', { param: 'fileName' });
      }
      const uploaded = join(deps.uploadsDir, q.uploadId);
      if (!existsSync(uploaded)) {
        throw new LatheError('NOT_FOUND', `There is no upload with id "${q.uploadId}" (it was imported already, or the engine restarted). Upload the file again.`, {
          param: 'uploadId',
          id: q.uploadId,
        });
      }
      const options = importOptions(q);
      const fileName = basename(q.fileName.replace(/\\/g, '/'));
      // Keep the name's extension so the importer sees what the person dropped.
      const path = uploaded + extensionOf(fileName);
      renameSync(uploaded, path);
      try {
        return await runImport({ dbFile: store.file, path, sourceName: fileName, options }, `Import ${fileName}`, ctx);
      } catch (e) {
        // The importer names the temporary upload; the person dropped `fileName`.
        if (e instanceof LatheError) {
          const message = e.message.split(path).join(fileName);
          const details = e.details.file === path ? { ...e.details, file: fileName } : e.details;
          throw new LatheError(e.code, message, details);
        }
        throw e;
      } finally {
        rmSync(path, { force: true });
      }
    },
  };
}
