/**
 * Metrics, folds and the t-test against scikit-learn / scipy on fixed inputs
 * (real predictions of real models on real data), to 1e-9.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianNB } from '../../src-main/engine/ml/algorithms/gnb.ts';
import { LinearRegression } from '../../src-main/engine/ml/algorithms/linreg.ts';
import {
  accuracy,
  balancedAccuracy,
  classificationReport,
  confusionMatrix,
  homogeneityCompletenessV,
  logLoss,
  meanAbsoluteError,
  r2Score,
  rootMeanSquaredError,
  silhouetteScore,
} from '../../src-main/engine/ml/eval/metrics.ts';
import { rocAucFromProba, rocCurve } from '../../src-main/engine/ml/eval/roc.ts';
import { stratifiedKFold } from '../../src-main/engine/ml/eval/split.ts';
import { correctedResampledTTest } from '../../src-main/engine/ml/eval/stats-tests.ts';
import { fixedSplit, loadXY, take, takeRows } from '../helpers/data.ts';
import { sklearn } from '../helpers/sklearn.ts';

const close = (a: number, b: number, what: string, tol = 1e-9): void => {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: Lathe ${a} vs sklearn ${b}`);
};
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) close(a[i]!, b[i]!, `${what}[${i}]`);
};

// Real predictions: GaussianNB on wine (3 classes) and breast_cancer (2), linreg on diabetes.
function classifierOutputs(file: string): { yTrue: Int32Array; yPred: Int32Array; proba: Float64Array; k: number } {
  const { X, y } = loadXY(file, 'target');
  const { train, test } = fixedSplit(X.rows, 0.4, 3);
  const m = new GaussianNB({ var_smoothing: 1e-3 }).fit(takeRows(X, train), take(y, train));
  const Xte = takeRows(X, test);
  return { yTrue: take(y, test), yPred: m.predict(Xte), proba: m.predictProba(Xte), k: m.nClasses };
}

describe('metrics parity with scikit-learn 1.2', () => {
  const wine = classifierOutputs('wine.csv');
  const bc = classifierOutputs('breast_cancer.csv');
  const dia = loadXY('diabetes.csv', 'target');
  const split = fixedSplit(dia.X.rows, 0.3, 5);
  const lr = new LinearRegression().fit(takeRows(dia.X, split.train), take(dia.yNum, split.train));
  const regTrue = take(dia.yNum, split.test);
  const regPred = lr.predict(takeRows(dia.X, split.test));
  const iris = loadXY('iris.csv', 'target');
  // a clustering: a crude 3-way split of iris by petal length, plus a few moved rows
  const clusters = Int32Array.from({ length: iris.X.rows }, (_, i) => {
    const pl = iris.X.data[i * 4 + 2]!;
    return i % 17 === 0 ? 0 : pl < 2.5 ? 0 : pl < 4.9 ? 1 : 2;
  });

  const sk = sklearn<Record<string, Record<string, unknown>>>(
    `
from sklearn import metrics as M
from sklearn.model_selection import StratifiedKFold
def cls(d):
    yt, yp, pr, k = np.array(d['yTrue']), np.array(d['yPred']), np.array(d['proba']).reshape(-1, d['k']), d['k']
    r = {'acc': M.accuracy_score(yt, yp), 'bacc': M.balanced_accuracy_score(yt, yp),
         'cm': M.confusion_matrix(yt, yp).tolist(), 'll': M.log_loss(yt, pr, labels=list(range(k)))}
    for avg in ['macro', 'weighted']:
        p, rc, f, _ = M.precision_recall_fscore_support(yt, yp, average=avg, zero_division=0)
        r[avg] = [p, rc, f]
    p, rc, f, s = M.precision_recall_fscore_support(yt, yp, average=None, zero_division=0)
    r['per'] = [p.tolist(), rc.tolist(), f.tolist(), s.tolist()]
    if k == 2:
        r['auc'] = M.roc_auc_score(yt, pr[:, 1])
        fpr, tpr, thr = M.roc_curve(yt, pr[:, 1])
        r['roc'] = [fpr.tolist(), tpr.tolist(), thr.tolist()]
    else:
        r['auc'] = M.roc_auc_score(yt, pr, multi_class='ovr', average='macro')
    return r
out = {'wine': cls(inp['wine']), 'bc': cls(inp['bc'])}
yt, yp = np.array(inp['regTrue']), np.array(inp['regPred'])
out['reg'] = {'r2': M.r2_score(yt, yp), 'mae': M.mean_absolute_error(yt, yp), 'rmse': M.mean_squared_error(yt, yp) ** 0.5}
X = np.array(inp['irisX']).reshape(-1, 4); lab = np.array(inp['clusters']); yi = np.array(inp['irisY'])
h, c, v = M.homogeneity_completeness_v_measure(yi, lab)
out['clu'] = {'sil': M.silhouette_score(X, lab), 'h': h, 'c': c, 'v': v}
# zero-division case: a class never predicted
out['zd'] = {'per': [a.tolist() for a in M.precision_recall_fscore_support([0, 1, 2, 2, 1], [0, 0, 2, 2, 0], zero_division=0)[:3]]}
# StratifiedKFold fold composition
yb = np.array(inp['bcY'])
skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
out['skf'] = {'sizes': [int(len(te)) for _, te in skf.split(np.zeros(len(yb)), yb)],
              'pos': [int(yb[te].sum()) for _, te in skf.split(np.zeros(len(yb)), yb)]}
from scipy import stats
a, b = np.array(inp['ta']), np.array(inp['tb']); d = a - b; k = len(d)
t = d.mean() / np.sqrt((1 / k + inp['nTest'] / inp['nTrain']) * d.var(ddof=1))
out['t'] = {'t': t, 'p': 2 * stats.t.sf(abs(t), k - 1)}
`,
    {
      wine,
      bc,
      regTrue,
      regPred,
      irisX: iris.X.data,
      irisY: iris.y,
      clusters,
      bcY: loadXY('breast_cancer.csv', 'target').y,
      ta: [0.91, 0.93, 0.9, 0.95, 0.92, 0.94, 0.9, 0.93, 0.91, 0.96],
      tb: [0.9, 0.9, 0.91, 0.92, 0.9, 0.93, 0.88, 0.9, 0.9, 0.93],
      nTrain: 512,
      nTest: 57,
    },
  );

  for (const [name, o] of [
    ['wine', wine],
    ['bc', bc],
  ] as const) {
    it(`classification metrics on ${name === 'bc' ? 'breast_cancer' : 'wine'} predictions`, () => {
      const s = sk[name]!;
      close(accuracy(o.yTrue, o.yPred), s.acc as number, 'accuracy');
      close(balancedAccuracy(o.yTrue, o.yPred), s.bacc as number, 'balanced accuracy');
      assert.deepEqual(confusionMatrix(o.yTrue, o.yPred).matrix, s.cm);
      close(logLoss(o.yTrue, o.proba, o.k), s.ll as number, 'log loss');
      const rep = classificationReport(o.yTrue, o.yPred);
      const [mp, mr, mf] = s.macro as number[];
      const [wp, wr, wf] = s.weighted as number[];
      close(rep.macro.precision, mp!, 'precision macro');
      close(rep.macro.recall, mr!, 'recall macro');
      close(rep.macro.f1, mf!, 'f1 macro');
      close(rep.weighted.precision, wp!, 'precision weighted');
      close(rep.weighted.recall, wr!, 'recall weighted');
      close(rep.weighted.f1, wf!, 'f1 weighted');
      const [pp, pr, pf, ps] = s.per as number[][];
      closeAll(rep.precision, pp!, 'precision');
      closeAll(rep.recall, pr!, 'recall');
      closeAll(rep.f1, pf!, 'f1');
      assert.deepEqual(rep.support, ps);
      close(rocAucFromProba(o.yTrue, o.proba, o.k), s.auc as number, 'roc auc');
      if (o.k === 2) {
        const score = Float64Array.from({ length: o.yTrue.length }, (_, i) => o.proba[i * 2 + 1]!);
        const c = rocCurve(o.yTrue, score);
        const [fpr, tpr, thr] = s.roc as number[][];
        closeAll(c.fpr, fpr!, 'fpr');
        closeAll(c.tpr, tpr!, 'tpr');
        closeAll(c.thresholds, thr!, 'thresholds');
      }
    });
  }

  it('zero_division = 0 for a class never predicted', () => {
    const rep = classificationReport(Int32Array.from([0, 1, 2, 2, 1]), Int32Array.from([0, 0, 2, 2, 0]));
    const [p, r, f] = sk.zd!.per as number[][];
    closeAll(rep.precision, p!, 'precision');
    closeAll(rep.recall, r!, 'recall');
    closeAll(rep.f1, f!, 'f1');
  });

  it('regression metrics on linear-regression predictions (diabetes)', () => {
    close(r2Score(regTrue, regPred), sk.reg!.r2 as number, 'R²');
    close(meanAbsoluteError(regTrue, regPred), sk.reg!.mae as number, 'MAE');
    close(rootMeanSquaredError(regTrue, regPred), sk.reg!.rmse as number, 'RMSE');
  });

  it('silhouette and homogeneity/completeness/V on an iris clustering', () => {
    const sil = silhouetteScore(iris.X, clusters);
    assert.equal(sil.sampled, false);
    close(sil.score, sk.clu!.sil as number, 'silhouette');
    const h = homogeneityCompletenessV(iris.y, clusters);
    close(h.homogeneity, sk.clu!.h as number, 'homogeneity');
    close(h.completeness, sk.clu!.c as number, 'completeness');
    close(h.vMeasure, sk.clu!.v as number, 'V-measure');
  });

  it('stratified k-fold: fold sizes and per-fold class counts as sklearn', () => {
    const y = loadXY('breast_cancer.csv', 'target').y;
    const folds = stratifiedKFold(y, 5, 0);
    assert.deepEqual(
      folds.map((f) => f.test.length),
      sk.skf!.sizes,
    );
    assert.deepEqual(
      folds.map((f) => f.test.reduce((a, i) => a + y[i]!, 0)),
      sk.skf!.pos,
    );
  });

  it('corrected resampled t-test equals the hand computation with scipy.stats.t', () => {
    const r = correctedResampledTTest([0.91, 0.93, 0.9, 0.95, 0.92, 0.94, 0.9, 0.93, 0.91, 0.96], [0.9, 0.9, 0.91, 0.92, 0.9, 0.93, 0.88, 0.9, 0.9, 0.93], {
      nTrain: 512,
      nTest: 57,
    });
    close(r.t, sk.t!.t as number, 't');
    close(r.p, sk.t!.p as number, 'p');
    assert.equal(r.df, 9);
  });
});
