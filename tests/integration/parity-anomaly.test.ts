/**
 * Gaussian anomaly detection against a numpy/scipy transcription of the
 * course's estimateGaussian + selectThreshold (on log densities, with the same
 * grid), on breast_cancer with malignant tumours as the anomalies; and the
 * contamination quantile against numpy's percentile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianAnomalyDetector } from '../../src-main/engine/ml/algorithms/anomaly.ts';
import { fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';
import type { Matrix } from '../../src-main/engine/ml/estimator.ts';

const rows = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));

test('Gaussian anomaly detection matches the course algorithm on breast_cancer (malignant = anomaly)', (t) => {
  const d = loadXY('breast_cancer.csv', 'target');
  // sklearn's breast_cancer: target 0 = malignant, 1 = benign.
  const anomaly = Int32Array.from(d.y, (c) => (c === 0 ? 1 : 0));
  const first = fixedSplit(d.X.rows, 0.4, 3);
  const rest = fixedSplit(first.test.length, 0.5, 4);
  const valIdx = Int32Array.from(rest.train, (i) => first.test[i]!);
  const testIdx = Int32Array.from(rest.test, (i) => first.test[i]!);
  const Xtr = takeRows(d.X, first.train);
  const ytr = take(anomaly, first.train);
  const Xval = takeRows(d.X, valIdx);
  const yval = take(anomaly, valIdx);
  const Xte = takeRows(d.X, testIdx);
  const yte = take(anomaly, testIdx);

  const ref = sklearn<{ logp: number[]; logEps: number; f1: number; testF1: number; cont: number; contPred: number[] }>(
    `
from scipy.stats import norm
Xtr = np.array(inp['Xtr']); ytr = np.array(inp['ytr']); Xval = np.array(inp['Xval']); yval = np.array(inp['yval'])
Xte = np.array(inp['Xte']); yte = np.array(inp['yte'])
normal = Xtr[ytr == 0]
mu = normal.mean(axis=0); var = normal.var(axis=0)
var = var + 1e-9 * var.max()
logp = lambda X: norm.logpdf(X, loc=mu, scale=np.sqrt(var)).sum(axis=1)
pv = logp(Xval)
def f1(pred, y):
    tp = int(((pred == 1) & (y == 1)).sum()); fp = int(((pred == 1) & (y == 0)).sum()); fn = int(((pred == 0) & (y == 1)).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
best, bestF1 = pv.min(), 0.0
for eps in np.linspace(pv.min(), pv.max(), 1001):
    F = f1((pv < eps).astype(int), yval)
    if F > bestF1: best, bestF1 = eps, F
all_mu = Xtr.mean(axis=0); all_var = Xtr.var(axis=0); all_var = all_var + 1e-9 * all_var.max()
lp_all = norm.logpdf(Xtr, loc=all_mu, scale=np.sqrt(all_var)).sum(axis=1)
cont = np.percentile(lp_all, 10)
out = {'logp': logp(Xte), 'logEps': best, 'f1': bestF1, 'testF1': f1((logp(Xte) < best).astype(int), yte), 'cont': cont,
  'contPred': (lp_all < cont).astype(int)}
`,
    { Xtr: rows(Xtr), ytr, Xval: rows(Xval), yval, Xte: rows(Xte), yte },
  );

  const m = new GaussianAnomalyDetector().fit(Xtr, ytr, { validation: { X: Xval, y: yval } });
  assert.equal(m.thresholdMethod_, 'f1');
  const logp = m.scoreSamples(Xte);
  ref.logp.forEach((v, i) => assert.ok(Math.abs(logp[i]! - v) <= 1e-9 * Math.abs(v) + 1e-9, `log p[${i}] ${logp[i]} vs ${v}`));
  assert.ok(Math.abs(m.logEpsilon_ - ref.logEps) <= 1e-9 * Math.abs(ref.logEps), `log eps ${m.logEpsilon_} vs ${ref.logEps}`);
  assert.ok(Math.abs(m.f1_ - ref.f1) < 1e-12, `validation F1 ${m.f1_} vs ${ref.f1}`);
  const testF1 = m.score(Xte, yte);
  assert.ok(Math.abs(testF1 - ref.testF1) < 1e-12, `test F1 ${testF1} vs ${ref.testF1}`);
  assert.ok(testF1 > 0.8, `test F1 ${testF1} should be a useful detector`);
  t.diagnostic(`breast_cancer malignant-as-anomaly: validation F1 ${m.f1_.toFixed(3)}, test F1 ${testF1.toFixed(3)}, log eps ${m.logEpsilon_.toFixed(2)}`);

  const u = new GaussianAnomalyDetector({ contamination: 0.1 }).fit(Xtr);
  assert.equal(u.thresholdMethod_, 'contamination');
  assert.ok(Math.abs(u.logEpsilon_ - ref.cont) <= 1e-9 * Math.abs(ref.cont));
  assert.deepEqual(Array.from(u.predict(Xtr)), ref.contPred);
});
