/**
 * The browser-mode entry: `node --import tsx src-main/server/main.ts
 * [--port P] [--data-dir D] [--no-open] [--no-samples]`. Expects the renderer already built
 * in out/renderer (npm start builds it). Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../engine/paths.ts';
import { toWireError } from '../../src-shared/errors.ts';
import { parsePort, runBrowserMode } from './run.ts';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-open': { type: 'boolean' },
        'no-samples': { type: 'boolean' },
        'static-dir': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}. Usage: main.ts [--port P] [--data-dir D] [--no-open] [--no-samples]`);
    return 2;
  }
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runBrowserMode({
      dataDir: resolveDataDir({ flag: values['data-dir'] }),
      port: parsePort(values.port),
      open: !values['no-open'],
      seedSamples: !values['no-samples'],
      ...(values['static-dir'] ? { staticDir: values['static-dir'] } : {}),
      ...(process.env.LATHE_SERVE_REASON ? { reason: process.env.LATHE_SERVE_REASON } : {}),
      log: (l) => console.log(l),
      signal: ac.signal,
    });
    return 0;
  } catch (e) {
    const w = toWireError(e);
    console.error(`Lathe could not start browser mode: ${w.message} [${w.code}]`);
    return w.code === 'INTERNAL' ? 1 : 2;
  }
}

process.exitCode = await main();
