import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { PREFERENCES, QUESTIONS, byTestId, clickLabel, inputLabelled, settle } from '../../testing/fixtures';
import { ProfilePage } from './profile-page';

describe('ProfilePage', () => {
  let fixture: ComponentFixture<ProfilePage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  async function stable(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ProfilePage);
    root = fixture.nativeElement as HTMLElement;
    await settle();
    http.expectOne('/api/onboarding/questions').flush(QUESTIONS);
    http.expectOne('/api/user/preferences').flush(PREFERENCES);
    await stable();
  });

  afterEach(() => http.verify());

  const form = () => byTestId(root, 'profile-form');
  const status = () => byTestId(root, 'profile-status');
  const save = async () => {
    byTestId<HTMLButtonElement>(root, 'profile-save').click();
    await stable();
  };

  it('shows all six questions filled with the saved answers', () => {
    expect(form().querySelectorAll('fieldset')).toHaveLength(6);
    expect(inputLabelled(form(), 'Graduate').checked).toBe(true);
    expect(inputLabelled(form(), 'Beginner').checked).toBe(true);
    expect(inputLabelled(form(), 'No').checked).toBe(true);
    expect(inputLabelled(form(), 'Hobby').checked).toBe(true);
    expect(inputLabelled(form(), 'Research').checked).toBe(true);
    expect(inputLabelled(form(), 'Teaching').checked).toBe(false);
    expect(inputLabelled(form(), 'English').checked).toBe(true);
    expect(status().getAttribute('aria-live')).toBe('polite');
    expect(status().textContent?.trim()).toBe('');
  });

  it('saves the changed answers and says "Saved"', async () => {
    clickLabel(form(), 'Advanced');
    clickLabel(form(), 'Yes');
    clickLabel(form(), 'Teaching');
    await stable();
    await save();

    const put = http.expectOne('/api/user/preferences');
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toStrictEqual({
      educationLevel: 'graduate',
      programmingExperience: 'advanced',
      roboticsBackground: true,
      aiMlExperience: 'none',
      learningGoals: ['research', 'hobby', 'teaching'],
      preferredLanguage: 'en',
    });
    expect(byTestId<HTMLButtonElement>(root, 'profile-save').disabled).toBe(true);

    put.flush({ ...PREFERENCES, ...put.request.body, preferencesHash: 'b'.repeat(64) });
    await stable();
    expect(status().textContent).toContain('Saved');
    expect(status().dataset['status']).toBe('saved');
    expect(byTestId(root, 'profile-summary').textContent).toContain('advanced programmer');
  });

  it('shows a failure message and the server field errors next to their questions', async () => {
    await save();
    http.expectOne('/api/user/preferences').flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        details: [{ field: 'preferredLanguage', message: 'preferredLanguage must be one of: en, ur' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await stable();
    expect(status().dataset['status']).toBe('failed');
    expect(status().textContent).toContain('Not saved');
    const error = byTestId(root, 'field-error');
    expect(error.dataset['field']).toBe('preferredLanguage');
    expect(error.closest('fieldset')?.querySelector('legend')?.textContent).toContain('preferred language');
  });

  it('does not send a profile without learning goals', async () => {
    clickLabel(form(), 'Hobby');
    clickLabel(form(), 'Research');
    await stable();
    await save();
    http.expectNone('/api/user/preferences');
    expect(status().textContent).toContain('Not saved');
    expect(byTestId(root, 'field-error').dataset['field']).toBe('learningGoals');
  });
});
