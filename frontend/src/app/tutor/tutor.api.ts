import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  PostTutorMessageRequest,
  PostTutorMessageResponse,
  TutorThread,
  TutorThreadDetail,
  TutorThreadSummary,
} from '@lectern/api-types';
import type { Observable } from 'rxjs';
import { SessionService } from '../core/session.service';

export interface TutorStreamEvent {
  event: string;
  data: unknown;
}

/** Data access for the tutor: threads over HttpClient, answers as server-sent events over fetch (it sends the bearer token). */
@Injectable({ providedIn: 'root' })
export class TutorApi {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  threads(): Observable<TutorThreadSummary[]> {
    return this.http.get<TutorThreadSummary[]>('/api/tutor/threads');
  }

  createThread(lessonSlug?: string): Observable<TutorThread> {
    return this.http.post<TutorThread>('/api/tutor/threads', lessonSlug ? { lessonSlug } : {});
  }

  thread(id: string): Observable<TutorThreadDetail> {
    return this.http.get<TutorThreadDetail>(`/api/tutor/threads/${encodeURIComponent(id)}`);
  }

  deleteThread(id: string): Observable<void> {
    return this.http.delete<void>(`/api/tutor/threads/${encodeURIComponent(id)}`);
  }

  ask(threadId: string, body: PostTutorMessageRequest): Observable<PostTutorMessageResponse> {
    return this.http.post<PostTutorMessageResponse>(`/api/tutor/threads/${encodeURIComponent(threadId)}/messages`, body);
  }

  /** The answer's events as they come; throws when the stream cannot be read (the caller polls instead). */
  async *stream(streamUrl: string, signal: AbortSignal): AsyncIterable<TutorStreamEvent> {
    const token = this.session.token();
    const response = await fetch(streamUrl, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
    if (!response.ok || !response.body) throw new Error(`The answer stream answered ${response.status}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (!event) continue;
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
        yield { event, data: JSON.parse(data) as unknown };
      }
    }
  }
}
