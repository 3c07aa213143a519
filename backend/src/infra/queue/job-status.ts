import type { JobState } from './job-run.entity';

/** A job's status as the API reports it (API.md's job-status shape). */
export interface JobStatus<R = unknown> {
  jobId: string;
  queue: string;
  name: string;
  state: JobState;
  progress: number;
  attemptsMade: number;
  failedReason: string | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  result: R | null;
}

/** BullMQ's many states, folded into the four the API exposes. */
export function foldState(state: string): JobState {
  switch (state) {
    case 'active':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      // waiting, delayed, prioritized, waiting-children, unknown: not started yet
      return 'queued';
  }
}
