/** app.info and the jobs.* methods. */
import { LatheError } from '../../../src-shared/errors.ts';
import type { Handlers } from '../../../src-shared/rpc/core.ts';
import { paramsOf, type ServiceDeps } from './context.ts';

export function appHandlers({ jobs, info }: ServiceDeps): Pick<Handlers, 'app.info' | 'jobs.list' | 'jobs.cancel'> {
  return {
    'app.info': () => ({ ...info }),
    'jobs.list': () => jobs.list(),
    'jobs.cancel': (p) => {
      const { jobId } = paramsOf(p, 'jobs.cancel');
      if (typeof jobId !== 'string' || !jobId) throw new LatheError('BAD_REQUEST', 'jobId must be a non-empty string.', { param: 'jobId' });
      return { cancelled: jobs.cancel(jobId) };
    },
  };
}
