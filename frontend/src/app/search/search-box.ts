import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, Injector, inject, signal } from '@angular/core';

/** Ctrl+K, or ⌘+K on a Mac: the usual "go to search" shortcut. */
export function isSearchShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/**
 * The header's search button. It, or Ctrl+K / ⌘+K from anywhere (also from
 * another text field: that is the convention), opens the search pop-up
 * (SearchDialog). The pop-up and Angular CDK's Dialog load the first time
 * it opens: no page pays for them before.
 */
@Component({
  selector: 'lx-search-box',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onDocumentKeydown($event)' },
  styles: `
    :host {
      display: block;
    }

    button {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      width: 100%;
      min-width: 2.75rem;
      min-height: 2.75rem;
      padding: 0 0.5rem 0 0.75rem;
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--surface);
      color: var(--muted);
      font: inherit;
      cursor: pointer;
    }

    button:hover {
      border-color: var(--accent);
    }

    .label {
      flex: 1;
      text-align: start;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }

    kbd {
      padding: 0.05rem 0.375rem;
      border: 1px solid var(--border-subtle);
      border-radius: 0.25rem;
      font: inherit;
      font-size: 0.75rem;
    }

    svg {
      flex: none;
      width: 1.125rem;
      height: 1.125rem;
    }

    /* Phones: the magnifier alone (its name stays for screen readers). */
    @media (max-width: 63.99rem) {
      button {
        justify-content: center;
        padding: 0;
      }

      .label,
      kbd {
        display: none;
      }
    }
  `,
  template: `
    <div role="search" aria-label="Book">
      <button
        type="button"
        data-testid="search-box"
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        aria-label="Search the book"
        [attr.aria-expanded]="open()"
        (click)="openDialog()"
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2" />
          <path d="m15.5 15.5 5 5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
        <span class="label" aria-hidden="true">Search the book</span>
        <kbd aria-hidden="true">{{ shortcutHint }}</kbd>
      </button>
    </div>
  `,
})
export class SearchBox {
  private readonly injector = inject(Injector);

  /** Whether the pop-up is open. */
  protected readonly open = signal(false);
  private opening: Promise<void> | null = null;
  protected readonly shortcutHint = /Mac|iPhone|iPad/i.test(inject(DOCUMENT).defaultView?.navigator?.platform ?? '') ? '⌘K' : 'Ctrl K';

  protected onDocumentKeydown(event: KeyboardEvent): void {
    if (!isSearchShortcut(event) || event.defaultPrevented) return;
    event.preventDefault(); // the browser's own Ctrl+K (search the web) is not wanted here
    void this.openDialog();
  }

  /** Opens the search pop-up (again: nothing; it is already open). Focus returns to where it was when it closes. */
  openDialog(): Promise<void> {
    if (this.open()) return Promise.resolve();
    this.opening ??= this.load().finally(() => (this.opening = null));
    return this.opening;
  }

  private async load(): Promise<void> {
    const [{ Dialog }, { createGlobalPositionStrategy }, { SearchDialog }] = await Promise.all([
      import('@angular/cdk/dialog'),
      import('@angular/cdk/overlay'),
      import('./search-dialog'),
    ]);
    if (this.open()) return;
    const ref = this.injector.get(Dialog).open(SearchDialog, {
      ariaLabel: 'Search the book',
      ariaModal: true,
      autoFocus: '#lx-search-dialog-input',
      restoreFocus: true, // back to what had focus (the button, or the page where Ctrl+K was pressed)
      hasBackdrop: true,
      closeOnNavigation: true,
      // Near the top (as search pop-ups are): the results grow downwards without moving the box.
      positionStrategy: createGlobalPositionStrategy(this.injector).top('8vh').centerHorizontally(),
    });
    this.open.set(true);
    ref.closed.subscribe(() => this.open.set(false));
  }
}
