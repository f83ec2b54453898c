/**
 * ChunkTeam (optim/chunk-team.ts), the helper thread of the logistic
 * objectives: every evaluation completes with every chunk's result for that
 * evaluation, the helper takes chunks once it has started, a helper that
 * stalls is given up (the caller redoes its chunk) and its late result is
 * dropped, and close() lets it go.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkTeam } from '../../src-main/engine/ml/optim/chunk-team.ts';
import { sharedPool } from '../../src-main/engine/ml/parallel.ts';
import { work, type TeamFixtureArgs } from './ml-chunk-team.fixture.ts';

after(() => sharedPool().close());

const mod = new URL('./ml-chunk-team.fixture.ts', import.meta.url).href;
const N = 16;

function evaluate(team: ChunkTeam, a: TeamFixtureArgs, v: number): void {
  Atomics.store(a.ctl, 0, v);
  team.run((c) => work(a, c, 0, () => true));
  for (let c = 0; c < N; c++) assert.equal(a.out[c], v * 1000 + c, `evaluation ${v}, chunk ${c}`);
}

test('every evaluation gets all its chunks; the helper joins; a stalled helper is given up and its late result dropped', async () => {
  const a: TeamFixtureArgs = { out: new Float64Array(new SharedArrayBuffer(8 * N)), ctl: new Int32Array(new SharedArrayBuffer(12)) };
  sharedPool().warm(1);
  const team = new ChunkTeam(N, { module: mod, fn: 'work', args: a }, true);
  try {
    let v = 1;
    // the first evaluations may run alone while the worker starts
    for (; v <= 20; v++) evaluate(team, a, v);
    await new Promise((r) => setTimeout(r, 1500));
    for (; v <= 220; v++) evaluate(team, a, v);
    assert.ok(Atomics.load(a.ctl, 2) > 0, 'the helper took chunks');
    // the helper's next chunk stalls past the give-up time: the caller finishes the evaluation alone
    Atomics.store(a.ctl, 1, 1);
    const t0 = Date.now();
    for (; Atomics.load(a.ctl, 1) === 1 && Date.now() - t0 < 5000; v++) evaluate(team, a, v);
    assert.equal(Atomics.load(a.ctl, 1), 2, 'the helper took a chunk and stalled');
    evaluate(team, a, v++);
    // after the stall the helper returns to a moved-on evaluation: it must not overwrite anything
    await new Promise((r) => setTimeout(r, 1800));
    for (let c = 0; c < N; c++) assert.equal(a.out[c], (v - 1) * 1000 + c, `chunk ${c} after the stalled helper came back`);
    for (let k = 0; k < 20; k++) evaluate(team, a, v++);
  } finally {
    team.close();
  }
  assert.equal(team.helperBusy, false, 'the helper left at close');
});
