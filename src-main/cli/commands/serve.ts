/** lathe serve [--port P]: browser mode, the same as `npm start -- --serve`. */
import type { Command } from '../command.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import { parsePort, runBrowserMode } from '../../server/run.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve Lathe to a browser on this machine (http://127.0.0.1, with a session token)',
  positionals: [],
  options: {
    port: { type: 'string', value: 'P', description: 'the port on 127.0.0.1 (default: a free one)' },
    open: { type: 'boolean', description: 'open the URL in the default browser' },
    'no-samples': { type: 'boolean', description: 'do not import the bundled sample datasets into an empty data folder' },
  },
  examples: ['lathe serve', 'lathe serve --port 8765 --data-dir ./lathe-data'],
  async run(ctx) {
    if (ctx.json) throw new LatheError('BAD_REQUEST', '"lathe serve" runs until stopped and prints no JSON; leave out --json.', { param: 'json' });
    const port = parsePort(ctx.args.flags.port as string | undefined);
    await runBrowserMode({ dataDir: ctx.dataDir, port, open: ctx.args.flags.open === true, seedSamples: ctx.args.flags['no-samples'] !== true, log: (l) => ctx.say(l), signal: ctx.signal });
  },
};
