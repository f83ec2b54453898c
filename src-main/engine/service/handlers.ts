/**
 * Every method of src-shared/contract, joined from one file per service.
 * A new service (training, models...) adds its file and one spread here.
 */
import type { Handlers } from '../../../src-shared/rpc/core.ts';
import { appHandlers } from './app.ts';
import type { ServiceDeps } from './context.ts';
import { datasetHandlers } from './datasets.ts';
import { exploreHandlers } from './explore.ts';
import { mlHandlers } from './ml.ts';
import { modelHandlers } from './models.ts';
import { modelsIoHandlers } from './models-io.ts';
import { nnHandlers } from './nn.ts';

export type { ServiceDeps } from './context.ts';

export function createHandlers(deps: ServiceDeps): Handlers {
  return {
    ...appHandlers(deps),
    ...datasetHandlers(deps),
    ...mlHandlers(deps),
    ...modelHandlers(deps),
    ...modelsIoHandlers(deps),
    ...exploreHandlers(deps),
    ...nnHandlers(deps),
  };
}
