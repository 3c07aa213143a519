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

  /** The lesson body as Markdown (no H1: the page shows the title). */
  lessonContent(slug: string): Observable<string> {
    return this.http.get(`/api/content/lessons/${encodeURIComponent(slug)}/content`, { responseType: 'text' });
  }
}
