import type { JobInfo } from '../jobs.ts';

export interface AppInfo {
  version: string;
  /** 'electron' when running in the desktop shell, 'browser' behind the local server. */
  shell: 'electron' | 'browser' | 'cli' | 'test';
  dataDir: string;
  /** Whether the carrier can hand the engine a local file path (Electron, CLI). */
  canOpenPaths: boolean;
}

export interface AppMethods {
  'app.info': { params: void; result: AppInfo };
  'jobs.list': { params: void; result: JobInfo[] };
  'jobs.cancel': { params: { jobId: string }; result: { cancelled: boolean } };
}

export interface AppEvents {
  /** Every change of a job's state or progress. */
  job: JobInfo;
}
