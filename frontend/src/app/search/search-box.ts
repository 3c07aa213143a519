import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { Router } from '@angular/router';
import { SEARCH_QUERY_MAX_LENGTH } from '@lectern/api-types';

/** Ctrl+K, or ⌘+K on a Mac: the usual "go to search" shortcut. */
export function isSearchShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/**
 * The header's search box. Ctrl+K / ⌘+K focuses it from anywhere (also from
 * another text field: that is the convention); Enter opens /search?q=…;
 * Escape clears it and gives focus back to the page.
 */
@Component({
  selector: 'lx-search-box',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onDocumentKeydown($event)' },
  styles: `
    :host {
      display: block;
    }

    form {
      position: relative;
      display: flex;
      align-items: center;
    }

    input {
      width: 100%;
      min-width: 10rem;
      min-height: 2.75rem;
      padding: 0 3.25rem 0 0.75rem;
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--surface);
      color: var(--text);
      font: inherit;
    }

    kbd {
      position: absolute;
      inset-inline-end: 0.5rem;
      padding: 0.05rem 0.375rem;
      border: 1px solid var(--border-subtle);
      border-radius: 0.25rem;
      color: var(--muted);
      font: inherit;
      font-size: 0.75rem;
      pointer-events: none;
    }

    input:focus + kbd {
      display: none;
    }
  `,
  template: `
    <form role="search" aria-label="Book" (submit)="submit($event)">
      <label for="header-search" class="visually-hidden">Search the book</label>
      <input
        #input
        id="header-search"
        type="search"
        name="q"
        data-testid="search-box"
        placeholder="Search the book"
        autocomplete="off"
        enterkeyhint="search"
        aria-keyshortcuts="Control+K Meta+K"
        [maxLength]="maxLength"
        [value]="query()"
        (input)="query.set(input.value)"
        (keydown.escape)="clear($event)"
      />
      <kbd aria-hidden="true">{{ shortcutHint }}</kbd>
    </form>
  `,
})
export class SearchBox {
  private readonly router = inject(Router);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('input');

  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly query = signal('');
  protected readonly shortcutHint = /Mac|iPhone|iPad/i.test(inject(DOCUMENT).defaultView?.navigator.platform ?? '') ? '⌘K' : 'Ctrl K';

  /** Focuses the box (and selects what is in it). */
  focus(): void {
    const input = this.input().nativeElement;
    input.focus();
    input.select();
  }

  protected onDocumentKeydown(event: KeyboardEvent): void {
    if (!isSearchShortcut(event) || event.defaultPrevented) return;
    event.preventDefault(); // the browser's own Ctrl+K (search the web) is not wanted here
    this.focus();
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    const q = this.query().trim();
    this.reset();
    await this.router.navigate(['/search'], { queryParams: q ? { q } : {} });
  }

  protected clear(event: Event): void {
    event.preventDefault();
    this.reset();
  }

  /** Empties the box and hands focus back to the page. */
  private reset(): void {
    const input = this.input().nativeElement;
    this.query.set('');
    input.value = '';
    input.blur();
  }
}
