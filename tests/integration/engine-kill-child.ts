/**
 * Child process for engine-jobs.test.ts: starts an engine on argv[2] and
 * imports argv[3], printing "rows N" as the import progresses, so the test
 * can SIGKILL the whole process in the middle of the import transaction.
 */
import { createEngine } from '../../src-main/engine/engine.ts';

const [dataDir, file] = process.argv.slice(2) as [string, string];
const engine = await createEngine({ dataDir, shell: 'test', seedSamples: false, workers: 1 });
const ctx = {
  signal: new AbortController().signal,
  progress: (p: { rows?: number; phase: string }) => {
    if (p.rows) process.stdout.write(`rows ${p.rows}\n`);
  },
};
await engine.handlers['datasets.importPath']({ path: file }, ctx);
process.stdout.write('finished\n');
await engine.close();
