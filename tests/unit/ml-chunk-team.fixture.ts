/** The chunk function of ml-chunk-team.test.ts; runs on the caller (thread 0) and in a pool worker (thread 1). */

export interface TeamFixtureArgs {
  /** one result per chunk */
  out: Float64Array;
  /** [0] this evaluation's input, [1] 1: the helper's next chunk stalls 1.5 s (then 2), [2] chunks done by the helper */
  ctl: Int32Array;
}

export function work(a: TeamFixtureArgs, c: number, thread: number, current: () => boolean): void {
  const v = Atomics.load(a.ctl, 0);
  if (thread === 1) {
    Atomics.add(a.ctl, 2, 1);
    if (Atomics.compareExchange(a.ctl, 1, 1, 2) === 1) {
      const until = Date.now() + 1500;
      while (Date.now() < until);
    }
  }
  let s = 0;
  for (let i = 0; i < 20_000; i++) s += Math.sqrt(i + v);
  if (!current()) return;
  a.out[c] = v * 1000 + c + (s > 0 ? 0 : 0.5);
}
