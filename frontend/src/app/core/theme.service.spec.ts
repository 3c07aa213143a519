import { TestBed } from '@angular/core/testing';
import { ThemeService } from './theme.service';

describe('ThemeService', () => {
  beforeEach(() => {
    localStorage.clear();
    document.documentElement.removeAttribute('data-theme');
  });

  it('follows the system by default', () => {
    const theme = TestBed.inject(ThemeService);
    expect(theme.mode()).toBe('system');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });

  it('applies and remembers a chosen theme', () => {
    const theme = TestBed.inject(ThemeService);
    theme.set('dark');
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem('lectern.theme')).toBe('dark');
    theme.set('system');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(localStorage.getItem('lectern.theme')).toBeNull();
    theme.set('purple');
    expect(theme.mode()).toBe('system');
  });

  it('restores the stored theme', () => {
    localStorage.setItem('lectern.theme', 'light');
    expect(TestBed.inject(ThemeService).mode()).toBe('light');
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
  });
});
