/**
 * The samples Lathe ships (datasets/*.csv, *.csv.gz) are imported on the
 * first run, in the background, as jobs. Done once: a setting remembers it,
 * so a person who deletes a sample does not get it back.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isCancelled } from '../../../src-shared/errors.ts';
import type { JobSystem } from '../jobs/pool.ts';
import * as q from '../store/datasets.ts';
import { writeTransaction } from '../store/db.ts';
import type { Store } from '../store/store.ts';
import { datasetNameFor, type ImportTaskInput, type ImportTaskResult } from '../workers/tasks/import.ts';

export const SAMPLES_SEEDED = 'samples.seeded';

export function sampleFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.csv(\.gz)?$/i.test(n))
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile())
    // Small ones first: the list fills quickly and the big one comes last.
    .sort((a, b) => statSync(a).size - statSync(b).size);
}

export interface SeedResult {
  imported: string[];
  failed: { file: string; code: string; message: string }[];
  skipped: boolean;
}

export async function seedSamples(
  store: Store,
  jobs: JobSystem,
  samplesDir: string,
  onImported: (id: string) => void,
): Promise<SeedResult> {
  if (q.getSetting(store.db, SAMPLES_SEEDED)) return { imported: [], failed: [], skipped: true };
  // After an interrupted first run some samples are there already: import only the others.
  const have = new Set(store.list().filter((d) => d.sample).map((d) => d.name.toLowerCase()));
  const files = sampleFiles(samplesDir).filter((f) => !have.has(datasetNameFor(f).toLowerCase()));
  const runs = files.map((file) => {
    const name = datasetNameFor(file);
    const input: ImportTaskInput = { dbFile: store.file, path: file, options: { name }, sample: true };
    const { done } = jobs.start<ImportTaskResult>({ kind: 'import', title: `Import sample ${name}`, task: 'import', input });
    return done.then((r) => {
      onImported(r.dataset.id);
      return r;
    });
  });
  const settled = await Promise.allSettled(runs);
  const result: SeedResult = { imported: [], failed: [], skipped: false };
  let interrupted = false;
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') result.imported.push(s.value.dataset.id);
    else if (isCancelled(s.reason)) interrupted = true;
    else {
      const e = s.reason as { code?: string; message?: string };
      result.failed.push({ file: files[i] as string, code: e.code ?? 'INTERNAL', message: e.message ?? String(s.reason) });
    }
  });
  // A broken sample is not retried forever; an engine shut down mid-way resumes next time.
  if (!interrupted && store.db.open) {
    await writeTransaction(store.db, () => q.setSetting(store.db, SAMPLES_SEEDED, new Date().toISOString()));
  }
  return result;
}
