/**
 * Shared pieces of the engine integration tests: an engine in a temp data
 * folder served over the in-memory RPC pair (as the CLI does), and a small
 * RFC-4180 CSV reader to compare stored values with the file's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createEngine, type Engine, type EngineOptions } from '../../src-main/engine/engine.ts';
import type { ColumnData } from '../../src-main/engine/arrow/types.ts';
import { RpcClient, RpcServer } from '../../src-shared/rpc/core.ts';
import { memoryTransportPair } from '../../src-shared/rpc/memory.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { SHARED_DATASETS } from '../helpers/data.ts';

/** The shared datasets beside the checkout (see tests/helpers/data.ts). */
export const DATA = SHARED_DATASETS;

export function tempDir(prefix = 'lathe-engine-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  engine: Engine;
  client: RpcClient;
  events: { topic: string; data: unknown }[];
  close(): Promise<void>;
}

export async function startEngine(dataDir: string, opts: Partial<EngineOptions> = {}): Promise<Harness> {
  const engine = await createEngine({ dataDir, shell: 'test', seedSamples: false, workers: 1, ...opts });
  const [a, b] = memoryTransportPair();
  const server = new RpcServer(engine.handlers, b);
  const events: { topic: string; data: unknown }[] = [];
  const unsubscribe = engine.subscribe((topic, data) => {
    events.push({ topic, data });
    server.emit(topic, data as never);
  });
  const client = new RpcClient(a);
  return {
    engine,
    client,
    events,
    async close() {
      unsubscribe();
      a.close();
      await engine.close();
    },
  };
}

/** Rejects with a LatheError of `code`; returns it for more checks. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<LatheError> {
  let caught: unknown;
  await p.then(
    (v) => assert.fail(`expected ${code}, got a result: ${JSON.stringify(v)?.slice(0, 200)}`),
    (e: unknown) => (caught = e),
  );
  assert.ok(caught instanceof LatheError, `expected a LatheError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** RFC 4180: comma-separated, double-quoted fields with doubled quotes, LF or CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readCsv(path: string): { header: string[]; rows: string[][] } {
  const all = parseCsv(readFileSync(path, 'utf8'));
  return { header: all[0] as string[], rows: all.slice(1) };
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);

/** Checks that stored cell i of `c` holds the CSV text `s` (missing markers read as missing). */
export function assertCell(c: ColumnData, i: number, s: string, where: string): void {
  const isNull =
    c.nulls?.[i] === 1 || (c.storage === 'string' ? (c.codes[i] as number) < 0 : c.storage === 'float64' || c.storage === 'timestamp' ? Number.isNaN(c.values[i]) : false);
  if (MISSING.has(s.trim().toLowerCase())) {
    assert.ok(isNull, `${where}: "${s}" should be missing`);
    return;
  }
  assert.ok(!isNull, `${where}: "${s}" was stored as missing`);
  switch (c.storage) {
    case 'string':
      assert.equal(c.dictionary[c.codes[i] as number], s, where);
      break;
    case 'float64':
    case 'int32':
      assert.equal(c.values[i], Number(s), `${where}: ${s}`);
      break;
    case 'bool':
      assert.equal(c.values[i], /^(true|yes|t|y)$/i.test(s) ? 1 : 0, where);
      break;
    case 'timestamp':
      assert.equal(c.values[i], Date.parse(/^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T00:00:00Z` : s), `${where}: ${s}`);
      break;
  }
}
