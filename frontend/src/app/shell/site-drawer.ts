import { A11yModule } from '@angular/cdk/a11y';
import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, output } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { THEME_MODES, ThemeService } from '../core/theme.service';
import { BookNav } from '../reader/book-nav';

/** At this width and wider the header shows everything itself: the menu closes. */
export const WIDE_LAYOUT = '(min-width: 64rem)';

/**
 * The phone menu: a modal panel from the side with the main navigation, the
 * book's contents (on a lesson) and the theme. Focus is trapped inside while
 * it is open and returns to the menu button when it closes (CDK FocusTrap);
 * Escape, the backdrop, the close button and following a link close it.
 */
@Component({
  selector: 'lx-site-drawer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [A11yModule, RouterLink, RouterLinkActive, BookNav],
  host: { '(keydown.escape)': 'close($event)' },
  templateUrl: './site-drawer.html',
  styleUrl: './site-drawer.css',
})
export class SiteDrawer {
  /** The lesson being read, if any: its book contents are shown. */
  readonly lessonSlug = input<string | null>(null);
  readonly linkParams = input<Record<string, string>>({});
  readonly closed = output<void>();

  protected readonly theme = inject(ThemeService);
  protected readonly themeModes = THEME_MODES;

  constructor() {
    const subscription = inject(BreakpointObserver)
      .observe(WIDE_LAYOUT)
      .subscribe((state) => {
        if (state.matches) this.closed.emit();
      });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected close(event?: Event): void {
    event?.preventDefault();
    this.closed.emit();
  }

  protected onThemeChange(event: Event): void {
    this.theme.set((event.target as HTMLSelectElement).value);
  }
}
