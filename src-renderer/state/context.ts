/** The Workbench handed to every component through Svelte context (set once at mount). */
import { getContext } from 'svelte';
import type { Workbench } from './workbench.svelte.ts';

const KEY = Symbol('lathe.workbench');

/** The context map to pass to `mount`. */
export function workbenchContext(app: Workbench): Map<symbol, Workbench> {
  return new Map([[KEY, app]]);
}

export function getWorkbench(): Workbench {
  const app = getContext<Workbench | undefined>(KEY);
  if (!app) throw new Error('The Workbench context is missing: mount App with workbenchContext(app).');
  return app;
}
