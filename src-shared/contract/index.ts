/**
 * The one contract between the renderer (or CLI, or tests) and the engine.
 * Each service adds its methods and events in its own file; this file joins
 * them. Every carrier (Electron IPC, WebSocket, in-memory) moves these.
 */
import type { AppEvents, AppMethods } from './app.ts';
import type { DatasetEvents, DatasetMethods } from './datasets.ts';
import type { ExploreEvents, ExploreMethods } from './explore.ts';
import type { MlEvents, MlMethods } from './ml.ts';
import type { ModelsIoEvents, ModelsIoMethods } from './models-io.ts';
import type { NnEvents, NnMethods } from './nn.ts';

export type * from './app.ts';
export type * from './datasets.ts';
export type * from './explore.ts';
export type * from './ml.ts';
export type * from './models-io.ts';
export type * from './nn.ts';

export interface Methods extends AppMethods, DatasetMethods, MlMethods, ExploreMethods, NnMethods, ModelsIoMethods {}
export interface Events extends AppEvents, DatasetEvents, MlEvents, ExploreEvents, NnEvents, ModelsIoEvents {}

export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = Methods[M]['params'];
export type ResultOf<M extends MethodName> = Methods[M]['result'];
export type EventName = keyof Events;

/** Every method name, for validating incoming calls at runtime. */
export const METHOD_NAMES = [
  'app.info',
  'jobs.list',
  'jobs.cancel',
  'datasets.list',
  'datasets.get',
  'datasets.rename',
  'datasets.delete',
  'datasets.rows',
  'datasets.setColumn',
  'datasets.histogram',
  'datasets.importPath',
  'datasets.importUpload',
  'ml.compare',
  'ml.boundary',
  'ml.train',
  'ml.correlate',
  'ml.runs',
  'ml.run',
  'models.list',
  'models.get',
  'models.rename',
  'models.delete',
  'models.exportFile',
  'models.importFile',
  'models.predict',
  'ml.search',
  'explore.columns',
  'explore.projections',
  'explore.elbow',
  'nn.predictImage',
  'nn.backend',
] as const satisfies readonly MethodName[];

/** Compile-time check that METHOD_NAMES lists every method. */
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;
