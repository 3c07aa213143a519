import { HttpClient } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import type { ReaderView, ReaderViewDto } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { SessionService } from '../core/session.service';

export function isReaderView(value: unknown): value is ReaderView {
  return value === 'original' || value === 'personalized';
}

/**
 * The learner's chosen way of reading (Original or Personalized), kept on the
 * server (GET/PUT /api/user/reader-view) so it follows them; asked once per
 * visit. The URL's `?view=` wins over it for the page it is on.
 */
@Injectable({ providedIn: 'root' })
export class ReaderViewService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly viewState = signal<ReaderView | null>(null);
  private pending: Promise<ReaderView> | null = null;

  /** The stored choice; null until known. */
  readonly view = this.viewState.asReadonly();

  /** The stored choice (Original when it cannot be read: the page still works). */
  load(): Promise<ReaderView> {
    const known = this.viewState();
    if (known) return Promise.resolve(known);
    this.pending ??= this.session
      .ensure()
      .then(() => firstValueFrom(this.http.get<ReaderViewDto>('/api/user/reader-view')))
      .then(
        (answer) => (isReaderView(answer.view) ? answer.view : 'original'),
        () => 'original' as const,
      )
      .then((view) => {
        // A choice made while the answer was on its way wins.
        if (!this.viewState()) this.viewState.set(view);
        this.pending = null;
        return this.viewState() ?? view;
      });
    return this.pending;
  }

  /**
   * Remembers a choice the learner made (best effort: a failure only means it
   * is not kept). Sent with `keepalive`: a learner who switches and at once
   * reloads or leaves the page still has the choice saved (a plain request
   * was aborted with the page).
   */
  choose(view: ReaderView): void {
    if (this.viewState() === view) return;
    this.viewState.set(view);
    void this.session
      .ensure()
      .then(() => firstValueFrom(this.http.put<ReaderViewDto>('/api/user/reader-view', { view }, { keepalive: true })))
      .catch(() => undefined);
  }
}
