import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map, skip } from 'rxjs';
import { AccountService } from './account/account.service';
import { SessionService } from './core/session.service';
import { THEME_MODES, ThemeService } from './core/theme.service';
import { SearchBox } from './search/search-box';
import { SiteDrawer } from './shell/site-drawer';
import { AskButton } from './tutor/ask-button';
import { TutorPanel } from './tutor/tutor-panel';
import { TutorPanelState } from './tutor/tutor-panel.state';

/** The app shell: skip link, header navigation, search box (Ctrl/⌘+K), theme choice, main content. */
@Component({
  selector: 'lx-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, SearchBox, AskButton, TutorPanel, SiteDrawer],
  templateUrl: './app.html',
  styleUrl: './app.css',
})
export class App {
  protected readonly session = inject(SessionService);
  protected readonly theme = inject(ThemeService);
  protected readonly account = inject(AccountService);
  /** The tutor panel's code loads when it is first opened, and the panel then stays (it keeps its thread while closed). */
  protected readonly tutor = inject(TutorPanelState);
  protected readonly themeModes = THEME_MODES;
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');
  private readonly menuButton = viewChild.required<ElementRef<HTMLButtonElement>>('menuButton');

  /** The phone menu (a drawer, loaded the first time it opens). */
  protected readonly menuOpen = signal(false);
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map((event) => event.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  /** The lesson being read, for the menu's book contents. */
  protected readonly currentLesson = computed(() => {
    const match = /^\/lessons\/([^/?#]+)/.exec(this.url());
    return match ? decodeURIComponent(match[1]) : null;
  });
  protected readonly lessonLinkParams = computed<Record<string, string>>(() =>
    /[?&]view=personalized\b/.test(this.url()) ? { view: 'personalized' } : ({} as Record<string, string>),
  );

  constructor() {
    // The header's session indicator: who the learner's token belongs to, once there is a learner.
    effect(() => {
      if (this.session.status() === 'ready') untracked(() => void this.account.refresh());
    });
    // After an in-app navigation, focus the new page so screen readers and
    // keyboard users start at its content (the first load keeps focus alone).
    const subscription = this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        skip(1),
      )
      .subscribe(() => afterNextRender(() => this.focusMain(), { injector: this.injector }));
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.focusMain();
  }

  protected closeMenu(): void {
    if (!this.menuOpen()) return;
    this.menuOpen.set(false);
    // The focus trap gives focus back to what had it; make sure that is the menu button.
    afterNextRender(() => this.menuButton().nativeElement.focus({ preventScroll: true }), { injector: this.injector });
  }

  protected onThemeChange(event: Event): void {
    this.theme.set((event.target as HTMLSelectElement).value);
  }

  protected async retry(): Promise<void> {
    const url = this.session.blockedUrl() ?? this.router.url;
    await this.router.navigateByUrl(url);
  }

  private focusMain(): void {
    const main = this.main().nativeElement;
    const active = main.ownerDocument.activeElement;
    // An element a page asked to be focused (e.g. an onboarding step) keeps it.
    if (active !== main && main.contains(active)) return;
    main.focus({ preventScroll: true });
  }
}
