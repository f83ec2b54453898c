/**
 * Import benchmark: Lathe vs DuckDB vs pandas on one generated CSV
 * (1,000,000 rows × 12 columns: 6 float, 3 integer, 2 categorical, 1 date;
 * ~100 MB, fixed seed, cached in bench/.data/). Each contender runs in its
 * own child process under /usr/bin/time -v, so wall time and peak RSS are
 * the whole process. Lathe imports into a real SQLite file through the
 * engine store in one transaction; DuckDB runs CREATE TABLE AS read_csv_auto
 * into a file-backed database; pandas runs read_csv.
 *
 *   npm run bench:import [-- --rows N] [--only lathe]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../tests/fixtures/random.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, 'bench', '.data');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

// ---------------------------------------------------------------- data

async function generate(file: string, rows: number): Promise<void> {
  const rnd = mulberry32(20240607);
  const colors = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'orange', 'purple'];
  const cities = Array.from({ length: 200 }, (_, i) => `city_${String(i).padStart(3, '0')}`);
  const out = createWriteStream(file);
  const header = 'x1,x2,x3,x4,x5,x6,n1,n2,n3,color,city,day\n';
  out.write(header);
  const day0 = Date.UTC(2000, 0, 1);
  let buf = '';
  for (let r = 0; r < rows; r++) {
    const g = (rnd() + rnd() + rnd() - 1.5) * 2;
    const d = new Date(day0 + Math.floor(rnd() * 9000) * 86400000).toISOString().slice(0, 10);
    buf +=
      `${(g * 100).toFixed(3)},${(rnd() * 1000).toFixed(2)},${(rnd() - 0.5).toFixed(5)},${(g * 7 + rnd()).toFixed(4)},` +
      `${(rnd() * 1e5).toFixed(1)},${(rnd() * 50 - 25).toFixed(3)},` +
      `${Math.floor(rnd() * 100)},${Math.floor(rnd() * 100000) - 50000},${Math.floor(rnd() * 2e9)},` +
      `${colors[Math.floor(rnd() * colors.length)]},${cities[Math.floor(rnd() * cities.length)]},${d}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

// ---------------------------------------------------------------- children

async function childLathe(csv: string, dbFile: string): Promise<void> {
  const t0 = performance.now();
  const { importFile } = await import('../src-main/engine/ingest/import.ts');
  const { lastParallel } = await import('../src-main/engine/ingest/parallel.ts');
  const { lastImport } = await import('../src-main/engine/ingest/import.ts');
  const { lastPipeline, OFFLOAD } = await import('../src-main/engine/ingest/pipeline.ts');
  // LATHE_BENCH_OFFLOAD=0: the import thread computes every column's final statistics itself
  if (process.env.LATHE_BENCH_OFFLOAD === '0') OFFLOAD.stats = false;
  const { openDb } = await import('../src-main/engine/store/db.ts');
  const { insertDataset, insertChunk, completeDataset } = await import('../src-main/engine/store/datasets.ts');
  type NewDataset = import('../src-main/engine/store/datasets.ts').NewDataset;
  const db = openDb(dbFile, { migrate: true });
  const tLoaded = performance.now();
  const id = 'bench';
  const base: NewDataset = {
    id,
    name: 'bench',
    sourcePath: csv,
    sourceSize: 0,
    sha256: '',
    createdAt: new Date().toISOString(),
    rows: 0,
    columns: [],
    warnings: [],
    conflicts: [],
    sample: false,
    skippedRows: 0,
  };
  let index = 0;
  let rowStart = 0;
  let arrowBytes = 0;
  db.exec('BEGIN IMMEDIATE');
  insertDataset(db, base);
  // LATHE_BENCH_PARALLEL=1 forces the segment-parallel parser; LATHE_BENCH_PIPELINE=0 forbids the
  // pipelined one, =1 forces it; both =0: the sequential path (default: the importer decides)
  const par = process.env.LATHE_BENCH_PARALLEL;
  const pipe = process.env.LATHE_BENCH_PIPELINE;
  const hooks = {
    ...(par === '0' ? { parallel: false } : par === '1' ? { parallel: true } : {}),
    ...(pipe === '0' ? { pipeline: false } : pipe === '1' ? { pipeline: true } : {}),
    // LATHE_BENCH_SPLIT=N: at most N text/date columns built on the import thread (0: the parse worker builds all)
    ...(process.env.LATHE_BENCH_SPLIT ? { pipelineSplit: Number(process.env.LATHE_BENCH_SPLIT) } : {}),
  };
  const out = await importFile(csv, {}, {
    write(rows, ipc) {
      insertChunk(db, id, { index, rowStart, rowCount: rows }, ipc);
      index++;
      rowStart += rows;
      arrowBytes += ipc.byteLength;
    },
    reset() {
      db.prepare('DELETE FROM chunks WHERE dataset_id = ?').run(id);
      index = 0;
      rowStart = 0;
      arrowBytes = 0;
    },
  }, hooks);
  const tImported = performance.now();
  completeDataset(db, { ...base, rows: out.rows, columns: out.columns, sourceSize: out.size, sha256: out.sha256, dialect: out.dialect, warnings: out.warnings, conflicts: out.conflicts });
  db.exec('COMMIT');
  const tCommitted = performance.now();
  db.close();
  const t1 = performance.now();
  console.log(
    JSON.stringify({
      rows: out.rows,
      kinds: out.columns.map((c) => c.kind).join(','),
      chunks: index,
      arrowBytes,
      importSeconds: (t1 - tLoaded) / 1000,
      loadSeconds: (tLoaded - t0) / 1000,
      // importFile, then COMMIT (with the WAL checkpoint past wal_autocheckpoint), then close
      phasesMs: [tImported - tLoaded, tCommitted - tImported, t1 - tCommitted].map((x) => Math.round(x)),
      maxRssKB: process.resourceUsage().maxRSS,
      cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
      path: lastImport.path,
      ...(lastImport.path === 'pipeline' ? { pipeline: Object.fromEntries(Object.entries(lastPipeline).map(([k, v]) => [k, Math.round(v)])) } : {}),
      ...(lastImport.path === 'parallel' ? { segments: `${lastParallel.mainSegments} import thread + ${lastParallel.workerSegments} worker, ${lastParallel.passes} pass(es)` } : {}),
    }),
  );
}

const DUCKDB_SCRIPT = `
import { DuckDBInstance } from '@duckdb/node-api';
const [csv, dbFile] = process.argv.slice(1);
const t0 = performance.now();
const inst = await DuckDBInstance.create(dbFile);
const con = await inst.connect();
await con.run("CREATE TABLE t AS SELECT * FROM read_csv_auto('" + csv.replace(/'/g, "''") + "')");
const r = await con.runAndReadAll('SELECT count(*)::INTEGER AS n FROM t');
const n = r.getRows()[0][0];
con.closeSync?.();
inst.closeSync?.();
console.log(JSON.stringify({ rows: n, importSeconds: (performance.now() - t0) / 1000, maxRssKB: process.resourceUsage().maxRSS }));
`;

const PANDAS_SCRIPT = `
import sys, time, json, resource
t0 = time.time()
import pandas as pd
t1 = time.time()
df = pd.read_csv(sys.argv[1])
t2 = time.time()
print(json.dumps({"rows": len(df), "importSeconds": t2 - t1, "maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

interface Measured {
  name: string;
  wall: number;
  rssMB: number;
  inner: Record<string, unknown>;
}

function timed(name: string, cmd: string, args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(`${name} failed:\n${r.stdout}\n${r.stderr}`);
    throw new Error(`${name} failed`);
  }
  const err = r.stderr;
  const wallM = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const wall = wallM ? Number(wallM[1] ?? 0) * 3600 + Number(wallM[2]) * 60 + Number(wallM[3]) : NaN;
  const rssM = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const rssMB = rssM ? Number(rssM[1]) / 1024 : NaN;
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  let inner: Record<string, unknown> = {};
  try {
    inner = JSON.parse(line) as Record<string, unknown>;
  } catch {
    inner = { output: line };
  }
  return { name, wall, rssMB, inner };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    if (process.argv[3] === 'lathe') await childLathe(process.argv[4]!, process.argv[5]!);
    return;
  }
  const rows = Number(arg('--rows', '1000000'));
  mkdirSync(dataDir, { recursive: true });
  const csv = join(dataDir, `bench_${rows}x12.csv`);
  if (!existsSync(csv)) {
    console.log(`generating ${csv} ...`);
    await generate(csv, rows);
  }
  const size = statSync(csv).size;
  const mb = size / 1e6;
  console.log(`file: ${csv}  ${rows} rows × 12 columns, ${mb.toFixed(1)} MB`);
  const latheDb = join(dataDir, 'lathe-bench.db');
  const duckDb = join(dataDir, 'duck-bench.duckdb');
  for (const f of [latheDb, `${latheDb}-wal`, `${latheDb}-shm`, duckDb, `${duckDb}.wal`]) rmSync(f, { force: true });

  // Lathe runs from an esbuild bundle of this script (the importer, store and
  // parse worker as they are) under plain node: the timing is the import's, as
  // DuckDB's is its CREATE TABLE. The CLI and the app run the same code from
  // source through tsx, whose start-up (~0.5 s for the CLI; ~60 MB of RSS) this
  // leaves out; their parse worker starts from a cached bundle (start-worker.ts).
  const bundle = join(dataDir, 'lathe-bench.mjs');
  let latheArgs = ['--import', 'tsx', join(root, 'bench', 'import.ts'), '--child', 'lathe', csv, latheDb];
  try {
    const esbuild = (await import('esbuild')) as { build: (o: Record<string, unknown>) => Promise<unknown> };
    // the importer's parse workers are bundled next to it (parallel.ts and pipeline.ts look for ./parse-worker.mjs, ./pipe-worker.mjs)
    await esbuild.build({
      entryPoints: {
        'lathe-bench': join(root, 'bench', 'import.ts'),
        'parse-worker': join(root, 'src-main', 'engine', 'ingest', 'parse-worker.ts'),
        'pipe-worker': join(root, 'src-main', 'engine', 'ingest', 'pipe-worker.ts'),
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir: dataDir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'error',
    });
    latheArgs = [bundle, '--child', 'lathe', csv, latheDb];
  } catch (e) {
    console.log(`(esbuild unavailable, running Lathe under tsx: ${(e as Error).message})`);
  }
  const results: Measured[] = [];
  results.push(timed('lathe', process.execPath, latheArgs));
  const only = arg('--only', '');
  if (only !== 'lathe') {
    results.push(timed('duckdb', process.execPath, ['--input-type=module', '-e', DUCKDB_SCRIPT, csv, duckDb]));
    results.push(timed('pandas', '/usr/bin/python3', ['-c', PANDAS_SCRIPT, csv]));
  }
  for (const f of [latheDb, `${latheDb}-wal`, `${latheDb}-shm`, duckDb, `${duckDb}.wal`]) rmSync(f, { force: true });

  console.log('');
  console.log('contender   wall s   MB/s    peak RSS MB   in-process import s');
  for (const r of results) {
    const inner = Number(r.inner.importSeconds);
    console.log(`${r.name.padEnd(10)} ${r.wall.toFixed(2).padStart(6)}  ${(mb / r.wall).toFixed(1).padStart(6)}  ${r.rssMB.toFixed(0).padStart(10)}    ${inner.toFixed(2).padStart(8)}`);
  }
  const lathe = results[0]!;
  console.log('');
  for (const peer of results.slice(1)) {
    console.log(
      `Lathe/${peer.name}: time ${(lathe.wall / peer.wall).toFixed(2)}× (in-process ${(Number(lathe.inner.importSeconds) / Number(peer.inner.importSeconds)).toFixed(2)}×), peak RSS ${(lathe.rssMB / peer.rssMB).toFixed(2)}×`,
    );
  }
  console.log(`Lathe: CPU ${Number(lathe.inner.cpuSeconds).toFixed(2)} s; importFile/COMMIT/close ms ${JSON.stringify(lathe.inner.phasesMs)}${lathe.inner.pipeline ? `; pipeline ms ${JSON.stringify(lathe.inner.pipeline)}` : ""}`);
  const arrowMB = Number(lathe.inner.arrowBytes) / 1048576;
  console.log(`Lathe: ${String(lathe.inner.rows)} rows, kinds ${String(lathe.inner.kinds)}, ${String(lathe.inner.chunks)} chunks, Arrow ${arrowMB.toFixed(1)} MB; peak RSS / Arrow size = ${(lathe.rssMB / arrowMB).toFixed(2)} (target < 2)`);
  console.log('(the machine is shared with other engineers while this runs: timings vary from run to run)');
}

await main();
