import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { OnboardingAnswers, OnboardingResponse, PreferencesDto, Question } from '@lectern/api-types';
import { type Observable, shareReplay } from 'rxjs';

/** Data access for the questionnaire and the learner's preferences. */
@Injectable({ providedIn: 'root' })
export class OnboardingApi {
  private readonly http = inject(HttpClient);

  // The questionnaire does not change while the app runs: fetched once, shared.
  // A failed fetch is not cached (shareReplay resubscribes after an error).
  private readonly questions$ = this.http
    .get<Question[]>('/api/onboarding/questions')
    .pipe(shareReplay({ bufferSize: 1, refCount: false }));

  questions(): Observable<Question[]> {
    return this.questions$;
  }

  submit(answers: OnboardingAnswers): Observable<OnboardingResponse> {
    return this.http.post<OnboardingResponse>('/api/onboarding', answers);
  }

  preferences(): Observable<PreferencesDto> {
    return this.http.get<PreferencesDto>('/api/user/preferences');
  }

  updatePreferences(change: Partial<OnboardingAnswers>): Observable<PreferencesDto> {
    return this.http.put<PreferencesDto>('/api/user/preferences', change);
  }
}
