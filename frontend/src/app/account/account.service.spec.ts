import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AuthResponse, CreateUserResponse, UserDto } from '@lectern/api-types';
import { authInterceptor } from '../core/auth.interceptor';
import { AccountService } from './account.service';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve));
const user = (id: string): UserDto => ({
  id,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  onboardingCompleted: true,
});

describe('AccountService', () => {
  let http: HttpTestingController;

  function setup(): AccountService {
    TestBed.configureTestingModule({ providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    return TestBed.inject(AccountService);
  }

  /** Answers the anonymous learner's creation. */
  async function anonymous(id = 'anon-1', token = 'ls1.anon'): Promise<void> {
    await settle();
    http.expectOne('/api/user/create').flush({ user: user(id), token } satisfies CreateUserResponse);
    await settle();
  }

  beforeEach(() => localStorage.clear());
  afterEach(() => {
    http.verify();
    localStorage.clear();
  });

  it('signs up with the anonymous token and then uses the new one for the same learner', async () => {
    const account = setup();
    const done = account.signUp({ email: 'ada@example.com', password: 'violet-otter-lantern' });
    await anonymous('anon-1', 'ls1.anon');
    const signUp = http.expectOne('/api/auth/sign-up');
    expect(signUp.request.headers.get('Authorization')).toBe('Bearer ls1.anon');
    expect(signUp.request.body).toEqual({ email: 'ada@example.com', password: 'violet-otter-lantern' });
    signUp.flush({
      user: { id: 'anon-1', email: 'ada@example.com', name: null, onboardingCompleted: true },
      token: 'ls1.account',
    } satisfies AuthResponse);
    await settle();
    const reload = http.expectOne('/api/user/anon-1');
    expect(reload.request.headers.get('Authorization')).toBe('Bearer ls1.account');
    reload.flush(user('anon-1'));
    await done;
    expect(account.signedIn()).toBe(true);
    expect(localStorage.getItem('lectern.token')).toBe('ls1.account');
  });

  it('signs out: ends the session, forgets the token and starts a fresh anonymous learner', async () => {
    localStorage.setItem('lectern.token', 'ls1.account');
    localStorage.setItem('lectern.userId', 'acct-1');
    const account = setup();
    const refreshed = account.refresh();
    await settle();
    http.expectOne('/api/user/acct-1').flush(user('acct-1'));
    await settle();
    http
      .expectOne('/api/auth/session')
      .flush({ user: { id: 'acct-1', email: 'ada@example.com', name: null, onboardingCompleted: true }, expiresAt: 'x' });
    await refreshed;
    expect(account.signedIn()).toBe(true);

    const out = account.signOut();
    await settle();
    http.expectOne('/api/auth/sign-out').flush(null, { status: 204, statusText: 'No Content' });
    await anonymous('anon-2', 'ls1.fresh');
    http
      .expectOne('/api/auth/session')
      .flush({ user: { id: 'anon-2', email: null, name: null, onboardingCompleted: false }, expiresAt: 'x' });
    await out;
    expect(account.signedIn()).toBe(false);
    expect(localStorage.getItem('lectern.token')).toBe('ls1.fresh');
  });
});
