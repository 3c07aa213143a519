import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { PREFERENCES, QUESTIONS, byTestId, settle } from '../../testing/fixtures';
import { HomePage } from './home-page';

describe('HomePage', () => {
  it('welcomes the learner with their profile, worded from the questionnaire', async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(HomePage);
    await settle();
    http.expectOne('/api/onboarding/questions').flush(QUESTIONS);
    http.expectOne('/api/user/preferences').flush(PREFERENCES);
    await settle();
    await fixture.whenStable();

    const welcome = byTestId(fixture.nativeElement as HTMLElement, 'home-welcome');
    expect(welcome.textContent?.replace(/\s+/g, ' ')).toContain(
      'Welcome! Lessons will be written for a graduate · beginner programmer · new to robotics · AI/ML: no experience · goals: hobby, research · in English',
    );
    http.verify();
  });
});
