import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { SearchRequest, SearchResponse } from '@lectern/api-types';
import type { Observable } from 'rxjs';

/** Data access for searching the book (hybrid full-text + vector search on the server). */
@Injectable({ providedIn: 'root' })
export class SearchApi {
  private readonly http = inject(HttpClient);

  /** Unsubscribing cancels the request: a newer search simply replaces an older one. */
  search(request: SearchRequest): Observable<SearchResponse> {
    return this.http.post<SearchResponse>('/api/search', request);
  }
}
