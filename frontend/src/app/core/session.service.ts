import { HttpClient } from '@angular/common/http';
import { isPlatformBrowser } from '@angular/common';
import { Injectable, PLATFORM_ID, computed, inject, signal } from '@angular/core';
import type { CreateUserResponse, UserDto } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { statusOf } from './http-errors';
import { STORAGE_KEYS, readStored, writeStored } from './storage';

export type SessionStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The anonymous learner of this browser. On first use it restores the learner
 * from localStorage (token + user id) or creates one; a stored identity the
 * server rejects (401, or 403/404 for an id that is not the token's) is
 * replaced by a fresh learner. Network and server failures are not: the
 * session reports `error` and can be retried.
 */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly http = inject(HttpClient);
  private readonly browser = isPlatformBrowser(inject(PLATFORM_ID));

  private readonly tokenState = signal<string | null>(readStored(STORAGE_KEYS.token));
  private readonly userState = signal<UserDto | null>(null);
  private readonly statusState = signal<SessionStatus>('idle');
  private readonly blockedUrlState = signal<string | null>(null);
  private pending: Promise<UserDto> | null = null;

  /** Bearer token sent on every API call (see authInterceptor). */
  readonly token = this.tokenState.asReadonly();
  readonly user = this.userState.asReadonly();
  readonly status = this.statusState.asReadonly();
  readonly onboarded = computed(() => this.userState()?.onboardingCompleted === true);
  /** The navigation that was waiting for the session when it failed. */
  readonly blockedUrl = this.blockedUrlState.asReadonly();

  /** The current learner, restoring or creating it on first call. */
  ensure(): Promise<UserDto> {
    // A server-side render is nobody's: learner data loads in the browser, after hydration.
    if (!this.browser) return Promise.reject(new Error('No learner during a server-side render'));
    const user = this.userState();
    if (user) return Promise.resolve(user);
    if (!this.pending) {
      this.statusState.set('loading');
      this.pending = this.restoreOrCreate().then(
        (restored) => {
          this.userState.set(restored);
          this.statusState.set('ready');
          this.blockedUrlState.set(null);
          return restored;
        },
        (error: unknown) => {
          this.pending = null;
          this.statusState.set('error');
          throw error;
        },
      );
    }
    return this.pending;
  }

  /** Called once POST /api/onboarding succeeded. */
  markOnboarded(): void {
    this.userState.update((user) => (user ? { ...user, onboardingCompleted: true } : user));
  }

  /**
   * Switches to a session the server just issued (sign-up, sign-in): stores
   * the token and loads that learner (the same one after a sign-up, the
   * account after a sign-in).
   */
  async adopt(token: string, userId: string): Promise<UserDto> {
    writeStored(STORAGE_KEYS.token, token);
    writeStored(STORAGE_KEYS.userId, userId);
    this.tokenState.set(token);
    this.userState.set(null);
    this.pending = null;
    return this.ensure();
  }

  /** After sign-out or deletion: forgets the token; the next use starts a fresh anonymous learner. */
  async reset(): Promise<UserDto> {
    this.forget();
    this.userState.set(null);
    this.pending = null;
    return this.ensure();
  }

  /** Remembers which URL to retry once the session can be established. */
  noteBlocked(url: string): void {
    this.blockedUrlState.set(url);
  }

  private async restoreOrCreate(): Promise<UserDto> {
    const token = this.tokenState();
    const userId = readStored(STORAGE_KEYS.userId);
    if (token && userId) {
      try {
        return await firstValueFrom(this.http.get<UserDto>(`/api/user/${encodeURIComponent(userId)}`));
      } catch (error) {
        if (![401, 403, 404].includes(statusOf(error))) throw error;
      }
    }
    this.forget();
    return this.create();
  }

  private async create(): Promise<UserDto> {
    const created = await firstValueFrom(this.http.post<CreateUserResponse>('/api/user/create', null));
    writeStored(STORAGE_KEYS.token, created.token);
    writeStored(STORAGE_KEYS.userId, created.user.id);
    this.tokenState.set(created.token);
    return created.user;
  }

  private forget(): void {
    writeStored(STORAGE_KEYS.token, null);
    writeStored(STORAGE_KEYS.userId, null);
    this.tokenState.set(null);
  }
}
