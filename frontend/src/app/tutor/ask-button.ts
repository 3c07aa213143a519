import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { TutorPanelState } from './tutor-panel.state';

/** "Ask": opens the tutor panel (from a lesson, the thread starts from that lesson). */
@Component({
  selector: 'lx-ask-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<button
    type="button"
    class="btn ask-button"
    data-testid="ask-button"
    aria-haspopup="dialog"
    [attr.aria-expanded]="state.open()"
    (click)="open($event)"
  >
    {{ label() }}
  </button>`,
})
export class AskButton {
  readonly lessonSlug = input<string | undefined>(undefined);
  readonly label = input('Ask');
  protected readonly state = inject(TutorPanelState);

  protected open(event: MouseEvent): void {
    const slug = this.lessonSlug();
    this.state.show(slug ? { lessonSlug: slug } : {}, event.currentTarget as HTMLElement);
  }
}
