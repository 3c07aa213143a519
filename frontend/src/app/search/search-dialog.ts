import { DialogRef } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  linkedSignal,
  signal,
  viewChild,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import { SEARCH_QUERY_MAX_LENGTH, type SearchResult } from '@lectern/api-types';
import { type Observable, catchError, debounceTime, distinctUntilChanged, map, of, startWith, switchMap } from 'rxjs';
import { apiErrorOf, statusOf } from '../core/http-errors';
import { RecentSearches } from './recent-searches';
import { SearchApi } from './search.api';
import { snippetHtml } from './snippet';

/** Typing waits this long for a pause before searching. */
export const SEARCH_DIALOG_DEBOUNCE_MS = 200;
/** Results shown in the pop-up (the search page has more, and the filters). */
export const SEARCH_DIALOG_LIMIT = 8;

type DialogState =
  | { kind: 'idle' }
  | { kind: 'loading'; query: string }
  | { kind: 'done'; query: string; results: SearchResult[] }
  | { kind: 'error'; query: string; message: string };

type Option = { kind: 'result'; result: SearchResult & { html: string } } | { kind: 'recent'; query: string };

function normalize(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

function failure(error: unknown): string {
  const status = statusOf(error);
  if (status === 400) return apiErrorOf(error)?.message ?? 'This search cannot be run. Try other words.';
  if (status === 0) return 'Lectern could not be reached. Check your connection and try again.';
  return 'Search is not available right now. Please try again in a moment.';
}

/**
 * The search pop-up (Ctrl/⌘+K), opened by SearchBox through Angular CDK's
 * Dialog (modal, focus trapped inside, Escape or the backdrop close it, focus
 * goes back to what had it). Results come as the learner types (debounced;
 * a newer search cancels the one in flight). The input is an ARIA combobox:
 * ↑/↓ move through the results (or the recent searches, while the box is
 * empty), Enter opens the one marked, or the full search page when none is.
 * An opened result goes to its section with the words highlighted there.
 */
@Component({
  selector: 'lx-search-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      width: min(40rem, calc(100vw - 1.5rem));
      max-height: min(36rem, calc(100dvh - 4rem));
      border: 1px solid var(--border);
      border-radius: var(--radius);
      background: var(--surface);
      color: var(--text);
      box-shadow: 0 1rem 3rem rgb(0 0 0 / 25%);
      overflow: hidden;
    }

    .field {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.75rem;
      border-bottom: 1px solid var(--border-subtle);
    }

    input {
      flex: 1;
      min-width: 0;
      min-height: 2.75rem;
      padding: 0 0.75rem;
      border: 1px solid var(--border);
      border-radius: 0.5rem;
      background: var(--surface);
      color: var(--text);
      font: inherit;
      font-size: 1.0625rem;
    }

    .close {
      min-height: 2.75rem;
      padding: 0 0.75rem;
      border: 1px solid var(--border-subtle);
      border-radius: 0.5rem;
      background: transparent;
      color: var(--muted);
      font: inherit;
      font-size: 0.875rem;
      cursor: pointer;
    }

    .body {
      flex: 1;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: 0.5rem 0.75rem;
    }

    h2 {
      margin: 0.25rem 0 0.5rem;
      color: var(--muted);
      font-size: 0.8125rem;
      font-weight: 600;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }

    ul {
      display: grid;
      gap: 0.25rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }

    [role='option'] {
      border-radius: 0.5rem;
      cursor: pointer;
    }

    [role='option'][aria-selected='true'] {
      outline: 2px solid var(--accent);
      background: var(--accent-soft);
    }

    .result {
      display: grid;
      gap: 0.125rem;
      padding: 0.5rem 0.75rem;
      color: var(--text);
      text-decoration: none;
    }

    .result-title {
      color: var(--accent);
      font-weight: 700;
    }

    .result-heading {
      font-weight: 600;
    }

    .snippet {
      color: var(--muted);
      font-size: 0.9375rem;
    }

    .recent {
      display: block;
      padding: 0.5rem 0.75rem;
    }

    .message {
      margin: 0.75rem 0.25rem;
    }

    footer {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.25rem 1rem;
      padding: 0.5rem 0.75rem;
      border-top: 1px solid var(--border-subtle);
      font-size: 0.875rem;
    }

    kbd {
      padding: 0 0.3rem;
      border: 1px solid var(--border-subtle);
      border-radius: 0.25rem;
      font: inherit;
    }

    @media (max-width: 30rem) {
      .keys {
        display: none;
      }
    }
  `,
  template: `
    <div class="field">
      <label for="lx-search-dialog-input" class="visually-hidden">Search the book</label>
      <input
        #input
        id="lx-search-dialog-input"
        type="search"
        role="combobox"
        data-testid="search-dialog-input"
        autocomplete="off"
        enterkeyhint="search"
        placeholder="Search the book"
        aria-autocomplete="list"
        aria-controls="lx-search-listbox"
        [attr.aria-expanded]="options().length > 0"
        [attr.aria-activedescendant]="active() >= 0 && options().length ? 'lx-search-option-' + active() : null"
        [maxLength]="maxLength"
        [value]="query()"
        (input)="query.set(input.value)"
        (keydown)="onKeydown($event)"
      />
      <button type="button" class="close" data-testid="search-dialog-close" aria-label="Close search" (click)="close()">Esc</button>
    </div>
    <p class="visually-hidden" role="status" aria-live="polite" data-testid="search-dialog-status">{{ status() }}</p>

    @let s = shown();
    <div class="body" [attr.aria-busy]="state().kind === 'loading'">
      @if (!current()) {
        @if (recent().length) {
          <h2 id="lx-search-recent-title">Recent searches</h2>
          <ul id="lx-search-listbox" role="listbox" aria-labelledby="lx-search-recent-title" data-testid="search-dialog-recent">
            @for (q of recent(); track q; let i = $index) {
              <li
                role="option"
                class="recent"
                [id]="'lx-search-option-' + i"
                [attr.aria-selected]="i === active()"
                data-testid="search-dialog-recent-item"
                tabindex="-1"
                (click)="pick(i)"
                (keydown.enter)="pick(i)"
                (mousemove)="active.set(i)"
              >
                {{ q }}
              </li>
            }
          </ul>
        } @else {
          <p class="message muted" data-testid="search-dialog-hint">Type a question or keywords: the sections about it show as you type.</p>
        }
      } @else if (s && s.results.length) {
        <ul id="lx-search-listbox" role="listbox" aria-label="Results" data-testid="search-dialog-results">
          @for (r of results(); track $index; let i = $index) {
            <li
              role="option"
              [id]="'lx-search-option-' + i"
              [attr.aria-selected]="i === active()"
              data-testid="search-dialog-result"
              [attr.data-slug]="r.lessonSlug"
              [attr.data-anchor]="r.anchor"
              (mousemove)="active.set(i)"
            >
              <a
                class="result"
                tabindex="-1"
                [routerLink]="['/lessons', r.lessonSlug]"
                [queryParams]="{ highlight: s.query }"
                [fragment]="r.anchor || undefined"
                (click)="opened(s.query)"
              >
                <span class="result-title">{{ r.lessonTitle }}</span>
                @if (r.heading) {
                  <span class="result-heading"><span aria-hidden="true">› </span>{{ r.heading }}</span>
                }
                <span class="snippet" [innerHTML]="r.html"></span>
              </a>
            </li>
          }
        </ul>
      } @else if (s) {
        <div class="message" data-testid="search-dialog-empty">
          <p>No section of the book matches “{{ s.query }}”.</p>
          <p class="muted">Check the spelling, or try fewer or other words.</p>
        </div>
      } @else if (state(); as st) {
        @if (st.kind === 'error') {
          <p class="message notice notice-error" role="alert" data-testid="search-dialog-error">{{ st.message }}</p>
        } @else {
          <p class="message muted">Searching…</p>
        }
      }
    </div>

    <footer>
      @if (current()) {
        <a data-testid="search-dialog-all" [routerLink]="['/search']" [queryParams]="{ q: current() }" (click)="opened(current())"
          >All results and filters</a
        >
      } @else {
        <a [routerLink]="['/search']" (click)="close()">Search with filters</a>
      }
      <span class="keys muted" aria-hidden="true"><kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close</span>
    </footer>
  `,
})
export class SearchDialog {
  private readonly dialogRef = inject(DialogRef);
  private readonly router = inject(Router);
  private readonly api = inject(SearchApi);
  private readonly recentSearches = inject(RecentSearches);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('input');
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly query = signal('');
  /** The query as it is searched (spaces folded); empty shows the recent searches. */
  protected readonly current = computed(() => normalize(this.query()));
  protected readonly recent = signal(this.recentSearches.list());

  protected readonly state = toSignal(
    toObservable(this.current).pipe(
      debounceTime(SEARCH_DIALOG_DEBOUNCE_MS),
      distinctUntilChanged(),
      // switchMap: a newer search unsubscribes the older one, which aborts its request.
      switchMap((query): Observable<DialogState> => (query ? this.search(query) : of({ kind: 'idle' }))),
    ),
    { initialValue: { kind: 'idle' } as DialogState },
  );

  /** The answer on screen: the latest, kept while the next one loads (no flicker while typing). */
  protected readonly shown = linkedSignal<DialogState, Extract<DialogState, { kind: 'done' }> | null>({
    source: this.state,
    computation: (state, previous) => (state.kind === 'done' ? state : state.kind === 'loading' ? (previous?.value ?? null) : null),
  });

  protected readonly results = computed(() => (this.shown()?.results ?? []).map((r) => ({ ...r, html: snippetHtml(r.snippet) })));

  protected readonly options = computed<Option[]>(() => {
    if (!this.current()) return this.recent().map((query) => ({ kind: 'recent', query }));
    return this.results().map((result) => ({ kind: 'result', result }));
  });

  /** The option marked (aria-activedescendant): none until the learner moves to one. */
  protected readonly active = linkedSignal({ source: this.options, computation: () => -1 });

  protected readonly status = computed(() => {
    if (!this.current()) return '';
    const state = this.state();
    if (state.kind === 'loading') return 'Searching…';
    if (state.kind === 'error') return state.message;
    const n = this.results().length;
    if (state.kind === 'done') return n === 0 ? 'No section matches' : n === 1 ? '1 section found' : `${n} sections found`;
    return '';
  });

  constructor() {
    afterNextRender(() => this.input().nativeElement.focus());
    // The option marked stays in view when the list scrolls.
    afterRenderEffect(() => {
      const index = this.active();
      if (index < 0) return;
      this.host.querySelector(`#lx-search-option-${index}`)?.scrollIntoView?.({ block: 'nearest' });
    });
  }

  protected onKeydown(event: KeyboardEvent): void {
    const count = this.options().length;
    switch (event.key) {
      case 'ArrowDown':
        if (!count) return;
        this.active.set((this.active() + 1) % count);
        break;
      case 'ArrowUp':
        if (!count) return;
        this.active.set(this.active() <= 0 ? count - 1 : this.active() - 1);
        break;
      case 'Enter':
        if (event.isComposing) return;
        if (this.active() >= 0 && count) this.pick(this.active());
        else void this.searchPage();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  /** Opens the option: a result's section, or a recent search run again. */
  protected pick(index: number): void {
    const option = this.options()[index];
    if (!option) return;
    if (option.kind === 'recent') {
      this.query.set(option.query);
      this.input().nativeElement.focus();
      return;
    }
    const query = this.shown()?.query ?? this.current();
    const { lessonSlug, anchor } = option.result;
    this.opened(query);
    void this.router.navigate(['/lessons', lessonSlug], { queryParams: { highlight: query }, fragment: anchor || undefined });
  }

  protected close(): void {
    this.dialogRef.close();
  }

  /** A search the learner went on with: remembered, and the pop-up closes. */
  protected opened(query: string): void {
    this.recentSearches.add(query);
    this.close();
  }

  private async searchPage(): Promise<void> {
    const q = this.current();
    this.opened(q);
    await this.router.navigate(['/search'], { queryParams: q ? { q } : {} });
  }

  private search(query: string): Observable<DialogState> {
    return this.api.search({ query, limit: SEARCH_DIALOG_LIMIT }).pipe(
      map((response): DialogState => ({ kind: 'done', query, results: response.results })),
      catchError((error: unknown) => of<DialogState>({ kind: 'error', query, message: failure(error) })),
      startWith<DialogState>({ kind: 'loading', query }),
    );
  }
}
