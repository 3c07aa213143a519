import { ChangeDetectionStrategy, Component, ElementRef, computed, input, output, viewChild } from '@angular/core';
import type { Question, QuestionOption } from '@lectern/api-types';
import type { AnswerValue } from './answers';

/**
 * One question as a native radio group (single) or checkbox group (multi)
 * inside a fieldset whose legend is the question: arrow keys move within a
 * radio group, Space toggles a checkbox, every input has its own <label>.
 */
@Component({
  selector: 'lx-question-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: ':host { display: block; }',
  template: `
    @let q = question();
    <fieldset class="question" [class.has-error]="!!error()" [attr.aria-describedby]="helpId()" [attr.data-field]="q.id">
      <legend #legend tabindex="-1">
        @if (eyebrow()) {
          <span class="eyebrow">{{ eyebrow() }}</span>
        }
        <span class="question-text">{{ q.text }}</span>
      </legend>
      <p class="help" [id]="helpId()">
        {{ q.help }}
        @if (!q.required && q.default !== undefined) {
          <span class="optional">(Optional.)</span>
        }
      </p>
      <div class="options">
        @for (option of q.options; track question().id + ':' + option.value; let i = $index) {
          <div class="option" [class.checked]="isChecked(option)">
            @if (q.kind === 'multi') {
              <input
                type="checkbox"
                [id]="optionId(i)"
                [name]="name()"
                [value]="option.value.toString()"
                [checked]="isChecked(option)"
                [attr.aria-describedby]="describedBy(option, i)"
                [attr.aria-invalid]="error() ? 'true' : null"
                (change)="toggle($event)"
              />
            } @else {
              <input
                type="radio"
                [id]="optionId(i)"
                [name]="name()"
                [value]="option.value.toString()"
                [checked]="isChecked(option)"
                [attr.aria-describedby]="describedBy(option, i)"
                [attr.aria-invalid]="error() ? 'true' : null"
                (change)="choose(option)"
              />
            }
            <label [for]="optionId(i)">{{ option.label }}</label>
            @if (option.hint) {
              <span class="hint" [id]="hintId(i)">{{ option.hint }}</span>
            }
          </div>
        }
      </div>
      @if (error()) {
        <p class="field-error" [id]="errorId()" data-testid="field-error" [attr.data-field]="q.id">
          <span aria-hidden="true">⚠ </span>{{ error() }}
        </p>
      }
    </fieldset>
  `,
})
export class QuestionField {
  readonly question = input.required<Question>();
  readonly value = input<AnswerValue | undefined>(undefined);
  readonly error = input<string | null | undefined>(null);
  /** Shown above the question inside the legend, e.g. "Step 2 of 6". */
  readonly eyebrow = input('');
  /** Keeps ids unique when one page shows the same question twice. */
  readonly idPrefix = input('q');
  readonly valueChange = output<AnswerValue>();

  private readonly legend = viewChild.required<ElementRef<HTMLElement>>('legend');

  protected readonly name = computed(() => `${this.idPrefix()}-${this.question().id}`);
  protected readonly helpId = computed(() => `${this.name()}-help`);
  protected readonly errorId = computed(() => `${this.name()}-error`);

  /** Moves focus to the question, so a screen reader announces it. */
  focus(): void {
    this.legend().nativeElement.focus();
  }

  protected optionId(index: number): string {
    return `${this.name()}-${index}`;
  }

  protected hintId(index: number): string {
    return `${this.optionId(index)}-hint`;
  }

  protected describedBy(option: QuestionOption, index: number): string | null {
    const ids = [option.hint ? this.hintId(index) : '', this.error() ? this.errorId() : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  }

  protected isChecked(option: QuestionOption): boolean {
    const value = this.value();
    if (Array.isArray(value)) return typeof option.value === 'string' && value.includes(option.value);
    return value === option.value;
  }

  protected choose(option: QuestionOption): void {
    this.valueChange.emit(option.value);
  }

  protected toggle(event: Event): void {
    // Read every box of this group from the DOM: it is current even when two
    // changes arrive before the parent's answer flows back in. Keeps the
    // questionnaire's order, whatever order the boxes were ticked in.
    const group = (event.target as HTMLInputElement).closest('fieldset');
    const boxes = Array.from(group?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]') ?? []);
    const selected = this.question()
      .options.filter((_option, index) => boxes[index]?.checked)
      .map((option) => option.value)
      .filter((value): value is string => typeof value === 'string');
    this.valueChange.emit(selected);
  }
}
