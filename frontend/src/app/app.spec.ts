import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { SessionService } from './core/session.service';
import { byTestId } from './testing/fixtures';

describe('App shell', () => {
  async function render(status: 'ready' | 'error' = 'ready'): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: SessionService, useValue: { status: signal(status), blockedUrl: signal(null) } }],
    });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  beforeEach(() => localStorage.clear());

  it('links the pages: Home, Book, Search, Progress and Profile', async () => {
    const root = await render();
    const links = Array.from(root.querySelectorAll('nav a'));
    expect(links.map((a) => a.textContent?.trim())).toEqual(['Home', 'Book', 'Search', 'Progress', 'Profile']);
    expect(byTestId(root, 'nav-home').getAttribute('href')).toBe('/');
    expect(byTestId(root, 'nav-book').getAttribute('href')).toBe('/book');
    expect(byTestId(root, 'nav-search').getAttribute('href')).toBe('/search');
    expect(byTestId(root, 'nav-progress').getAttribute('href')).toBe('/progress');
    expect(byTestId(root, 'nav-profile').getAttribute('href')).toBe('/profile');
  });

  it('shows a sign-in link in the header while the learner has no account', async () => {
    const root = await render('error');
    expect(byTestId(root, 'session-indicator').textContent?.trim()).toBe('Sign in');
    expect(byTestId(root, 'session-indicator').getAttribute('href')).toBe('/sign-in');
  });

  it('has a search button in the header, in a search landmark', async () => {
    const root = await render();
    const box = byTestId<HTMLButtonElement>(root, 'search-box');
    expect(box.closest('header')).not.toBeNull();
    expect(box.closest('[role="search"]')).not.toBeNull();
    expect(box.getAttribute('aria-label')).toBe('Search the book');
  });

  it('starts with a skip link that moves focus to the main content', async () => {
    const root = await render();
    const skip = root.querySelector('a');
    expect(skip?.textContent).toContain('Skip to content');
    skip?.click();
    expect(document.activeElement?.id).toBe('main');
  });

  it('offers a labelled light/dark/system theme choice', async () => {
    const root = await render();
    const select = byTestId<HTMLSelectElement>(root, 'theme-toggle');
    expect(root.querySelector(`label[for="${select.id}"]`)?.textContent).toContain('Theme');
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['system', 'light', 'dark']);
    select.value = 'dark';
    select.dispatchEvent(new Event('change'));
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem('lectern.theme')).toBe('dark');
    document.documentElement.removeAttribute('data-theme');
  });

  it('says when Lectern cannot be reached', async () => {
    const root = await render('error');
    expect(byTestId(root, 'session-error').textContent).toContain('could not be reached');
  });
});
