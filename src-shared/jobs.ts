/** Job states and progress, as the renderer and CLI see them. */

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type JobKind = 'import' | 'train' | 'cv' | 'compare' | 'kmeans' | 'export' | 'correlate' | 'search' | 'other';

/** One progress report. `fraction` is 0..1, or null when unknown. */
export interface Progress {
  fraction: number | null;
  phase: string;
  message?: string;
  bytes?: number;
  totalBytes?: number;
  rows?: number;
  /** Partial results (a loss curve point, a k-means iteration, a fold score...). */
  partial?: unknown;
}

export interface JobInfo {
  id: string;
  kind: JobKind;
  title: string;
  state: JobState;
  progress: Progress;
  startedAt: string;
  endedAt?: string;
  error?: { code: string; message: string };
}
