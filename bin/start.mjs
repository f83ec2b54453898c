#!/usr/bin/env node
// `npm start [-- --serve] [--data-dir D] [--port P] [--no-open]`
//
// Builds what is missing or stale (electron-vite: main, preload, renderer),
// then launches the desktop app when an Electron binary is installed, and
// otherwise serves Lathe to a browser (browser mode), saying why. The engine
// runs from its TypeScript source through tsx in both cases.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

function usage(message) {
  console.error(`${message}\nUsage: npm start [-- --serve] [--data-dir D] [--port P] [--no-open]`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      serve: { type: 'boolean' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  usage(e.message);
}
if (values.help) {
  console.log(
    'npm start: build what is stale, then open Lathe.\n' +
      '  --serve       browser mode even where Electron is installed\n' +
      '  --data-dir D  the data folder (default: LATHE_DATA_DIR, else the per-user app-data folder)\n' +
      '  --port P      browser mode: the port on 127.0.0.1 (default: a free one)\n' +
      '  --no-open     browser mode: do not open a browser, only print the URL',
  );
  process.exit(0);
}
if (values.port !== undefined && !/^\d+$/.test(values.port)) usage(`--port must be a whole number from 0 to 65535. Got "${values.port}" instead.`);

/** The newest modification time under `p` (a file or a folder), 0 when absent. */
function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    m = Math.max(m, newest(join(p, name)));
  }
  return m;
}

const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
const inputs = ['src-renderer', 'src-shared', 'src-main/electron', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p));

function buildIfStale() {
  const built = Math.min(...outputs.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  const source = Math.max(...inputs.map(newest));
  if (built > 0 && built >= source) return;
  console.log(built === 0 ? 'Building Lathe (first run)…' : 'Sources changed since the last build: rebuilding…');
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The build failed (see above). Fix it, or run "npx electron-vite build" to see the error again.');
    process.exit(r.status ?? 1);
  }
}

/**
 * The Electron binary, or why there is none. Reads what the electron package
 * recorded instead of require('electron'), which tries to download the
 * binary again (and waits on the network) every time it is missing.
 */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { reason: 'Electron is not installed (node_modules/electron is missing)' };
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const bin = rel ? join(dist, rel) : '';
  if (!bin || !existsSync(bin)) return { reason: "Electron's binary is not installed (it could not be downloaded)" };
  return { path: bin };
}

function run(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  // Ctrl+C reaches the child through the terminal; a SIGTERM sent to us is passed on.
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  child.on('error', (e) => {
    console.error(`Could not start ${cmd}: ${e.message}`);
    process.exit(1);
  });
}

buildIfStale();

const electron = values.serve ? { reason: '' } : electronBinary();
if (electron.path) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron.path, [root, ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : [])], env);
} else {
  const args = ['--import', 'tsx', join(root, 'src-main', 'server', 'main.ts')];
  if (values['data-dir']) args.push('--data-dir', values['data-dir']);
  if (values.port) args.push('--port', values.port);
  if (values['no-open']) args.push('--no-open');
  run(process.execPath, args, { ...process.env, ...(electron.reason ? { LATHE_SERVE_REASON: electron.reason } : {}) });
}
