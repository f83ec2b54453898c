/**
 * What the comparison board will run on one dataset: the target and the task
 * it implies, the feature columns, every learner of that task (ticked or not)
 * with its parameter form as text, and the protocol. One Setup per dataset,
 * kept while the person moves between datasets and views.
 */
import type { ColumnInfo, DatasetMeta } from '../../src-shared/dataset.ts';
import type { CompareRequest, LearnerSpec, Protocol } from '../../src-shared/contract/ml.ts';
import { CATALOG, algosForTask, type AlgoName } from '../../src-shared/ml/catalog.ts';
import { isNumericKind } from '../../src-shared/dataset.ts';
import { defaultFeatures, defaultTarget, taskFor } from '../lib/compare/board.ts';
import { checkForm, defaultForm, DEFAULT_LEARNERS, type SupervisedTask } from '../lib/compare/params.ts';

/** One learner the board can run: ticked or not, and its parameter form as text. */
export class LearnerChoice {
  on = $state(false);
  form = $state<Record<string, string>>({});
  check = $derived.by(() => checkForm(this.algo, this.task, this.form));

  constructor(
    readonly algo: AlgoName,
    readonly task: SupervisedTask,
    on: boolean,
  ) {
    this.on = on;
    this.form = defaultForm(algo, task);
  }

  get display(): string {
    return CATALOG[this.algo].display;
  }

  spec(): LearnerSpec {
    return { algo: this.algo, params: this.check.params };
  }
}

/** The choices for one dataset; kept while the person moves between datasets and views. */
export class Setup {
  target = $state('');
  features = $state<string[]>([]);
  taskOverride = $state<'auto' | SupervisedTask>('auto');
  protocol = $state<'holdout' | 'cv'>('cv');
  testSize = $state(0.25);
  folds = $state(5);
  repeats = $state(1);
  seed = $state(0);
  readonly learners: Record<SupervisedTask, LearnerChoice[]>;

  readonly columns: readonly ColumnInfo[];
  task = $derived.by((): SupervisedTask => {
    if (this.taskOverride !== 'auto') return this.taskOverride;
    const col = this.columns.find((c) => c.name === this.target);
    return col ? taskFor(col) : 'classification';
  });
  chosen = $derived.by(() => this.learners[this.task].filter((l) => l.on));
  /** Numeric features (the boundary's axes). */
  numeric = $derived.by(() => this.columns.filter((c) => isNumericKind(c.kind) && c.name !== this.target).map((c) => c.name));

  constructor(readonly meta: DatasetMeta) {
    this.columns = meta.columns;
    const target = defaultTarget(meta.columns) ?? '';
    this.target = target;
    this.features = defaultFeatures(meta.columns, target);
    const make = (task: SupervisedTask): LearnerChoice[] =>
      algosForTask(task).map((e) => new LearnerChoice(e.name, task, DEFAULT_LEARNERS[task].includes(e.name)));
    this.learners = { classification: make('classification'), regression: make('regression') };
  }

  setTarget(name: string): void {
    const was = this.target;
    this.target = name;
    // The old target becomes a feature again; the new one stops being one.
    const f = this.features.filter((x) => x !== name);
    if (was && was !== name && this.columns.some((c) => c.name === was && c.role !== 'ignored')) f.push(was);
    this.features = this.columns.map((c) => c.name).filter((n) => f.includes(n));
  }

  toggleFeature(name: string, on: boolean): void {
    const set = new Set(this.features);
    if (on) set.add(name);
    else set.delete(name);
    this.features = this.columns.map((c) => c.name).filter((n) => set.has(n));
  }

  protocolSpec(): Protocol {
    return this.protocol === 'holdout'
      ? { kind: 'holdout', testSize: this.testSize, seed: this.seed }
      : { kind: 'cv', folds: this.folds, repeats: this.repeats, seed: this.seed };
  }

  /** What stops a comparison from starting, in words; null when it can start. */
  problem(): string | null {
    if (!this.target) return 'Choose a target column.';
    if (this.features.length === 0) return 'Tick at least one feature column.';
    if (this.chosen.length === 0) return 'Tick at least one learner.';
    const bad = this.chosen.find((l) => l.check.error);
    if (bad?.check.error) return `${bad.display}: ${bad.check.error.message}`;
    if (this.protocol === 'holdout' && !(this.testSize > 0 && this.testSize < 1)) return `The test fraction must be between 0 and 1 (exclusive); got ${this.testSize}.`;
    if (this.protocol === 'cv' && !(Number.isInteger(this.folds) && this.folds >= 2)) return `k-fold CV needs an integer k of at least 2; got ${this.folds}.`;
    if (this.protocol === 'cv' && !(Number.isInteger(this.repeats) && this.repeats >= 1)) return `Repeats must be an integer of at least 1; got ${this.repeats}.`;
    if (!Number.isInteger(this.seed) || this.seed < 0) return `The seed must be a whole number ≥ 0; got ${this.seed}.`;
    return null;
  }

  request(): CompareRequest {
    return {
      datasetId: this.meta.id,
      target: this.target,
      features: [...this.features],
      learners: this.chosen.map((l) => l.spec()),
      protocol: this.protocolSpec(),
      task: this.task,
    };
  }
}
