/**
 * A team for an optimiser's objective: every evaluation is a fixed set of
 * chunks (rows of the data), done by the calling thread and by one helper
 * thread from the shared ML pool that stays for the whole fit. The helper is
 * posted once per fit (not once per evaluation, as runChunksSync would) and
 * waits for the next evaluation on a shared word, so an evaluation of half a
 * millisecond still splits.
 *
 * - Determinism is the caller's: each chunk writes its own outputs and the
 *   caller adds them in chunk order, so results do not depend on who did
 *   which chunk, or on whether a helper came at all.
 * - The caller never waits for the helper to start (its first evaluations
 *   may run alone); it waits only for a chunk the helper has claimed. A
 *   helper that holds one for more than STALL_MS is given up: the caller
 *   redoes what is not done and goes on alone; the late helper sees that the
 *   evaluation moved on and drops its result (the chunk function writes its
 *   outputs only while `current()` holds).
 * - Claims carry the evaluation's number, so a late claim can never take a
 *   chunk of the next evaluation.
 *
 * Control words live in a small SharedArrayBuffer; the data live where the
 * chunk function finds them (a shared WebAssembly memory in `args`).
 */
import { sharedPool, threadCount } from '../parallel.ts';

/** [evaluation << 16 | next chunk], [evaluation << 16 | chunks done], evaluation, stop, helper busy */
const CLAIM = 0;
const DONE = 1;
const GEN = 2;
const STOP = 3;
const BUSY = 4;
const STATUS = 8;

/** A held chunk longer than this gives the helper up for the rest of the fit. */
const STALL_MS = 1000;
/** A helper leaves after this long without an evaluation (the fit is over or stalled). */
const IDLE_MS = 2000;

/** The chunk function: `thread` 0 is the caller, 1 the helper; write outputs only while current() is true. */
export type TeamChunkFn = (args: unknown, chunk: number, thread: number, current: () => boolean) => void;

interface TeamArgs {
  module: string;
  fn: string;
  args: unknown;
  ctl: Int32Array;
  n: number;
}

function drain(ctl: Int32Array, n: number, gen: number, work: (c: number) => void): void {
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    const c = w & 0xffff;
    if (w >>> 16 !== gen || c >= n) return;
    if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
    work(c);
    Atomics.store(ctl, STATUS + c, gen);
    for (;;) {
      const d = Atomics.load(ctl, DONE);
      if (d >>> 16 !== gen) break;
      if (Atomics.compareExchange(ctl, DONE, d, d + 1) === d) {
        Atomics.notify(ctl, DONE);
        break;
      }
    }
  }
}

/** Pool task: the helper's side of a team, for the whole fit. */
export async function teamLoop(a: TeamArgs): Promise<null> {
  const mod = (await import(a.module)) as Record<string, unknown>;
  const fn = mod[a.fn] as TeamChunkFn;
  const { ctl, n } = a;
  let seen = 0;
  let idleSince = Date.now();
  while (Atomics.load(ctl, STOP) === 0) {
    const g = Atomics.load(ctl, GEN);
    if (g === seen || g === 0) {
      if (Date.now() - idleSince > IDLE_MS) break;
      Atomics.wait(ctl, GEN, g, 100);
      continue;
    }
    seen = g;
    Atomics.store(ctl, BUSY, 1);
    try {
      const current = (): boolean => Atomics.load(ctl, GEN) === g && Atomics.load(ctl, STOP) === 0;
      drain(ctl, n, g, (c) => fn(a.args, c, 1, current));
    } finally {
      Atomics.store(ctl, BUSY, 0);
      Atomics.notify(ctl, BUSY);
    }
    idleSince = Date.now();
  }
  return null;
}

export class ChunkTeam {
  private readonly ctl: Int32Array;
  private gen = 0;
  private helper: boolean;

  /**
   * `n` chunks per evaluation (at most 65535); a helper is asked for when
   * `withHelper` and the machine has a second core; `fn` is `module`'s export
   * of the chunk function, run by the helper with `args`.
   */
  constructor(
    private readonly n: number,
    spec: { module: string; fn: string; args: unknown },
    withHelper: boolean,
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (STATUS + Math.max(1, n))));
    this.helper = withHelper && n > 1 && n <= 0xffff && threadCount(-1) > 1;
    if (this.helper) {
      const args: TeamArgs = { ...spec, ctl: this.ctl, n };
      sharedPool().postDetached({ module: import.meta.url, fn: 'teamLoop', args }, 1);
    }
  }

  /** One evaluation: every chunk done (by `local` on this thread, or by the helper) when it returns. */
  run(local: (chunk: number) => void): void {
    const ctl = this.ctl;
    const n = this.n;
    const gen = (this.gen % 0x7fff) + 1;
    this.gen = gen;
    Atomics.store(ctl, DONE, gen << 16);
    Atomics.store(ctl, CLAIM, gen << 16);
    Atomics.store(ctl, GEN, gen);
    if (this.helper) Atomics.notify(ctl, GEN);
    drain(ctl, n, gen, local);
    let done = Atomics.load(ctl, DONE);
    let since = Date.now();
    while ((done & 0xffff) < n) {
      if (Date.now() - since > STALL_MS) {
        // the helper stalled: move the evaluation on (its late result is dropped) and finish alone
        this.helper = false;
        Atomics.store(ctl, STOP, 1);
        for (let c = 0; c < n; c++) if (Atomics.load(ctl, STATUS + c) !== gen) local(c);
        return;
      }
      Atomics.wait(ctl, DONE, done, 50);
      const now = Atomics.load(ctl, DONE);
      if (now !== done) since = Date.now();
      done = now;
    }
  }

  /** The fit is over: the helper leaves (waited for briefly, so its thread is free for what comes next). */
  close(): void {
    const ctl = this.ctl;
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, GEN);
    const t0 = Date.now();
    while (Atomics.load(ctl, BUSY) !== 0 && Date.now() - t0 < 50) Atomics.wait(ctl, BUSY, 1, 10);
  }

  /** True when the helper may still write (it did not leave within close()'s wait). */
  get helperBusy(): boolean {
    return Atomics.load(this.ctl, BUSY) !== 0;
  }
}
