/**
 * The tasks a task worker can run, by name. A task module exports
 * `run(input, ctx)` (see jobs/protocol.ts). To add a task (train, compare...),
 * add one line here; the loader is a literal `import()` so bundlers see it.
 * Tasks can also be passed as a module URL at run time (JobSystem.start's
 * `module`), which is how tests bring their own.
 */
import type { TaskModule } from '../jobs/protocol.ts';

export type TaskLoader = () => Promise<TaskModule>;

export const TASKS: Record<string, TaskLoader> = {
  import: () => import('./tasks/import.ts'),
  'set-kind': () => import('./tasks/set-kind.ts'),
  compare: () => import('./tasks/compare.ts'),
  train: () => import('./tasks/train.ts'),
  'train-network': () => import('./tasks/train-network.ts'),
  boundary: () => import('./tasks/boundary.ts'),
  correlate: () => import('./tasks/correlate.ts'),
  projections: () => import('./tasks/projections.ts'),
  elbow: () => import('./tasks/elbow.ts'),
  predict: () => import('./tasks/predict.ts'),
  search: () => import('./tasks/search.ts'),
  export: () => import('./tasks/export.ts'),
};

/** Add a task to this thread's registry (call it from a module the worker loads). */
export function registerTask(name: string, loader: TaskLoader): void {
  TASKS[name] = loader;
}
