/**
 * `lathe train`'s view of an estimator's own outputs (TrainResult.details):
 * the OLS summary as statsmodels prints it, importances largest first,
 * logistic coefficients per class, clusters, the anomaly threshold, and the
 * explained variance of principal components; and the same as snake_case
 * JSON for --json.
 */
import type { OlsDetails, TrainDetails } from '../../../src-shared/contract/ml.ts';
import { formatTable } from '../table.ts';

const WIDTH = 78;

function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** details with snake_case keys (the CLI's JSON style); non-finite numbers become null. */
export function detailsJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(detailsJson);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), detailsJson(x)]));
  return v;
}

/** statsmodels' number style in the summary: a fixed width, scientific when tiny or huge. */
function g(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  return x.toFixed(digits);
}

function pair(l: [string, string] | null, r: [string, string] | null): string {
  const half = (p: [string, string] | null): string => (p ? `${p[0]}${p[1].padStart(38 - p[0].length)}` : ' '.repeat(38));
  return `${half(l)}  ${half(r)}`.trimEnd();
}

/** The OLS summary as statsmodels prints it (header block + coefficient table). */
export function olsText(o: OlsDetails, target: string | null): string[] {
  const lines = ['OLS Regression Results'.padStart(50), '='.repeat(WIDTH)];
  const left: [string, string][] = [
    ['Dep. Variable:', target ?? '—'],
    ['Model:', 'OLS'],
    ['No. Observations:', String(o.nObs)],
    ['Df Residuals:', String(o.dfResid)],
    ['Df Model:', String(o.dfModel)],
    ['Residual std. error:', g(o.residualStdError, 3)],
  ];
  const right: [string, string][] = [
    ['R-squared:', o.rSquared.toFixed(3)],
    ['Adj. R-squared:', o.adjRSquared.toFixed(3)],
    ['F-statistic:', g(o.fStatistic, 2)],
    ['Prob (F-statistic):', g(o.fPValue, 3)],
    ['Log-Likelihood:', o.logLikelihood.toFixed(1)],
    ['AIC:', o.aic.toFixed(1)],
    ['BIC:', o.bic.toFixed(1)],
  ];
  for (let i = 0; i < Math.max(left.length, right.length); i++) lines.push(pair(left[i] ?? null, right[i] ?? null));
  lines.push('='.repeat(WIDTH));
  lines.push(
    formatTable(
      ['', 'coef', 'std err', 't', 'P>|t|', '[0.025', '0.975]'],
      o.terms.map((t) => [t.name, g(t.coef), g(t.stdErr), g(t.t, 3), t.p < 0.0005 ? '0.000' : t.p.toFixed(3), g(t.ciLow, 3), g(t.ciHigh, 3)]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  lines.push('='.repeat(WIDTH));
  if (o.aliased.length) lines.push(`Aliased (linear combinations of other terms): ${o.aliased.join(', ')}`);
  for (const w of o.warnings) lines.push(`Note: ${w}`);
  return lines;
}

/** The human lines for every part of the details that is present. */
export function detailsText(d: TrainDetails | undefined, target: string | null): string[] {
  if (!d) return [];
  const out: string[] = [];
  if (d.ols) out.push('', ...olsText(d.ols, target));
  if (d.importances) {
    out.push('', 'Feature importances (impurity decrease, largest first):');
    out.push(formatTable(['feature', 'importance'], d.importances.map((i) => [i.name, i.importance.toFixed(4)]), ['left', 'right']));
  }
  if (d.coefficients) {
    const c = d.coefficients;
    out.push('', c.rows.length === 1 ? `Coefficients (log-odds of class ${c.rows[0]!.label}, on standardised features):` : 'Coefficients per class (on standardised features):');
    out.push(
      formatTable(
        ['feature', ...c.rows.map((r) => r.label)],
        [['(intercept)', ...c.rows.map((r) => r.intercept.toFixed(4))], ...c.features.map((f, j) => [f, ...c.rows.map((r) => r.coef[j]!.toFixed(4))])],
        ['left', ...c.rows.map((): 'right' => 'right')],
      ),
    );
  }
  if (d.clustering) {
    const c = d.clustering;
    out.push('', `${c.k} clusters after ${c.iterations} iterations: inertia ${g(c.inertia, 3)}, silhouette ${c.silhouette.toFixed(4)}${c.silhouetteSampled ? ' (on a sample)' : ''}.`);
    if (c.homogeneity !== undefined) {
      out.push(`Against '${c.labelColumn}': homogeneity ${c.homogeneity.toFixed(4)}, completeness ${c.completeness!.toFixed(4)}, V-measure ${c.vMeasure!.toFixed(4)}.`);
    }
    out.push(formatTable(['cluster', 'rows'], c.sizes.map((n, k) => [String(k), String(n)]), ['right', 'right']));
  }
  if (d.anomaly) {
    const a = d.anomaly;
    const how = a.method === 'f1' ? `chosen by F1 on ${a.validationRows} validation rows` : a.method === 'given' ? 'given' : 'the contamination quantile of the training densities';
    out.push('', `Threshold: log ε = ${g(a.logEpsilon, 4)} (ε = ${a.epsilon.toExponential(3)}), ${how}. ${a.flagged} of ${a.rows} rows are flagged as anomalies.`);
    if (a.f1 !== undefined) {
      out.push(`Against '${a.labelColumn}' (anomaly = '${a.anomalyLabel}'), on the validation rows: precision ${a.precision!.toFixed(4)}, recall ${a.recall!.toFixed(4)}, F1 ${a.f1.toFixed(4)}.`);
    }
  }
  if (d.components) {
    out.push('', 'Explained variance per component:');
    out.push(
      formatTable(
        ['component', 'variance', 'ratio', 'cumulative'],
        d.components.map((c) => [c.name, g(c.explainedVariance), c.explainedVarianceRatio.toFixed(4), c.cumulativeRatio.toFixed(4)]),
        ['left', 'right', 'right', 'right'],
      ),
    );
  }
  return out;
}
