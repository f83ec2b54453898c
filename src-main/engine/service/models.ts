/** The models.* methods: the model library that ml.train fills (list, get, rename, delete). */
import type { ModelSummary } from '../../../src-shared/contract/ml.ts';
import { LatheError } from '../../../src-shared/errors.ts';
import type { Handlers } from '../../../src-shared/rpc/core.ts';
import { writeTransaction } from '../store/db.ts';
import * as mq from '../store/ml.ts';
import { paramsOf, type ServiceDeps } from './context.ts';

function idOf(p: { id?: unknown }): string {
  if (typeof p.id !== 'string' || !p.id) throw new LatheError('BAD_REQUEST', `id must be the id of a model; got ${JSON.stringify(p.id) ?? 'nothing'}.`, { param: 'id' });
  return p.id;
}

export function modelHandlers({ store, emit }: ServiceDeps): Pick<Handlers, 'models.list' | 'models.get' | 'models.rename' | 'models.delete'> {
  return {
    'models.list': () => mq.listModels(store.db),

    'models.get': (p) => mq.getModelSummary(store.db, idOf(paramsOf(p, 'models.get'))),

    'models.rename': async (p) => {
      const q = paramsOf(p, 'models.rename');
      const id = idOf(q);
      const name = mq.validateModelName(q.name);
      if (q.description !== undefined && q.description !== null && typeof q.description !== 'string') {
        throw new LatheError('BAD_REQUEST', `description must be a string; got ${JSON.stringify(q.description)}.`, { param: 'description' });
      }
      const model: ModelSummary = await writeTransaction(store.db, () => {
        mq.renameModel(store.db, id, name, q.description ?? undefined);
        return mq.getModelSummary(store.db, id);
      });
      emit('models.changed', { ids: [id] });
      return model;
    },

    'models.delete': async (p) => {
      const id = idOf(paramsOf(p, 'models.delete'));
      const deleted = await writeTransaction(store.db, () => mq.deleteModel(store.db, id));
      if (!deleted) throw mq.modelNotFound(id);
      emit('models.changed', { ids: [id] });
      return { deleted };
    },
  };
}
