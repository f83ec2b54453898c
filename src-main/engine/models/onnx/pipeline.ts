/**
 * The preprocessing pipeline as ONNX ops, in double precision (so the
 * estimator sees the same numbers Lathe's own pipeline computes from the
 * same float32 input). The graph's input is the raw feature tensor
 * X float32 [N, d], features in the model's order:
 *   - numeric features as they are, NaN = missing;
 *   - categorical features as codes: the index of the label in the model's
 *     category list for that feature (the one-hot step's sorted training
 *     labels, also in the metadata `lathe.categories`), NaN = missing; a code
 *     outside the list is an unseen label and encodes as all zeros, as Lathe does.
 * Steps: impute (Where(IsNaN)), standard scaling ((x − mean) / scale),
 * min-max scaling (x · scale + min), one-hot (Equal against 0..k−1).
 */
import { LatheError } from '../../../../src-shared/errors.ts';
import type { PipelineState } from '../../ml/preprocess/pipeline.ts';
import { DT } from './proto.ts';
import { A, type GraphBuilder } from './graph.ts';

interface Col {
  name: string;
  kind: 'numeric' | 'categorical';
}

interface Fill {
  name: string;
  kind: 'numeric' | 'categorical';
  value: number | string | null;
}

/** The category list of each categorical input (from the one-hot step). */
export function categoriesOf(p: PipelineState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of p.steps) {
    if (s.kind !== 'onehot') continue;
    for (const e of (s as unknown as { encodings: { name: string; categories: string[] }[] }).encodings) out[e.name] = [...e.categories];
  }
  for (const c of p.inputs) if (c.kind === 'categorical') out[c.name] ??= [];
  return out;
}

/** Apply the pipeline to x (double [N, inputs]); returns the matrix the estimator takes (double [N, featureNamesOut]). */
export function pipelineOps(g: GraphBuilder, x: string, p: PipelineState): { out: string; cols: number } {
  const cats = categoriesOf(p);
  let cols: Col[] = p.inputs.map((c) => ({ name: c.name, kind: c.kind }));
  let cur = x;
  for (const step of p.steps) {
    switch (step.kind) {
      case 'impute': {
        const fills = new Map(((step as unknown as { fills: Fill[] }).fills ?? []).map((f) => [f.name, f]));
        const vec = cols.map((c) => {
          const f = fills.get(c.name);
          if (!f) return NaN;
          if (c.kind === 'numeric') return typeof f.value === 'number' ? f.value : 0;
          const label = typeof f.value === 'string' ? f.value : (cats[c.name]?.[0] ?? '');
          return cats[c.name]!.indexOf(label);
        });
        const fill = g.const('double', [vec.length], vec, 'impute_fill');
        cur = g.op('Where', [g.op('IsNaN', [cur]), fill, cur]);
        break;
      }
      case 'standard':
      case 'minmax': {
        const sc = new Map(((step as unknown as { columns: { name: string; offset: number; scale: number }[] }).columns ?? []).map((s) => [s.name, s]));
        const off = cols.map((c) => (c.kind === 'numeric' ? (sc.get(c.name)?.offset ?? 0) : 0));
        const scale = cols.map((c) => (c.kind === 'numeric' ? (sc.get(c.name)?.scale ?? 1) : 1));
        const o = g.const('double', [off.length], off, `${step.kind}_offset`);
        const s = g.const('double', [scale.length], scale, `${step.kind}_scale`);
        cur = step.kind === 'standard' ? g.op('Div', [g.op('Sub', [cur, o]), s]) : g.op('Add', [g.op('Mul', [cur, s]), o]);
        break;
      }
      case 'onehot': {
        const enc = new Map(((step as unknown as { encodings: { name: string; categories: string[] }[] }).encodings ?? []).map((e) => [e.name, e.categories]));
        const parts: string[] = [];
        const next: Col[] = [];
        // Runs of consecutive pass-through columns are gathered together.
        let run: number[] = [];
        const flush = (): void => {
          if (run.length) parts.push(g.op('Gather', [cur, g.int64s(run)], { axis: A.i(1) }));
          run = [];
        };
        cols.forEach((c, j) => {
          const labels = enc.get(c.name);
          if (!labels) {
            run.push(j);
            next.push(c);
            return;
          }
          flush();
          if (labels.length === 0) return;
          const col = g.op('Gather', [cur, g.int64s([j])], { axis: A.i(1) });
          const codes = g.const('double', [1, labels.length], labels.map((_, k) => k), 'onehot_codes');
          parts.push(g.op('Cast', [g.op('Equal', [col, codes])], { to: A.i(DT.DOUBLE) }));
          for (const l of labels) next.push({ name: `${c.name}_${l}`, kind: 'numeric' });
        });
        flush();
        cur = parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: A.i(1) });
        cols = next;
        break;
      }
      default:
        throw new LatheError('NOT_IMPLEMENTED', `ONNX export does not know the preprocessing step '${String((step as { kind: unknown }).kind)}'.`);
    }
  }
  if (cols.some((c) => c.kind === 'categorical')) {
    throw new LatheError('NOT_IMPLEMENTED', 'ONNX export needs every categorical feature one-hot encoded by the pipeline.');
  }
  return { out: cur, cols: cols.length };
}
