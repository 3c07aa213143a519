import { Injectable, signal } from '@angular/core';
import type { TutorAction, TutorSelection } from '@lectern/api-types';

/** What opening the panel asks for: a lesson to start from, and maybe a question about a selection to send at once. */
export interface TutorRequest {
  lessonSlug?: string;
  action?: TutorAction;
  selection?: TutorSelection;
  content?: string;
}

/** Whether the tutor panel is open, and what it was opened for (the Ask buttons and the selection menu set it). */
@Injectable({ providedIn: 'root' })
export class TutorPanelState {
  readonly open = signal(false);
  readonly request = signal<TutorRequest | null>(null);
  /** The element that opened the panel: focus returns there on close. */
  opener: HTMLElement | null = null;

  show(request: TutorRequest = {}, opener?: HTMLElement | null): void {
    this.opener = opener ?? (document.activeElement as HTMLElement | null);
    this.request.set(request);
    this.open.set(true);
  }

  close(): void {
    this.open.set(false);
    const opener = this.opener;
    this.opener = null;
    if (opener?.isConnected) opener.focus();
  }
}
