import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CreateUserResponse, UserDto } from '@lectern/api-types';
import { authInterceptor } from './auth.interceptor';
import { SessionService } from './session.service';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve));

const user = (id: string, onboardingCompleted = false): UserDto => ({
  id,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  onboardingCompleted,
});

describe('SessionService', () => {
  let http: HttpTestingController;

  function setup(): SessionService {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    return TestBed.inject(SessionService);
  }

  beforeEach(() => localStorage.clear());
  afterEach(() => {
    http.verify();
    localStorage.clear();
  });

  it('creates a learner when none is stored, and keeps its token and id', async () => {
    const session = setup();
    const result = session.ensure();
    await settle();

    const create = http.expectOne('/api/user/create');
    expect(create.request.method).toBe('POST');
    expect(create.request.headers.has('Authorization')).toBe(false);
    create.flush({ user: user('u-1'), token: 'tok-1' } satisfies CreateUserResponse, { status: 201, statusText: 'Created' });

    await expect(result).resolves.toEqual(user('u-1'));
    expect(localStorage.getItem('lectern.token')).toBe('tok-1');
    expect(localStorage.getItem('lectern.userId')).toBe('u-1');
    expect(session.token()).toBe('tok-1');
    expect(session.status()).toBe('ready');
    expect(session.onboarded()).toBe(false);
  });

  it('reuses the stored token: fetches the stored learner with it and creates nobody', async () => {
    localStorage.setItem('lectern.token', 'tok-stored');
    localStorage.setItem('lectern.userId', 'u-stored');
    const session = setup();
    const result = session.ensure();
    await settle();

    const get = http.expectOne('/api/user/u-stored');
    expect(get.request.method).toBe('GET');
    expect(get.request.headers.get('Authorization')).toBe('Bearer tok-stored');
    get.flush(user('u-stored', true));

    await expect(result).resolves.toEqual(user('u-stored', true));
    http.expectNone('/api/user/create');
    expect(session.onboarded()).toBe(true);
    expect(localStorage.getItem('lectern.token')).toBe('tok-stored');
  });

  it('asks the server only once however many callers wait', async () => {
    localStorage.setItem('lectern.token', 'tok-stored');
    localStorage.setItem('lectern.userId', 'u-stored');
    const session = setup();
    const first = session.ensure();
    const second = session.ensure();
    await settle();
    http.expectOne('/api/user/u-stored').flush(user('u-stored'));
    expect(await first).toBe(await second);
    await expect(session.ensure()).resolves.toEqual(user('u-stored'));
  });

  it('creates a fresh learner when the stored token is rejected (401)', async () => {
    localStorage.setItem('lectern.token', 'tok-revoked');
    localStorage.setItem('lectern.userId', 'u-old');
    const session = setup();
    const result = session.ensure();
    await settle();

    http
      .expectOne('/api/user/u-old')
      .flush({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' }, { status: 401, statusText: 'Unauthorized' });
    await settle();

    const create = http.expectOne('/api/user/create');
    expect(create.request.headers.has('Authorization')).toBe(false);
    create.flush({ user: user('u-new'), token: 'tok-new' } satisfies CreateUserResponse, { status: 201, statusText: 'Created' });

    await expect(result).resolves.toEqual(user('u-new'));
    expect(localStorage.getItem('lectern.token')).toBe('tok-new');
    expect(localStorage.getItem('lectern.userId')).toBe('u-new');
    expect(session.token()).toBe('tok-new');
  });

  it('keeps the stored learner when the server is unreachable, and can retry', async () => {
    localStorage.setItem('lectern.token', 'tok-stored');
    localStorage.setItem('lectern.userId', 'u-stored');
    const session = setup();
    const failed = session.ensure();
    await settle();
    http.expectOne('/api/user/u-stored').error(new ProgressEvent('error'));

    await expect(failed).rejects.toBeTruthy();
    http.expectNone('/api/user/create');
    expect(session.status()).toBe('error');
    expect(localStorage.getItem('lectern.token')).toBe('tok-stored');

    const retried = session.ensure();
    await settle();
    http.expectOne('/api/user/u-stored').flush(user('u-stored'));
    await expect(retried).resolves.toEqual(user('u-stored'));
    expect(session.status()).toBe('ready');
  });

  it('sends the token on every API call once there is a learner', async () => {
    const session = setup();
    const result = session.ensure();
    await settle();
    http.expectOne('/api/user/create').flush({ user: user('u-1'), token: 'tok-1' } satisfies CreateUserResponse);
    await result;

    TestBed.inject(HttpClient).get('/api/user/preferences').subscribe();
    expect(http.expectOne('/api/user/preferences').request.headers.get('Authorization')).toBe('Bearer tok-1');
  });

  it('marks the learner onboarded after the questionnaire is saved', async () => {
    const session = setup();
    const result = session.ensure();
    await settle();
    http.expectOne('/api/user/create').flush({ user: user('u-1'), token: 'tok-1' } satisfies CreateUserResponse);
    await result;

    session.markOnboarded();
    expect(session.onboarded()).toBe(true);
    expect((await session.ensure()).onboardingCompleted).toBe(true);
  });
});
