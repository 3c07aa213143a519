import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { byTestId, settle } from '../testing/fixtures';
import { SearchBox } from './search-box';

@Component({ selector: 'lx-host', imports: [SearchBox], template: '<input data-testid="other-field" /><lx-search-box />' })
class Host {}

@Component({ template: 'page' })
class Page {}

describe('SearchBox', () => {
  let root: HTMLElement;
  let router: Router;

  async function render(): Promise<void> {
    TestBed.configureTestingModule({ providers: [provideRouter([{ path: 'search', component: Page }, { path: '**', component: Page }])] });
    await RouterTestingHarness.create('/book');
    router = TestBed.inject(Router);
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    root = fixture.nativeElement as HTMLElement;
    document.body.append(root);
  }

  afterEach(() => root.remove());

  const box = () => byTestId<HTMLInputElement>(root, 'search-box');
  const shortcut = (init: KeyboardEventInit, target: EventTarget = document.body) => {
    const event = new KeyboardEvent('keydown', { key: 'k', bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event;
  };

  it('is a labelled input in a search form that names its shortcut', async () => {
    await render();
    expect(box().closest('form')?.getAttribute('role')).toBe('search');
    expect(root.querySelector(`label[for="${box().id}"]`)?.textContent?.trim()).toBe('Search the book');
    expect(box().getAttribute('aria-keyshortcuts')).toBe('Control+K Meta+K');
  });

  it('is focused by Ctrl+K from anywhere, also from another text field', async () => {
    await render();
    const other = byTestId<HTMLInputElement>(root, 'other-field');
    other.focus();
    const event = shortcut({ ctrlKey: true }, other);
    expect(event.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(box());
  });

  it('is focused by ⌘+K (Meta) too, and by Ctrl+Shift+K or a plain K not at all', async () => {
    await render();
    expect(shortcut({ metaKey: true, key: 'K' }).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(box());
    box().blur();
    expect(shortcut({ ctrlKey: true, shiftKey: true }).defaultPrevented).toBe(false);
    expect(shortcut({}).defaultPrevented).toBe(false);
    expect(document.activeElement).not.toBe(box());
  });

  it('opens /search?q=… on Enter', async () => {
    await render();
    box().value = '  how robots balance ';
    box().dispatchEvent(new Event('input'));
    box().closest('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(router.url).toBe('/search?q=how%20robots%20balance');
    expect(box().value).toBe('');
  });

  it('clears and leaves the box on Escape', async () => {
    await render();
    box().focus();
    box().value = 'robot';
    box().dispatchEvent(new Event('input'));
    box().dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(box().value).toBe('');
    expect(document.activeElement).not.toBe(box());
  });
});
