import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LatheError } from '../../src-shared/errors.ts';
import { evaluate, makeFolds } from '../../src-main/engine/ml/eval/evaluate.ts';
import { accuracy } from '../../src-main/engine/ml/eval/metrics.ts';
import { correctedResampledTTest } from '../../src-main/engine/ml/eval/stats-tests.ts';
import { createEstimator } from '../../src-main/engine/ml/registry.ts';
import { loadXY, take } from '../helpers/data.ts';

const iris = loadXY('iris.csv', 'target');
const bc = loadXY('breast_cancer.csv', 'target');
const dia = loadXY('diabetes.csv', 'target');

describe('evaluate', () => {
  it('5-fold CV on iris: every metric per fold, mean ± std, out-of-fold predictions cover every row once', async () => {
    const progress: number[] = [];
    const r = await evaluate(() => createEstimator('knn', 'classification'), iris.X, iris.y, {
      task: 'classification',
      protocol: { kind: 'cv', folds: 5, seed: 3 },
      onProgress: (f) => progress.push(f),
    });
    assert.equal(r.folds.length, 5);
    assert.equal(r.nClasses, 3);
    for (const k of ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'recall_weighted', 'roc_auc', 'log_loss'] as const) {
      const s = r.summary[k]!;
      assert.equal(s.values.length, 5, k);
      assert.ok(Number.isFinite(s.mean) && s.std >= 0, k);
    }
    assert.ok(r.summary.accuracy!.mean > 0.9);
    const o = r.outOfFold[0]!;
    assert.deepEqual(Array.from(o.rows), Array.from({ length: 150 }, (_, i) => i));
    assert.equal(o.proba!.length, 150 * 3);
    // the pooled confusion matrix holds every row once and agrees with the OOF accuracy
    const total = r.confusion!.matrix.flat().reduce((a, b) => a + b, 0);
    assert.equal(total, 150);
    const diag = r.confusion!.matrix.reduce((a, row, i) => a + row[i]!, 0);
    assert.equal(diag / 150, accuracy(iris.y, o.predicted));
    assert.equal(r.roc!.length, 3);
    assert.ok(r.fitMs.values.every((t) => t >= 0));
    assert.ok(progress.length >= 5 && progress[progress.length - 1] === 1);
  });

  it('hold-out, binary: ROC curve for class 1 and misclassified rows recoverable', async () => {
    const r = await evaluate(() => createEstimator('gnb', 'classification'), bc.X, bc.y, {
      task: 'classification',
      protocol: { kind: 'holdout', testSize: 0.3, seed: 1, stratify: true },
    });
    assert.equal(r.folds.length, 1);
    assert.equal(r.folds[0]!.nTest, Math.ceil(0.3 * bc.X.rows));
    assert.equal(r.roc!.length, 1);
    assert.equal(r.roc![0]!.positive, 1);
    assert.ok(r.roc![0]!.curve.auc > 0.9);
    const o = r.outOfFold[0]!;
    const wrong = Array.from(o.rows).filter((row, i) => o.predicted[i] !== bc.y[row]);
    assert.equal(wrong.length, Math.round((1 - r.summary.accuracy!.values[0]!) * o.rows.length));
  });

  it('the same folds for two learners feed the corrected t-test', async () => {
    const protocol = { kind: 'cv', folds: 5, repeats: 2, seed: 7 } as const;
    const folds = makeFolds(protocol, bc.X.rows, bc.y);
    const a = await evaluate(() => createEstimator('logreg', 'classification', { max_iter: 300 }), bc.X, bc.y, { task: 'classification', protocol, folds });
    const b = await evaluate(() => createEstimator('gnb', 'classification'), bc.X, bc.y, { task: 'classification', protocol, folds });
    assert.equal(a.folds.length, 10);
    assert.deepEqual(
      a.folds.map((f) => f.nTest),
      b.folds.map((f) => f.nTest),
    );
    const t = correctedResampledTTest(a.summary.accuracy!.values, b.summary.accuracy!.values, { nTrain: a.folds[0]!.nTrain, nTest: a.folds[0]!.nTest });
    assert.equal(t.df, 9);
    assert.ok(t.p >= 0 && t.p <= 1);
    assert.match(t.verdict, /at 5% \(p [=<] /);
  });

  it('regression CV: R², MAE, RMSE and residuals', async () => {
    const r = await evaluate(() => createEstimator('knn', 'regression', { n_neighbors: 10 }), dia.X, dia.yNum, {
      task: 'regression',
      protocol: { kind: 'cv', folds: 4, seed: 2 },
    });
    assert.ok(r.summary.r2!.mean > 0.2 && r.summary.r2!.mean < 0.6);
    assert.ok(r.summary.rmse!.mean > r.summary.mae!.mean);
    assert.equal(r.residuals!.length, dia.X.rows);
    const o = r.outOfFold[0]!;
    const yRows = take(dia.yNum, o.rows);
    assert.ok(Math.abs(r.residuals![0]! - (yRows[0]! - o.predicted[0]!)) < 1e-12);
  });

  it('a cancelled signal stops it with CANCELLED; bad shapes are BAD_DATA', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      evaluate(() => createEstimator('gnb', 'classification'), iris.X, iris.y, { task: 'classification', protocol: { kind: 'cv', folds: 3, seed: 1 }, signal: ac.signal }),
      (e: unknown) => e instanceof LatheError && e.code === 'CANCELLED',
    );
    await assert.rejects(
      evaluate(() => createEstimator('gnb', 'classification'), iris.X, iris.y.slice(1), { task: 'classification', protocol: { kind: 'cv', folds: 3, seed: 1 } }),
      (e: unknown) => e instanceof LatheError && e.code === 'BAD_DATA',
    );
  });
});
