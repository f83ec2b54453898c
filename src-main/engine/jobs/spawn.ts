/**
 * The one place that knows how to start a worker from a script that may be
 * TypeScript source (engine run through tsx) or a bundled `.js` file.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface SpawnOptions {
  resourceLimits?: ResourceLimits;
  workerData?: unknown;
  name?: string;
}

const TSX_FLAG = /(^|[\\/=])tsx([\\/@]|$)|tsx\/dist|tsx\/esm/;

/**
 * The parent's execArgv minus any tsx registration (`--import tsx`,
 * `--import=tsx`, `--loader tsx`, `--require tsx/cjs`...) and minus options a
 * worker refuses (the test runner's), so tsx is never registered twice.
 */
export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const a = parent[i] as string;
    if ((a === '--import' || a === '--loader' || a === '--experimental-loader' || a === '--require' || a === '-r') && i + 1 < parent.length) {
      const v = parent[i + 1] as string;
      i++;
      if (TSX_FLAG.test(v)) continue;
      out.push(a, v);
      continue;
    }
    if (/^--(import|loader|experimental-loader|require)=/.test(a) && TSX_FLAG.test(a.slice(a.indexOf('=') + 1))) continue;
    if (a.startsWith('--test') || a === '--watch' || a.startsWith('--watch-')) continue;
    out.push(a);
  }
  return out;
}

function isTypeScript(url: URL): boolean {
  return /\.(c|m)?ts$/.test(url.pathname);
}

/**
 * Start `script` in a worker. A `.ts` script runs through tsx: the worker
 * gets the parent's execArgv without its tsx flags, and a tiny bootstrap
 * that registers tsx's ESM hooks before importing the entry. (Node 20 does
 * not apply `--import tsx` hooks to a worker's entry module, and a failed
 * import is cached, so registering first is the one order that works on
 * every supported Node.)
 */
export function spawnWorker(script: URL, opts: SpawnOptions = {}): Worker {
  const common = { resourceLimits: opts.resourceLimits, workerData: opts.workerData, name: opts.name };
  if (!isTypeScript(script)) return new Worker(script, common);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `
    import(${JSON.stringify(tsxApi)})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  try {
    return new Worker(bootstrap, { ...common, eval: true, execArgv: workerExecArgv() });
  } catch (e) {
    // An option the worker refuses slipped through the filter: run with none.
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(bootstrap, { ...common, eval: true, execArgv: [] });
  }
}
