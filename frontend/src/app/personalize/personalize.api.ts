import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { PersonalizeFeedbackRequest, PersonalizeJobStatus, PersonalizeResponse } from '@lectern/api-types';
import type { Observable } from 'rxjs';

/** Data access for personalized rewrites (Bearer: see authInterceptor). */
@Injectable({ providedIn: 'root' })
export class PersonalizeApi {
  private readonly http = inject(HttpClient);

  /** 200 ready (cached rewrite) or 202 queued (a job is writing it). */
  request(lessonSlug: string): Observable<PersonalizeResponse> {
    return this.http.post<PersonalizeResponse>('/api/personalize', { lessonSlug });
  }

  job(jobId: string): Observable<PersonalizeJobStatus> {
    return this.http.get<PersonalizeJobStatus>(`/api/personalize/jobs/${encodeURIComponent(jobId)}`);
  }

  /** The job's server-sent events (read with fetch: see JobStream). */
  streamUrl(jobId: string): string {
    return `/api/personalize/jobs/${encodeURIComponent(jobId)}/stream`;
  }

  /** Rates the learner's rewrite of a lesson (sending again replaces the rating). */
  feedback(body: PersonalizeFeedbackRequest): Observable<void> {
    return this.http.post<void>('/api/personalize/feedback', body);
  }

  /** Drops the learner's cached rewrite of a lesson, so the next request writes a new one. */
  dropCached(lessonSlug: string): Observable<void> {
    return this.http.delete<void>('/api/personalize/cache', { params: { lessonSlug } });
  }
}
