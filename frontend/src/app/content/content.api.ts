import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { BookDto, LessonDto } from '@lectern/api-types';
import type { Observable } from 'rxjs';

/** Data access for the book: its tree, lessons and their Markdown. */
@Injectable({ providedIn: 'root' })
export class ContentApi {
  private readonly http = inject(HttpClient);

  /** The whole tree. Cheap to ask again: the server answers 304 to the browser's If-None-Match. */
  book(): Observable<BookDto> {
    return this.http.get<BookDto>('/api/content/book');
  }

  lesson(slug: string): Observable<LessonDto> {
    return this.http.get<LessonDto>(`/api/content/lessons/${encodeURIComponent(slug)}`);
  }

  /**
   * A lesson's body as Markdown (no H1: the page shows the title), read at its
   * content-addressed URL (the lesson's `contentUrl`): the server marks it
   * immutable, so a browser that read this text once never asks again.
   */
  text(contentUrl: string): Observable<string> {
    return this.http.get(contentUrl, { responseType: 'text' });
  }
}
