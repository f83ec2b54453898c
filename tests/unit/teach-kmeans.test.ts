import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INIT_METHODS, KMeansStepper, assignStep, initialState, moveStep, nearest } from '../../src-shared/teach/kmeans.ts';
import { SHAPES, flattenPoints, generateShape } from '../../src-shared/teach/shapes.ts';
import { SESSION_FORMAT, parseSession, serializeSession, type TeachSession } from '../../src-shared/teach/session.ts';
import { LatheError } from '../../src-shared/errors.ts';
import { datasetPath } from '../helpers/e2e.ts';

/** Iris petal length × width (columns 2 and 3), read from the real file. */
function irisPetals(): Float64Array {
  const lines = readFileSync(datasetPath('iris.csv'), 'utf8').trim().split('\n').slice(1);
  const out = new Float64Array(lines.length * 2);
  lines.forEach((l, i) => {
    const f = l.split(',');
    out[2 * i] = Number(f[2]);
    out[2 * i + 1] = Number(f[3]);
  });
  return out;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LatheError, String(e));
    return e.code;
  }
  assert.fail('expected a LatheError');
}

test('iris petals: steps alternate assign/move, inertia never rises, and it converges', () => {
  const pts = irisPetals();
  assert.equal(pts.length, 300);
  const km = new KMeansStepper(pts, 3, 'kmeans++', 4);
  assert.equal(km.state.phase, 'init');
  assert.ok(Number.isNaN(km.state.inertia));
  assert.equal(km.nextPhase, 'assign');
  const phases: string[] = [];
  let last = Infinity;
  while (!km.converged && km.history.length < 200) {
    const s = km.step();
    phases.push(s.phase);
    assert.ok(s.inertia <= last + 1e-9, `inertia ${s.inertia} after ${last}`);
    last = s.inertia;
  }
  assert.ok(km.converged);
  assert.deepEqual(phases.slice(0, 4), ['assign', 'move', 'assign', 'move']);
  assert.equal(phases[phases.length - 1], 'assign');
  // Stepping a converged state changes nothing.
  const before = km.history.length;
  km.step();
  assert.equal(km.history.length, before);
  // The fixed point: every centroid is the mean of its points, every point at its nearest centroid.
  const s = km.state;
  for (let i = 0; i < 150; i++) assert.equal(s.labels[i], nearest(s.centroids, pts[2 * i]!, pts[2 * i + 1]!));
  for (let c = 0; c < 3; c++) {
    let sx = 0;
    let n = 0;
    for (let i = 0; i < 150; i++) {
      if (s.labels[i] !== c) continue;
      sx += pts[2 * i]!;
      n++;
    }
    assert.ok(Math.abs(sx / n - s.centroids[2 * c]!) < 1e-12);
  }
  // The known k = 3 optimum for iris petals (scikit-learn: 31.371…).
  assert.ok(Math.abs(s.inertia - 31.37135897) < 1e-6, String(s.inertia));
  assert.equal(km.inertiaPerIteration().length, s.iteration);
});

test('step back returns the identical previous centroids and labels; reset returns the start', () => {
  const pts = generateShape('blobs', 11, 400);
  const km = new KMeansStepper(pts, 4, 'random_points', 2);
  const start = Float64Array.from(km.state.centroids);
  km.step();
  km.step();
  const c2 = Float64Array.from(km.state.centroids);
  const l2 = Int32Array.from(km.state.labels);
  km.step();
  km.step();
  assert.notDeepEqual(km.state.centroids, c2);
  km.back();
  km.back();
  assert.deepEqual(km.state.centroids, c2);
  assert.deepEqual(km.state.labels, l2);
  assert.equal(km.state.step, 2);
  // Forward again reaches the same state as before.
  const again = new KMeansStepper(pts, 4, 'random_points', 2);
  again.goTo(4);
  km.goTo(4);
  assert.deepEqual(km.state.centroids, again.state.centroids);
  km.reset();
  assert.deepEqual(km.state.centroids, start);
  assert.equal(km.history.length, 1);
  // Back at the start stays at the start.
  km.back();
  assert.equal(km.history.length, 1);
});

