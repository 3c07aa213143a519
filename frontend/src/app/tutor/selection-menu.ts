import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import type { TutorAction } from '@lectern/api-types';
import { TUTOR_SELECTION_MAX_LENGTH } from '@lectern/api-types';
import { TutorPanelState } from './tutor-panel.state';

interface Shown {
  text: string;
  anchor?: string;
  top: number;
  left: number;
}

const ACTIONS: Array<{ action: TutorAction; label: string }> = [
  { action: 'explain', label: 'Explain' },
  { action: 'summarize', label: 'Summarize' },
  { action: 'translate', label: 'Translate' },
  { action: 'ask', label: 'Ask about this' },
];

/**
 * The menu over a selection in a lesson: Explain, Summarize, Translate, Ask
 * about this. It appears when text inside `target` is selected with the mouse,
 * by touch or with the keyboard (Shift+arrows), and is a toolbar reachable
 * with Tab; Esc hides it. The action opens the tutor panel with the selection.
 */
@Component({
  selector: 'lx-selection-menu',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(document:mouseup)': 'check()',
    '(document:touchend)': 'check()',
    '(document:keyup)': 'onKeyup($event)',
  },
  template: `
    @if (shown(); as s) {
      <div
        class="tutor-selection-menu"
        role="toolbar"
        aria-label="Ask the tutor about the selection"
        data-testid="selection-menu"
        [style.top.px]="s.top"
        [style.left.px]="s.left"
        (mousedown)="$event.preventDefault()"
      >
        @for (a of actions; track a.action) {
          <button type="button" class="btn btn-small" [attr.data-testid]="'selection-' + a.action" (click)="choose(a.action)">
            {{ a.label }}
          </button>
        }
      </div>
    }
  `,
})
export class SelectionMenu {
  /** The lesson body the selection must be in. */
  readonly target = input.required<HTMLElement>();
  readonly lessonSlug = input.required<string>();

  private readonly document = inject(DOCUMENT);
  private readonly state = inject(TutorPanelState);
  protected readonly shown = signal<Shown | null>(null);
  protected readonly actions = ACTIONS;

  protected onKeyup(event: KeyboardEvent): void {
    if (event.key === 'Escape') this.shown.set(null);
    else if (event.shiftKey || event.key === 'Shift') this.check();
  }

  /** Shows the menu under a selection inside the lesson, hides it otherwise. */
  protected check(): void {
    // After the browser has updated the selection.
    setTimeout(() => {
      const selection = this.document.getSelection();
      const text = selection?.toString().trim() ?? '';
      if (!selection || selection.rangeCount === 0 || !text) {
        if (!this.menuHasFocus()) this.shown.set(null);
        return;
      }
      const range = selection.getRangeAt(0);
      if (!this.target().contains(range.commonAncestorContainer)) return;
      const rect = range.getBoundingClientRect();
      const view = this.document.defaultView;
      this.shown.set({
        text: text.slice(0, TUTOR_SELECTION_MAX_LENGTH),
        anchor: this.anchorBefore(range),
        top: rect.bottom + (view?.scrollY ?? 0) + 6,
        left: Math.max(8, rect.left + (view?.scrollX ?? 0)),
      });
    });
  }

  protected choose(action: TutorAction): void {
    const shown = this.shown();
    if (!shown) return;
    this.shown.set(null);
    this.state.show({
      lessonSlug: this.lessonSlug(),
      action,
      selection: { lessonSlug: this.lessonSlug(), text: shown.text, ...(shown.anchor ? { anchor: shown.anchor } : {}) },
    });
  }

  private menuHasFocus(): boolean {
    return !!this.document.activeElement?.closest('.tutor-selection-menu');
  }

  /** The id of the last heading before the selection (the section it is in). */
  private anchorBefore(range: Range): string | undefined {
    let found: string | undefined;
    for (const heading of Array.from(this.target().querySelectorAll<HTMLElement>('h1[id], h2[id], h3[id], h4[id]'))) {
      const position = heading.compareDocumentPosition(range.startContainer);
      if (position & Node.DOCUMENT_POSITION_FOLLOWING || heading.contains(range.startContainer)) found = heading.id;
    }
    return found;
  }
}
