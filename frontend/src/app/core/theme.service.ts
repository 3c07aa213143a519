import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';
import { STORAGE_KEYS, readStored, writeStored } from './storage';

export const THEME_MODES = ['system', 'light', 'dark'] as const;
export type ThemeMode = (typeof THEME_MODES)[number];

function isThemeMode(value: unknown): value is ThemeMode {
  return typeof value === 'string' && (THEME_MODES as readonly string[]).includes(value);
}

/**
 * Light, dark or the system's preference (the default). The choice is kept in
 * localStorage and applied as `data-theme` on <html>; styles.css does the rest.
 * index.html applies a stored choice before first paint.
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly root = inject(DOCUMENT).documentElement;
  private readonly modeState = signal<ThemeMode>(this.stored());
  readonly mode = this.modeState.asReadonly();

  constructor() {
    this.apply(this.modeState());
  }

  set(mode: string): void {
    if (!isThemeMode(mode)) return;
    this.modeState.set(mode);
    writeStored(STORAGE_KEYS.theme, mode === 'system' ? null : mode);
    this.apply(mode);
  }

  private apply(mode: ThemeMode): void {
    if (mode === 'system') this.root.removeAttribute('data-theme');
    else this.root.setAttribute('data-theme', mode);
  }

  private stored(): ThemeMode {
    const value = readStored(STORAGE_KEYS.theme);
    return isThemeMode(value) ? value : 'system';
  }
}
