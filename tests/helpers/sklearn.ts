/**
 * Run scikit-learn (Debian's python3-sklearn under /usr/bin/python3) as the
 * reference. The Python side gets `inp` (a dict parsed from JSON, arrays as
 * lists) and must set `out` to something JSON-serialisable.
 *
 *   const r = sklearn(`
 *   from sklearn.naive_bayes import GaussianNB
 *   m = GaussianNB().fit(np.array(inp['Xtr']), np.array(inp['ytr']))
 *   out = m.predict(np.array(inp['Xte'])).tolist()`, { Xtr, ytr, Xte });
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = process.env.LATHE_PYTHON ?? '/usr/bin/python3';

function toPlain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}

export function sklearn<T = unknown>(body: string, inp: Record<string, unknown> = {}): T {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-sk-'));
  try {
    const inFile = join(dir, 'in.json');
    const outFile = join(dir, 'out.json');
    const script = join(dir, 'run.py');
    writeFileSync(inFile, JSON.stringify(toPlain(inp)));
    const dedented = body.replace(/^\n/, '').split('\n');
    const indent = Math.min(...dedented.filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length));
    writeFileSync(
      script,
      [
        'import json, sys',
        'import numpy as np',
        `inp = json.load(open(${JSON.stringify(inFile)}))`,
        'out = None',
        ...dedented.map((l) => l.slice(indent)),
        'class _Enc(json.JSONEncoder):',
        '    def default(self, o):',
        '        if isinstance(o, np.ndarray): return o.tolist()',
        '        if isinstance(o, (np.integer,)): return int(o)',
        '        if isinstance(o, (np.floating,)): return float(o)',
        '        return super().default(o)',
        `json.dump(out, open(${JSON.stringify(outFile)}, 'w'), cls=_Enc)`,
      ].join('\n'),
    );
    execFileSync(PYTHON, [script], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    return JSON.parse(readFileSync(outFile, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
