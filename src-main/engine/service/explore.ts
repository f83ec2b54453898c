/**
 * The explore.* methods: whole columns as typed arrays for the scatter plots
 * (read on the main thread from one snapshot; binary on the wire), and the
 * projections ranking and elbow curve as worker jobs with progress.
 */
import type { ColumnsResult, ExploreMethods } from '../../../src-shared/contract/explore.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Handlers } from '../../../src-shared/rpc/core.ts';
import { Random } from '../ml/random.ts';
import { gatherColumns } from '../stats/gather.ts';
import { DatasetReader } from '../store/reader.ts';
import type { ElbowInput } from '../workers/tasks/elbow.ts';
import type { ProjectionsInput } from '../workers/tasks/projections.ts';
import { paramsOf as params, type ServiceDeps } from './context.ts';

export const MAX_COLUMNS = 16;
export const MAX_ELBOW_POINTS = 200_000;

function optInt(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new LatheError('INVALID_PARAM', `${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}.`, { param: name });
  }
  return v;
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v) throw new LatheError('BAD_REQUEST', `${name} must be a non-empty string; got ${JSON.stringify(v) ?? 'nothing'}.`, { param: name });
  return v;
}

/** Read columns of a stored dataset as Float64Arrays (codes for categories), optionally sampled. */
export function readColumns(dbFile: string, id: string, names: string[], maxRows?: number, seed = 0): ColumnsResult {
  const reader = new DatasetReader(dbFile);
  try {
    const { meta, cols } = reader.db.transaction(() => {
      const meta = reader.meta(id);
      const infos = names.map((n) => {
        const c = meta.columns.find((x) => x.name === n);
        if (!c) {
          throw new LatheError('UNKNOWN_COLUMN', `The dataset "${meta.name}" has no column "${n}". Its columns are ${meta.columns.map((x) => `"${x.name}"`).join(', ')}.`, {
            param: 'columns',
            column: n,
          });
        }
        if (c.kind === 'text') throw new LatheError('BAD_DATA', `"${n}" is free text; plots take numeric, date or categorical columns.`, { param: 'columns', column: n });
        return c;
      });
      return { meta, cols: gatherColumns(reader.db, meta, infos) };
    })();
    let values = cols.map((c) => (c.type === 'numeric' ? c.values : Float64Array.from(c.codes, (v) => (v < 0 ? NaN : v))));
    const out: ColumnsResult = { columns: names, values, levels: cols.map((c) => (c.type === 'categorical' ? c.levels : null)), totalRows: meta.rows };
    if (maxRows !== undefined && meta.rows > maxRows) {
      // An order-preserving seeded sample: the same rows for the same seed.
      const rowIds = new Random(seed).sample(meta.rows, maxRows).sort();
      values = values.map((v) => Float64Array.from(rowIds, (r) => v[r]!));
      out.values = values;
      out.rowIds = rowIds;
    }
    return out;
  } finally {
    reader.close();
  }
}

export function exploreHandlers(deps: ServiceDeps): Pick<Handlers, keyof ExploreMethods> {
  const { store, jobs } = deps;
  return {
    'explore.columns': (p) => {
      const q = params(p, 'explore.columns');
      const id = str(q.id, 'id');
      if (!Array.isArray(q.columns) || q.columns.length === 0 || q.columns.length > MAX_COLUMNS) {
        throw new LatheError('BAD_REQUEST', `columns must list 1 to ${MAX_COLUMNS} column names; got ${JSON.stringify(q.columns) ?? 'nothing'}.`, { param: 'columns' });
      }
      const names = q.columns.map((c, i) => str(c, `columns[${i}]`));
      const maxRows = q.maxRows === undefined || q.maxRows === null ? undefined : optInt(q.maxRows, 'maxRows', 1, 2 ** 31 - 1, 0);
      return readColumns(store.file, id, names, maxRows, optInt(q.seed, 'seed', 0, 2 ** 31 - 1, 0));
    },

    'explore.projections': async (p, ctx) => {
      const q = params(p, 'explore.projections');
      const meta = store.get(str(q.id, 'id'));
      const input: ProjectionsInput = {
        dbFile: store.file,
        datasetId: meta.id,
        classColumn: str(q.classColumn, 'classColumn'),
        k: optInt(q.k, 'k', 1, 50, 3),
        folds: optInt(q.folds, 'folds', 2, 20, 5),
        seed: optInt(q.seed, 'seed', 0, 2 ** 31 - 1, 0),
        maxRows: optInt(q.maxRows, 'maxRows', 20, 1_000_000, 2000),
      };
      if (q.columns !== undefined && q.columns !== null) {
        if (!Array.isArray(q.columns)) throw new LatheError('BAD_REQUEST', 'columns must be a list of column names.', { param: 'columns' });
        input.columns = q.columns.map((c, i) => str(c, `columns[${i}]`));
      }
      const { done } = jobs.start<ExploreMethods['explore.projections']['result']>(
        { kind: 'other', title: `Informative projections of ${meta.name} by "${input.classColumn}"`, task: 'projections', input },
        { signal: ctx.signal, onProgress: (pr) => ctx.progress(pr) },
      );
      return done;
    },

    'explore.elbow': async (p, ctx) => {
      const q = params(p, 'explore.elbow');
      if (!(q.points instanceof Float64Array) || q.points.length < 2 || q.points.length % 2 !== 0) {
        throw new LatheError('BAD_REQUEST', 'points must be a Float64Array of x, y pairs (at least one point).', { param: 'points' });
      }
      if (q.points.length / 2 > MAX_ELBOW_POINTS) {
        throw new LatheError('INVALID_PARAM', `points holds ${q.points.length / 2} points; the elbow curve takes at most ${MAX_ELBOW_POINTS}.`, { param: 'points' });
      }
      const input: ElbowInput = { points: q.points, kMax: optInt(q.kMax, 'kMax', 1, 20, 10), seed: optInt(q.seed, 'seed', 0, 2 ** 31 - 1, 0) };
      const { done } = jobs.start<ExploreMethods['explore.elbow']['result']>(
        { kind: 'kmeans', title: `Elbow and silhouette, k = 1..${input.kMax}`, task: 'elbow', input },
        { signal: ctx.signal, onProgress: (pr) => ctx.progress(pr) },
      );
      return done;
    },
  };
}
