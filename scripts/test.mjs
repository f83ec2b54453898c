#!/usr/bin/env node
// Runs every test with node's test runner (TypeScript through tsx) and ends
// with the plain line "N passed, N failed". `node scripts/test.mjs unit`
// runs one folder. e2e tests need Chromium: when it is missing this script
// installs Debian's chromium where it can (root and apt-get), and otherwise
// says what to install.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const suites = only.length ? only : ['unit', 'integration', 'e2e'];

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function chromiumPath() {
  const candidates = [process.env.LATHE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p) => p && existsSync(p));
}

function ensureChromium() {
  if (chromiumPath()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log('Chromium not found: installing Debian\'s chromium with apt-get (needed by the e2e tests)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
    if (chromiumPath()) return true;
  }
  console.error(
    'The e2e tests need Chromium and none was found. Install it with `sudo apt-get install -y chromium` ' +
      '(Debian/Ubuntu), or point LATHE_CHROMIUM at a Chromium or Chrome binary.',
  );
  return false;
}

// The parity tests call scikit-learn, SciPy and pandas in /usr/bin/python3 (Debian's packages).
function ensurePython() {
  const python = process.env.LATHE_PYTHON || '/usr/bin/python3';
  const ok = () => spawnSync(python, ['-c', 'import sklearn, scipy, pandas'], { stdio: 'ignore' }).status === 0;
  if (ok()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('scikit-learn, SciPy or pandas missing for /usr/bin/python3: installing Debian\'s packages with apt-get...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', 'python3-sklearn', 'python3-scipy', 'python3-pandas'], { stdio: 'inherit', env });
    if (ok()) return true;
  }
  console.error(
    'The parity tests need scikit-learn, SciPy and pandas for /usr/bin/python3. Install them with ' +
      '`sudo apt-get install -y python3-sklearn python3-scipy python3-pandas`, or point LATHE_PYTHON at a Python that has them.',
  );
  return false;
}

let files = [];
for (const s of suites) files.push(...findTests(join(root, 'tests', s)));
let missingChromium = false;
if (suites.includes('e2e') && files.some((f) => f.includes(`${join('tests', 'e2e')}`))) {
  if (!ensureChromium()) {
    missingChromium = true;
  }
}
const missingPython = suites.some((s) => s === 'unit' || s === 'integration') && !ensurePython();
if (files.length === 0) {
  console.log('No test files found.');
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/count-reporter.mjs', '--test-reporter-destination=stdout',
  ...files.map((f) => relative(root, f)),
];
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LATHE_CHROMIUM: chromiumPath() ?? '', LATHE_NO_CHROMIUM: missingChromium ? '1' : '' },
});
child.on('exit', (code) => process.exit(missingChromium || missingPython ? 1 : (code ?? 1)));
