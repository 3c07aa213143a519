import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type { AccountUserDto, AuthResponse, SessionDto, SignInRequest, SignUpRequest, UserExportDto } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { SessionService } from '../core/session.service';

/**
 * The account side of the learner: who is signed in (null email = anonymous),
 * sign-up, sign-in, sign-out, password reset, export and deletion. Tokens go
 * in the Authorization header only (the interceptor), never in a URL.
 */
@Injectable({ providedIn: 'root' })
export class AccountService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  private readonly accountState = signal<AccountUserDto | null>(null);

  readonly account = this.accountState.asReadonly();
  readonly signedIn = computed(() => Boolean(this.accountState()?.email));

  /** Reads who the current token belongs to (null when that cannot be told now; the header then offers sign-in). */
  async refresh(): Promise<AccountUserDto | null> {
    try {
      await this.session.ensure();
      const current = await firstValueFrom(this.http.get<SessionDto>('/api/auth/session'));
      this.accountState.set(current.user);
      return current.user;
    } catch {
      this.accountState.set(null);
      return null;
    }
  }

  /** Sends the anonymous token along, so this learner becomes the account. */
  async signUp(request: SignUpRequest): Promise<AccountUserDto> {
    await this.session.ensure();
    return this.adopt(await firstValueFrom(this.http.post<AuthResponse>('/api/auth/sign-up', request)));
  }

  /** Sends the anonymous token along, so what was done on this device is merged into the account. */
  async signIn(request: SignInRequest): Promise<AccountUserDto> {
    await this.session.ensure();
    return this.adopt(await firstValueFrom(this.http.post<AuthResponse>('/api/auth/sign-in', request)));
  }

  async signOut(): Promise<void> {
    try {
      await firstValueFrom(this.http.post<void>('/api/auth/sign-out', null));
    } finally {
      this.accountState.set(null);
      await this.session.reset();
      await this.refresh();
    }
  }

  requestPasswordReset(email: string): Promise<unknown> {
    return firstValueFrom(this.http.post('/api/auth/password-reset', { email }));
  }

  confirmPasswordReset(token: string, password: string): Promise<unknown> {
    return firstValueFrom(this.http.post('/api/auth/password-reset/confirm', { token, password }));
  }

  async exportData(): Promise<UserExportDto> {
    const user = await this.session.ensure();
    return firstValueFrom(this.http.get<UserExportDto>(`/api/user/${encodeURIComponent(user.id)}/export`));
  }

  async deleteAccount(): Promise<void> {
    const user = await this.session.ensure();
    await firstValueFrom(this.http.delete<void>(`/api/user/${encodeURIComponent(user.id)}`));
    this.accountState.set(null);
    await this.session.reset();
    await this.refresh();
  }

  private async adopt(response: AuthResponse): Promise<AccountUserDto> {
    await this.session.adopt(response.token, response.user.id);
    this.accountState.set(response.user);
    return response.user;
  }
}