test('every initialisation: seeded, k centroids, converges', () => {
  const pts = generateShape('blobs', 3, 300);
  for (const init of INIT_METHODS) {
    const manual = init === 'manual' ? [0, 0, 1, 1, -2, 3] : undefined;
    const a = new KMeansStepper(pts, 3, init, 9, manual);
    const b = new KMeansStepper(pts, 3, init, 9, manual);
    assert.deepEqual(a.state.centroids, b.state.centroids, init);
    assert.equal(a.state.centroids.length, 6, init);
    assert.ok([...a.state.centroids].every(Number.isFinite), init);
    a.run();
    assert.ok(a.converged, `${init} converged`);
  }
  // Random points and farthest point start on data points.
  for (const init of ['random_points', 'farthest_point', 'kmeans++'] as const) {
    const s = initialState(pts, 3, init, 5);
    for (let c = 0; c < 3; c++) {
      let found = false;
      for (let i = 0; i < 300 && !found; i++) found = pts[2 * i] === s.centroids[2 * c] && pts[2 * i + 1] === s.centroids[2 * c + 1];
      assert.ok(found, `${init}: centroid ${c} is a data point`);
    }
  }
  // Random partition starts with every point labelled and centroids at their means.
  const rp = initialState(pts, 3, 'random_partition', 5);
  assert.ok([...rp.labels].every((l) => l >= 0 && l < 3));
  assert.ok(Number.isFinite(rp.inertia));
  // Random points: distinct points.
  const rnd = initialState(flattenPoints([[0, 0], [1, 0], [2, 0]]), 3, 'random_points', 1);
  assert.deepEqual([...rnd.centroids].filter((_, i) => i % 2 === 0).sort(), [0, 1, 2]);
  // Farthest point: the second centroid is the farthest point from the first.
  const fp = initialState(flattenPoints([[0, 0], [1, 0], [10, 0], [0.5, 0]]), 2, 'farthest_point', 3);
  const first = fp.centroids[0]!;
  assert.equal(fp.centroids[2], first >= 5 ? 0 : 10);
  // A seed changes the start.
  assert.notDeepEqual(initialState(pts, 3, 'kmeans++', 1).centroids, initialState(pts, 3, 'kmeans++', 2).centroids);
});

test('an empty cluster keeps its centroid; assign/move are pure', () => {
  const pts = flattenPoints([[0, 0], [0, 1], [1, 0]]);
  const s0 = initialState(pts, 2, 'manual', 0, [0.3, 0.3, 50, 50]);
  const s1 = assignStep(pts, s0);
  assert.deepEqual([...s1.labels], [0, 0, 0]);
  const s2 = moveStep(pts, s1);
  assert.deepEqual([...s2.centroids], [1 / 3, 1 / 3, 50, 50]);
  assert.deepEqual([...s0.centroids], [0.3, 0.3, 50, 50], 'the input state is not changed');
  const s3 = assignStep(pts, s2);
  assert.equal(s3.converged, true);
});

test('bad inputs are refused with codes', () => {
  const pts = generateShape('uniform', 1, 5);
  assert.equal(code(() => new KMeansStepper(pts, 6, 'kmeans++', 0)), 'BAD_DATA');
  assert.equal(code(() => new KMeansStepper(pts, 0, 'kmeans++', 0)), 'INVALID_PARAM');
  assert.equal(code(() => new KMeansStepper(pts, 2, 'manual', 0, [1, 2])), 'BAD_DATA');
  assert.equal(code(() => new KMeansStepper(pts, 1, 'manual', 0, [NaN, 2])), 'BAD_DATA');
  assert.equal(code(() => new KMeansStepper(pts, 2, 'bogus' as never, 0)), 'INVALID_PARAM');
  assert.equal(code(() => new KMeansStepper(new Float64Array(3), 1, 'kmeans++', 0)), 'BAD_DATA');
});

test('shapes: the same seed gives the same points, another seed other points', () => {
  for (const s of SHAPES) {
    const a = generateShape(s, 42, 500);
    const b = generateShape(s, 42, 500);
    assert.deepEqual(a, b, s);
    assert.equal(a.length, 1000);
    assert.ok([...a].every(Number.isFinite), s);
    assert.notDeepEqual(a, generateShape(s, 43, 500), s);
  }
  // Rings: half the points near radius 1, half near 3.
  const r = generateShape('rings', 1, 1000);
  let inner = 0;
  for (let i = 0; i < 1000; i++) if (Math.hypot(r[2 * i]!, r[2 * i + 1]!) < 2) inner++;
  assert.equal(inner, 500);
  // Moons span about [-1, 2] × [-0.5, 1].
  const m = generateShape('moons', 1, 1000);
  const xs = [...m].filter((_, i) => i % 2 === 0);
  assert.ok(Math.min(...xs) < -0.8 && Math.max(...xs) > 1.8);
  assert.equal(code(() => generateShape('moons', 1, 0)), 'INVALID_PARAM');
  assert.equal(code(() => generateShape('moons', -1, 10)), 'INVALID_PARAM');
  assert.equal(code(() => generateShape('stars' as never, 1, 10)), 'INVALID_PARAM');
});

