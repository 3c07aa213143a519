import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { UserDto } from '@lectern/api-types';
import type { Mock } from 'vitest';
import { onboardedGuard, onboardingGuard } from './onboarded.guard';
import { SessionService } from './session.service';

@Component({ template: 'page' })
class Page {}

describe('onboardedGuard and onboardingGuard', () => {
  let ensure: Mock<() => Promise<UserDto>>;
  let noteBlocked: Mock<(url: string) => void>;
  let harness: RouterTestingHarness | undefined;

  const learner = (onboardingCompleted: boolean): UserDto => ({
    id: 'u-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    onboardingCompleted,
  });

  async function navigate(url: string): Promise<string> {
    harness ??= await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    return TestBed.inject(Router).url;
  }

  beforeEach(() => {
    harness = undefined;
    ensure = vi.fn<() => Promise<UserDto>>();
    noteBlocked = vi.fn<(url: string) => void>();
    TestBed.configureTestingModule({
      providers: [
        { provide: SessionService, useValue: { ensure, noteBlocked } },
        provideRouter([
          { path: '', component: Page, canActivate: [onboardedGuard] },
          { path: 'profile', component: Page, canActivate: [onboardedGuard] },
          { path: 'onboarding', component: Page, canActivate: [onboardingGuard] },
        ]),
      ],
    });
  });

  it('sends a learner who has not onboarded to /onboarding', async () => {
    ensure.mockResolvedValue(learner(false));
    expect(await navigate('/')).toBe('/onboarding');
    expect(await navigate('/profile')).toBe('/onboarding?returnTo=%2Fprofile');
  });

  it('lets an onboarded learner in', async () => {
    ensure.mockResolvedValue(learner(true));
    expect(await navigate('/')).toBe('/');
    expect(await navigate('/profile')).toBe('/profile');
  });

  it('shows /onboarding to a learner who has not onboarded', async () => {
    ensure.mockResolvedValue(learner(false));
    expect(await navigate('/onboarding')).toBe('/onboarding');
  });

  it('sends an onboarded learner from /onboarding home, unless ?edit=1', async () => {
    ensure.mockResolvedValue(learner(true));
    expect(await navigate('/onboarding')).toBe('/');
    expect(await navigate('/onboarding?edit=1')).toBe('/onboarding?edit=1');
  });

  it('blocks the navigation and remembers it when the session cannot be established', async () => {
    ensure.mockRejectedValue(new Error('offline'));
    const router = TestBed.inject(Router);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/profile').catch(() => undefined);
    expect(router.url).not.toBe('/profile');
    expect(router.url).not.toBe('/onboarding');
    expect(noteBlocked).toHaveBeenCalledWith('/profile');
  });
});
