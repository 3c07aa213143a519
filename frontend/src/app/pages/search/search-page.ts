import { isPlatformBrowser } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  PLATFORM_ID,
  computed,
  inject,
  linkedSignal,
  signal,
  viewChild,
  viewChildren,
} from '@angular/core';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, type ParamMap, Router, RouterLink } from '@angular/router';
import {
  SEARCH_LAYERS,
  SEARCH_QUERY_MAX_LENGTH,
  type SearchLayer,
  type SearchMode,
  type SearchRequest,
  type SearchResponse,
} from '@lectern/api-types';
import { BehaviorSubject, type Observable, catchError, combineLatest, distinctUntilChanged, map, of, startWith, switchMap } from 'rxjs';
import { ContentApi } from '../../content/content.api';
import { layerBadges } from '../../content/layers';
import { apiErrorOf, statusOf } from '../../core/http-errors';
import { PageMeta } from '../../core/page-meta';
import { SearchApi } from '../../search/search.api';
import { snippetHtml } from '../../search/snippet';

/** Typing waits this long for a pause before searching. */
export const SEARCH_DEBOUNCE_MS = 250;

const MODE_LABELS: Record<SearchMode, string> = { hybrid: 'hybrid', fulltext: 'full-text' };

/** What the URL asks for: `/search?q=…&layer=L2&part=ros2-fundamentals`. */
interface SearchParams {
  q: string;
  layer: SearchLayer | '';
  part: string;
}

type SearchState =
  | { kind: 'empty' }
  | { kind: 'loading'; query: string }
  | { kind: 'done'; query: string; response: SearchResponse }
  | { kind: 'error'; query: string; message: string };

function isLayer(value: string | null): value is SearchLayer {
  return (SEARCH_LAYERS as readonly (string | null)[]).includes(value);
}

function paramsOf(map: ParamMap): SearchParams {
  const layer = map.get('layer');
  return { q: (map.get('q') ?? '').trim(), layer: isLayer(layer) ? layer : '', part: map.get('part') ?? '' };
}

function requestOf(params: SearchParams): SearchRequest | null {
  if (!params.q) return null;
  return {
    query: params.q,
    ...(params.layer ? { layer: params.layer } : {}),
    ...(params.part ? { partSlug: params.part } : {}),
  };
}

function failure(error: unknown): string {
  const status = statusOf(error);
  if (status === 400) return apiErrorOf(error)?.message ?? 'This search cannot be run. Try other words.';
  if (status === 0) return 'Lectern could not be reached. Check your connection and try again.';
  return 'Search is not available right now. Please try again in a moment.';
}

/**
 * Search the book. The URL holds the search (`q`, `layer`, `part`), so it can
 * be shared and survives a reload; typing updates it after a short pause and
 * each new search cancels the one in flight. Results are links to the lesson
 * at the matching section; the arrow keys move through them.
 */
@Component({
  selector: 'lx-search-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './search-page.html',
  styleUrl: './search-page.css',
})
export class SearchPage {
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly api = inject(SearchApi);
  private readonly content = inject(ContentApi);
  private readonly browser = isPlatformBrowser(inject(PLATFORM_ID));

  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  protected readonly params = toSignal(this.route.queryParamMap.pipe(map(paramsOf)), { requireSync: true });

  /** The text in the box: follows the URL, except while the learner is typing. */
  protected readonly draft = signal(this.params().q);
  /** The query this page last wrote to the URL (or read from it). */
  private committed = this.params().q;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly retries = new BehaviorSubject(0);

  /** The book, for the filters' names and each result's layer; search works without it. */
  private readonly book = rxResource({ id: 'lx-book', stream: () => this.content.book().pipe(catchError(() => of(null))) });

  protected readonly layerOptions = computed(() => {
    const layers = this.book.hasValue() ? (this.book.value()?.layers ?? []) : [];
    return SEARCH_LAYERS.map((id) => {
      const label = layers.find((l) => l.id === id)?.label;
      return { id, text: label ? `${id} · ${label}` : id };
    });
  });

  protected readonly partOptions = computed(() =>
    (this.book.hasValue() ? (this.book.value()?.parts ?? []) : []).map((p) => ({ slug: p.slug, text: `Part ${p.number} · ${p.title}` })),
  );

  /** lessonSlug → its layer (results carry no layer). */
  private readonly lessonLayers = computed(() => {
    const book = this.book.hasValue() ? this.book.value() : null;
    const layers = new Map<string, string>();
    for (const part of book?.parts ?? []) {
      for (const chapter of part.chapters) for (const lesson of chapter.lessons) if (lesson.layer !== null) layers.set(lesson.slug, lesson.layer);
    }
    return layers;
  });

