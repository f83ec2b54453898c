/**
 * Spawning the real CLI (`node bin/lathe.mjs`) as a person would, against a
 * temporary data folder that is removed after the test file.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSession {
  /** A temporary folder of this test file (the data folder is `<dir>/data`). */
  dir: string;
  dataDir: string;
  /** Runs `lathe <args> --data-dir <dataDir>`; resolves with the exit code and output. */
  lathe(args: string[]): Promise<Run>;
}

export function cliSession(prefix: string, opts: { timeoutMs?: number; cwd?: 'root' | 'dir' } = {}): CliSession {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cwd = opts.cwd === 'dir' ? dir : ROOT;
  return {
    dir,
    dataDir,
    lathe: (args) =>
      new Promise((resolve) => {
        execFile(process.execPath, [join(ROOT, 'bin', 'lathe.mjs'), ...args, '--data-dir', dataDir], { cwd, timeout: opts.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
      }),
  };
}

/** The one JSON object a `--json` command prints. */
export function one(r: Run): Record<string, unknown> {
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line of JSON, got:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}
