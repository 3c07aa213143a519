import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, UrlTree, provideRouter } from '@angular/router';
import { until } from '../testing/fixtures';
import { MarkdownRenderer } from './markdown-renderer.service';
import { MarkdownView } from './markdown-view';
import type { SanitizedHtml } from './sanitized-html';

@Component({
  imports: [MarkdownView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<lx-markdown data-testid="view" [html]="html()" />`,
})
class Host {
  readonly html = signal('' as SanitizedHtml);
}

const MARKDOWN = [
  '## Two',
  '',
  '[next lesson](/lessons/lab-try-with-ai#steps) · [ROS docs](https://docs.ros.org/) · [up](#two)',
  '',
  '```bash',
  'ros2 run demo talker',
  '```',
].join('\n');

describe('MarkdownView', () => {
  let root: HTMLElement;
  let navigate: ReturnType<typeof vi.spyOn>;
  let writeText: ReturnType<typeof vi.fn>;
  /** Whether the last click was taken over by the view (checked, then stopped, at the document). */
  let prevented: boolean | null;
  const recordAndStop = (event: Event) => {
    prevented = event.defaultPrevented;
    event.preventDefault(); // jsdom cannot navigate
  };

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.html.set(await TestBed.inject(MarkdownRenderer).render(MARKDOWN));
    root = fixture.nativeElement as HTMLElement;
    await until(() => !!root.querySelector('pre code'));
    prevented = null;
    document.addEventListener('click', recordAndStop);
  });

  afterEach(() => {
    document.removeEventListener('click', recordAndStop);
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  const link = (text: string) => Array.from(root.querySelectorAll('a')).find((a) => a.textContent === text) as HTMLAnchorElement;

  it('copies a code block and announces it', async () => {
    const button = root.querySelector<HTMLButtonElement>('[data-testid="copy-code"]') as HTMLButtonElement;
    button.click();
    await until(() => button.textContent === 'Copied');
    expect(writeText).toHaveBeenCalledWith('ros2 run demo talker');
    const status = root.querySelector('[role="status"]');
    expect(status?.getAttribute('aria-live')).toBe('polite');
    await until(() => status?.textContent?.trim() === 'Copied');
  });

  it('says so when the clipboard refuses', async () => {
    writeText.mockRejectedValue(new Error('denied'));
    root.querySelector<HTMLButtonElement>('[data-testid="copy-code"]')?.click();
    await until(() => !!root.querySelector('[role="status"]')?.textContent?.includes('Copying failed'));
  });

  it('follows links to lessons with the router', () => {
    link('next lesson').click();
    expect(prevented).toBe(true);
    expect(navigate).toHaveBeenCalledWith('/lessons/lab-try-with-ai#steps');
  });

  it('leaves external links and modified clicks to the browser', () => {
    const external = link('ROS docs');
    expect(external.target).toBe('_blank');
    external.click();
    expect(prevented).toBe(false);
    link('next lesson').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    expect(prevented).toBe(false);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('keeps in-page links on the current page', () => {
    link('up').click();
    expect(prevented).toBe(true);
    const target = navigate.mock.calls[0]?.[0];
    expect(target).toBeInstanceOf(UrlTree);
    expect((target as UrlTree).fragment).toBe('two');
  });
});