  protected readonly state = toSignal(
    combineLatest([this.route.queryParamMap.pipe(map((m) => requestOf(paramsOf(m)))), this.retries]).pipe(
      distinctUntilChanged(([a, ra], [b, rb]) => ra === rb && JSON.stringify(a) === JSON.stringify(b)),
      // switchMap: a newer search unsubscribes the older one, which aborts its request.
      switchMap(([request]) => (request ? this.search(request) : of<SearchState>({ kind: 'empty' }))),
    ),
    { initialValue: { kind: 'empty' } as SearchState },
  );

  /** The answer shown: the latest one, kept on screen while the next search runs (no flicker while typing). */
  private readonly shown = linkedSignal<SearchState, Extract<SearchState, { kind: 'done' }> | null>({
    source: this.state,
    computation: (state, previous) => (state.kind === 'done' ? state : state.kind === 'loading' ? (previous?.value ?? null) : null),
  });

  protected readonly results = computed(() => {
    const state = this.shown();
    if (!state) return [];
    const book = this.book.hasValue() ? this.book.value() : null;
    const layers = this.lessonLayers();
    return state.response.results.map((r) => {
      const layer = layers.get(r.lessonSlug);
      return {
        ...r,
        fragment: r.anchor || undefined,
        /** The opened lesson marks the search's words in the section. */
        queryParams: { highlight: state.query },
        html: snippetHtml(r.snippet),
        layerBadges: layer && book ? layerBadges(layer, book.layers) : [],
      };
    });
  });

  protected readonly modeLabel = computed(() => {
    const state = this.shown();
    return state ? MODE_LABELS[state.response.mode] : '';
  });

  protected readonly filtered = computed(() => !!(this.params().layer || this.params().part));

  /** The result that takes Tab (roving focus); the arrow keys move it. */
  protected readonly active = signal(0);
  private readonly queryInput = viewChild.required<ElementRef<HTMLInputElement>>('queryInput');
  private readonly resultLinks = viewChildren<ElementRef<HTMLAnchorElement>>('resultLink');

  constructor() {
    inject(PageMeta).set({ title: 'Search', description: 'Search the book: every lesson, section by section.', path: '/search' });
    // The URL changed from elsewhere (the header box, back/forward): show its query.
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((m) => {
      const { q } = paramsOf(m);
      if (q !== this.committed) {
        clearTimeout(this.timer); // what was being typed is replaced
        this.committed = q;
        this.draft.set(q);
      }
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  protected onInput(value: string): void {
    this.draft.set(value);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.commit(), SEARCH_DEBOUNCE_MS);
  }

  protected onSubmit(event: Event): void {
    event.preventDefault();
    void this.commit();
  }

  protected onLayer(value: string): void {
    void this.commit({ layer: isLayer(value) ? value : '' });
  }

  protected onPart(value: string): void {
    void this.commit({ part: value });
  }

  protected retry(): void {
    this.retries.next(this.retries.value + 1);
  }

  /** ArrowDown from the box goes to the first result. */
  protected onInputKeydown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' || this.results().length === 0) return;
    event.preventDefault();
    this.focusResult(0);
  }

  /** Arrow keys, Home and End move through the results; Enter opens one; ArrowUp from the first goes back to the box. */
  protected onResultKeydown(event: KeyboardEvent, index: number): void {
    const last = this.results().length - 1;
    switch (event.key) {
      case 'ArrowDown':
        this.focusResult(Math.min(index + 1, last));
        break;
      case 'ArrowUp':
        if (index === 0) this.queryInput().nativeElement.focus();
        else this.focusResult(index - 1);
        break;
      case 'Home':
        this.focusResult(0);
        break;
      case 'End':
        this.focusResult(last);
        break;
      case 'Enter': {
        const result = this.results()[index];
        if (!result || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // new tab/window: the browser's
        void this.router.navigate(['/lessons', result.lessonSlug], { fragment: result.fragment, queryParams: result.queryParams });
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  }

  private focusResult(index: number): void {
    this.active.set(index);
    this.resultLinks()[index]?.nativeElement.focus();
  }

  /** Writes the search into the URL (replacing the entry: typing does not fill the history). */
  private async commit(change: Partial<SearchParams> = {}): Promise<void> {
    clearTimeout(this.timer);
    const next = { ...this.params(), q: this.draft().trim(), ...change };
    this.committed = next.q;
    await this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { q: next.q || null, layer: next.layer || null, part: next.part || null },
      replaceUrl: true,
    });
  }

  private search(request: SearchRequest): Observable<SearchState> {
    // The server renders the page's shell; the search itself runs in the browser.
    if (!this.browser) return of<SearchState>({ kind: 'loading', query: request.query });
    return this.api.search(request).pipe(
      map((response): SearchState => {
        this.active.set(0);
        return { kind: 'done', query: request.query, response };
      }),
      catchError((error: unknown) => of<SearchState>({ kind: 'error', query: request.query, message: failure(error) })),
      startWith<SearchState>({ kind: 'loading', query: request.query }),
    );
  }
}
