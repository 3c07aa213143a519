import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  type LessonProgressDto,
  type LessonTimeRequest,
  type ProgressSummaryDto,
  RECOMMENDATIONS_DEFAULT_LIMIT,
  type RecommendationsResponse,
  type StartLessonRequest,
} from '@lectern/api-types';
import { type Observable, defer, switchMap } from 'rxjs';
import { SessionService } from '../core/session.service';

const lessonUrl = (slug: string) => `/api/progress/lessons/${encodeURIComponent(slug)}`;

/**
 * Data access for reading progress and recommendations. Progress is always
 * the token's learner: every call first makes sure there is one (pages such
 * as /book and /lessons have no guard that would have done it).
 */
@Injectable({ providedIn: 'root' })
export class ProgressApi {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  /** The whole book's completion, per part and chapter, time spent, where to resume. */
  summary(): Observable<ProgressSummaryDto> {
    return this.asLearner(() => this.http.get<ProgressSummaryDto>('/api/progress'));
  }

  lesson(slug: string): Observable<LessonProgressDto> {
    return this.asLearner(() => this.http.get<LessonProgressDto>(lessonUrl(slug)));
  }

  /** Starts the lesson, once the learner really reads it (ReadingTracker); idempotent: the first `startedAt` is kept. */
  start(slug: string, section?: string | null): Observable<LessonProgressDto> {
    const body: StartLessonRequest = section ? { section } : {};
    return this.asLearner(() => this.http.post<LessonProgressDto>(`${lessonUrl(slug)}/start`, body));
  }

  /** Mark as complete (again is a no-op). */
  complete(slug: string): Observable<LessonProgressDto> {
    return this.asLearner(() => this.http.post<LessonProgressDto>(`${lessonUrl(slug)}/complete`, null));
  }

  /** A reading heartbeat: adds 1..3600 seconds and records the section. */
  addTime(slug: string, body: LessonTimeRequest): Observable<LessonProgressDto> {
    return this.asLearner(() => this.http.put<LessonProgressDto>(`${lessonUrl(slug)}/time`, body));
  }

  recommendations(limit = RECOMMENDATIONS_DEFAULT_LIMIT): Observable<RecommendationsResponse> {
    return this.asLearner(() => this.http.get<RecommendationsResponse>('/api/progress/recommendations', { params: { limit } }));
  }

  /**
   * The last heartbeat of a page being left (pagehide, tab hidden, another
   * page of the app). `navigator.sendBeacon` is the classic tool for this but
   * cannot send an Authorization header (nor a PUT), and the API needs the
   * Bearer token; `fetch(…, { keepalive: true })` is its modern equivalent:
   * the browser completes the request even once the page is gone (bodies up to
   * 64 KiB). It bypasses HttpClient, so the token is added here. Fire and forget.
   */
  sendTimeOnLeave(slug: string, body: LessonTimeRequest): void {
    const token = this.session.token();
    if (!token || typeof globalThis.fetch !== 'function') return;
    try {
      void globalThis
        .fetch(`${lessonUrl(slug)}/time`, {
          method: 'PUT',
          keepalive: true,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
        .catch(() => undefined);
    } catch {
      // A browser refusing the request (e.g. over the keepalive quota): the seconds are lost.
    }
  }

  private asLearner<T>(call: () => Observable<T>): Observable<T> {
    return defer(() => this.session.ensure()).pipe(switchMap(() => call()));
  }
}
