/** A rewrite that exists: served at once. */
export interface PersonalizeReady {
  status: 'ready';
  lessonSlug: string;
  content: string;
  cached: boolean;
  contentHash: string;
  preferencesHash: string;
  generatedAt: string;
  model: string;
  promptVersion: number;
}

/** A rewrite being written in the background: poll statusUrl. */
export interface PersonalizeQueued {
  status: 'queued';
  jobId: string;
  statusUrl: string;
}

export type PersonalizeResponse = PersonalizeReady | PersonalizeQueued;

export interface PersonalizeJobStatus {
  jobId: string;
  state: 'queued' | 'active' | 'completed' | 'failed';
  progress: number;
  attemptsMade: number;
  failedReason: string | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  result: PersonalizeReady | null;
}
