import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ActivatedRoute, Router, convertToParamMap, provideRouter } from '@angular/router';
import type { OnboardingAnswers } from '@lectern/api-types';
import { SessionService } from '../../core/session.service';
import { PREFERENCES, QUESTIONS, byTestId, clickLabel, inputLabelled, settle } from '../../testing/fixtures';
import { OnboardingPage } from './onboarding-page';

@Component({ template: 'page' })
class Page {}

describe('OnboardingPage', () => {
  let fixture: ComponentFixture<OnboardingPage>;
  let root: HTMLElement;
  let http: HttpTestingController;
  let markOnboarded: ReturnType<typeof vi.fn>;

  async function create(options: { onboarded?: boolean; edit?: boolean } = {}): Promise<void> {
    markOnboarded = vi.fn();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: '', component: Page },
          { path: 'onboarding', component: Page },
        ]),
        { provide: SessionService, useValue: { onboarded: signal(options.onboarded ?? false), markOnboarded } },
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { queryParamMap: convertToParamMap(options.edit ? { edit: '1' } : {}) } },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await TestBed.inject(Router).navigateByUrl('/onboarding');
    fixture = TestBed.createComponent(OnboardingPage);
    root = fixture.nativeElement as HTMLElement;
    http.expectOne('/api/onboarding/questions').flush(QUESTIONS);
    await stable();
  }

  async function stable(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  const step = () => byTestId(root, 'onboarding-step');
  const next = () => byTestId<HTMLButtonElement>(root, 'onboarding-next');

  async function choose(label: string): Promise<void> {
    clickLabel(step(), label);
    await stable();
  }

  async function clickNext(): Promise<void> {
    next().click();
    await stable();
  }

  /** Answers steps 1–5 with the answers of PREFERENCES' learner. */
  async function answerFirstFive(): Promise<void> {
    await choose('Graduate');
    await clickNext();
    await choose('Beginner');
    await clickNext();
    await choose('No');
    await clickNext();
    await choose('No experience');
    await clickNext();
    await choose('Research');
    await choose('Hobby');
    await clickNext();
  }

  afterEach(() => http.verify());

  it('shows one question per step with a step counter and a progress bar', async () => {
    await create();
    expect(step().dataset['step']).toBe('1');
    expect(step().textContent).toContain('Step 1 of 6');
    expect(step().textContent).toContain('What is your education level?');
    expect(step().querySelectorAll('fieldset')).toHaveLength(1);
    expect(step().querySelector('legend')?.textContent).toContain('What is your education level?');
    const bar = step().querySelector('[role="progressbar"]');
    expect(bar?.getAttribute('aria-valuenow')).toBe('1');
    expect(bar?.getAttribute('aria-valuemax')).toBe('6');
    // Native radios, each with its own label.
    const radio = inputLabelled(step(), 'Graduate');
    expect(radio.type).toBe('radio');
    expect(radio.name).toBe(inputLabelled(step(), 'Professional').name);
  });

  it('keeps Next disabled until the question is answered', async () => {
    await create();
    expect(next().disabled).toBe(true);
    next().click();
    await stable();
    expect(step().dataset['step']).toBe('1');

    await choose('Graduate');
    expect(inputLabelled(step(), 'Graduate').checked).toBe(true);
    expect(next().disabled).toBe(false);

    await clickNext();
    expect(step().dataset['step']).toBe('2');
    expect(step().textContent).toContain('Step 2 of 6');
    expect(next().disabled).toBe(true);
  });

  it('moves focus to the new question, and Back keeps the earlier answer', async () => {
    await create();
    await choose('Graduate');
    await clickNext();
    expect(document.activeElement?.tagName).toBe('LEGEND');
    expect(document.activeElement?.textContent).toContain('What is your programming experience?');

    byTestId<HTMLButtonElement>(root, 'onboarding-back').click();
    await stable();
    expect(step().dataset['step']).toBe('1');
    expect(document.activeElement?.textContent).toContain('What is your education level?');
    expect(inputLabelled(step(), 'Graduate').checked).toBe(true);
    expect(next().disabled).toBe(false);
  });

  it('moves on when Enter is pressed on an answered option', async () => {
    await create();
    const radio = inputLabelled(step(), 'Undergraduate');
    radio.click();
    await stable();
    radio.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await stable();
    expect(step().dataset['step']).toBe('2');
  });

  it('needs at least one learning goal', async () => {
    await create();
    await choose('Graduate');
    await clickNext();
    await choose('Beginner');
    await clickNext();
    await choose('No');
    await clickNext();
    await choose('No experience');
    await clickNext();
    expect(inputLabelled(step(), 'Research').type).toBe('checkbox');
    expect(next().disabled).toBe(true);
    await choose('Research');
    expect(next().disabled).toBe(false);
    await choose('Research');
    expect(next().disabled).toBe(true);
  });

  it('Complete posts exactly the six answers, then goes home', async () => {
    await create();
    await answerFirstFive();
    expect(step().textContent).toContain('Step 6 of 6');
    expect(root.querySelector('[data-testid="onboarding-next"]')).toBeNull();
    // English is the default answer: Complete is ready at once.
    expect(inputLabelled(step(), 'English').checked).toBe(true);
    const complete = byTestId<HTMLButtonElement>(root, 'onboarding-complete');
    expect(complete.disabled).toBe(false);

    complete.click();
    await stable();
    const post = http.expectOne('/api/onboarding');
    expect(post.request.method).toBe('POST');
    expect(post.request.body).toStrictEqual({
      educationLevel: 'graduate',
      programmingExperience: 'beginner',
      roboticsBackground: false,
      aiMlExperience: 'none',
      learningGoals: ['research', 'hobby'],
      preferredLanguage: 'en',
    } satisfies OnboardingAnswers);
    // The saving state.
    expect(complete.disabled).toBe(true);
    expect(complete.textContent).toContain('Saving');

    post.flush({ preferences: PREFERENCES, onboardingCompleted: true }, { status: 201, statusText: 'Created' });
    await stable();
    expect(markOnboarded).toHaveBeenCalledTimes(1);
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('can send Urdu as the preferred language', async () => {
    await create();
    await answerFirstFive();
    await choose('اردو (Urdu)');
    byTestId<HTMLButtonElement>(root, 'onboarding-complete').click();
    await stable();
    const post = http.expectOne('/api/onboarding');
    expect((post.request.body as OnboardingAnswers).preferredLanguage).toBe('ur');
    post.flush({ preferences: { ...PREFERENCES, preferredLanguage: 'ur' }, onboardingCompleted: true });
    await stable();
  });

  it("shows the server's field errors next to the matching question", async () => {
    await create();
    await answerFirstFive();
    byTestId<HTMLButtonElement>(root, 'onboarding-complete').click();
    await stable();
    http.expectOne('/api/onboarding').flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        details: [{ field: 'learningGoals', message: 'learningGoals needs at least one goal' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await stable();

    expect(markOnboarded).not.toHaveBeenCalled();
    expect(TestBed.inject(Router).url).toBe('/onboarding');
    // Back on the goals step, with the message beside that question.
    expect(step().dataset['step']).toBe('5');
    const error = byTestId(step(), 'field-error');
    expect(error.dataset['field']).toBe('learningGoals');
    expect(error.textContent).toContain('learningGoals needs at least one goal');
    const box = inputLabelled(step(), 'Research');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')).toContain(error.id);
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('need attention');
    expect(document.activeElement?.textContent).toContain('What are your learning goals?');

    // Changing the answer clears the message.
    await choose('Teaching');
    expect(step().querySelector('[data-testid="field-error"]')).toBeNull();
  });

  it('says so when the answers could not be saved', async () => {
    await create();
    await answerFirstFive();
    byTestId<HTMLButtonElement>(root, 'onboarding-complete').click();
    await stable();
    http.expectOne('/api/onboarding').flush({ statusCode: 500, error: 'Internal Server Error', message: 'boom' }, { status: 500, statusText: 'Error' });
    await stable();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('could not be saved');
    expect(byTestId<HTMLButtonElement>(root, 'onboarding-complete').disabled).toBe(false);
  });

  it('starts from the saved answers when an onboarded learner edits them', async () => {
    await create({ onboarded: true, edit: true });
    http.expectOne('/api/user/preferences').flush(PREFERENCES);
    await stable();
    expect(root.querySelector('h1')?.textContent).toContain('Update your answers');
    expect(inputLabelled(step(), 'Graduate').checked).toBe(true);
    expect(next().disabled).toBe(false);
  });
});