function sessionOf(over: Partial<TeachSession> = {}): TeachSession {
  return {
    format: SESSION_FORMAT,
    version: 1,
    data: { source: 'shape', shape: 'smiley', seed: 7, n: 300 },
    k: 4,
    init: 'farthest_point',
    seed: 12,
    speed: 2,
    step: 5,
    hidden: ['k', 'init'],
    presenter: true,
    lines: false,
    ...over,
  };
}

test('session round trip reopens the identical state', () => {
  const s = sessionOf();
  const text = serializeSession(s);
  const back = parseSession(text, 'lesson.json');
  assert.deepEqual(back, s);
  const pts = generateShape(back.data.source === 'shape' ? back.data.shape : 'blobs', 7, 300);
  const a = new KMeansStepper(pts, s.k, s.init, s.seed);
  a.goTo(s.step);
  const b = new KMeansStepper(pts, back.k, back.init, back.seed);
  b.goTo(back.step);
  assert.deepEqual(a.state.centroids, b.state.centroids);
  // Dataset references, clicked points and manual centroids survive too.
  const d = sessionOf({ data: { source: 'dataset', datasetId: 'abc', datasetName: 'iris', x: 'petal length (cm)', y: 'petal width (cm)' } });
  assert.deepEqual(parseSession(serializeSession(d)), d);
  const p = sessionOf({ data: { source: 'points', points: [[1, 2], [3, 4.5]] }, init: 'manual', k: 2, centroids: [[0, 0], [5, 5]] });
  assert.deepEqual(parseSession(serializeSession(p)), p);
});

test('bad session files are refused with BAD_SESSION_FILE naming the field', () => {
  const cases: [string, string][] = [
    ['not json {', '(top)'],
    ['[1,2]', '(top)'],
    [JSON.stringify({ ...sessionOf(), format: 'something-else' }), 'format'],
    [JSON.stringify({ ...sessionOf(), version: 2 }), 'version'],
    [JSON.stringify({ ...sessionOf(), k: 0 }), 'k'],
    [JSON.stringify({ ...sessionOf(), k: 2.5 }), 'k'],
    [JSON.stringify({ ...sessionOf(), init: 'magic' }), 'init'],
    [JSON.stringify({ ...sessionOf(), speed: 100 }), 'speed'],
    [JSON.stringify({ ...sessionOf(), hidden: ['k', 'nope'] }), 'hidden[1]'],
    [JSON.stringify({ ...sessionOf(), data: { source: 'shape', shape: 'stars', seed: 1, n: 10 } }), 'data.shape'],
    [JSON.stringify({ ...sessionOf(), data: { source: 'shape', shape: 'moons', seed: 1, n: 10 ** 7 } }), 'data.n'],
    [JSON.stringify({ ...sessionOf(), data: { source: 'dataset', datasetId: 'x', x: '' } }), 'data.x'],
    [JSON.stringify({ ...sessionOf(), data: { source: 'points', points: [[1, 'a']] } }), 'data.points[0]'],
    [JSON.stringify({ ...sessionOf(), data: { source: 'url' } }), 'data.source'],
    [JSON.stringify({ ...sessionOf(), init: 'manual', centroids: [[1, 1]] }), 'centroids'],
    [JSON.stringify({ ...sessionOf(), presenter: 'yes' }), 'presenter'],
  ];
  for (const [text, field] of cases) {
    try {
      parseSession(text, 'lesson.json');
      assert.fail(`accepted ${text}`);
    } catch (e) {
      assert.ok(e instanceof LatheError, String(e));
      assert.equal(e.code, 'BAD_SESSION_FILE', text);
      assert.equal(e.details.param, field, text);
      assert.match(e.message, /^lesson\.json: /);
    }
  }
  try {
    parseSession(JSON.stringify({ ...sessionOf(), version: 9 }));
  } catch (e) {
    assert.match((e as Error).message, /newer Lathe/);
  }
});
