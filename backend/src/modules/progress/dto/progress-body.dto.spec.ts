import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LessonTimeDto, StartLessonDto } from './progress-body.dto';

function fieldsAtFault(cls: new () => object, body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  return errors.map((e) => e.property).sort();
}

describe('LessonTimeDto', () => {
  it.each<[string, Record<string, unknown>]>([
    ['one second', { seconds: 1 }],
    ['an hour', { seconds: 3600 }],
    ['a section', { seconds: 30, section: 'how-robots-sense' }],
    ['a section in Urdu with marks', { seconds: 30, section: 'روبوٹ-کیسے-محسوس-کرتے-ہیں' }],
    ['a section with digits and underscores', { seconds: 30, section: 'step_2-wiring' }],
  ])('accepts %s', (_case, body) => {
    expect(fieldsAtFault(LessonTimeDto, body)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no seconds', {}, 'seconds'],
    ['zero', { seconds: 0 }, 'seconds'],
    ['negative', { seconds: -5 }, 'seconds'],
    ['over an hour', { seconds: 3601 }, 'seconds'],
    ['a fraction', { seconds: 1.5 }, 'seconds'],
    ['a string', { seconds: '30' }, 'seconds'],
    ['a section with spaces', { seconds: 5, section: 'not an anchor' }, 'section'],
    ['a section with a hash', { seconds: 5, section: '#intro' }, 'section'],
    ['an empty section', { seconds: 5, section: '' }, 'section'],
    ['an over-long section', { seconds: 5, section: 'a'.repeat(201) }, 'section'],
    ['an unknown field', { seconds: 5, minutes: 1 }, 'minutes'],
  ])('rejects %s, naming the field', (_case, body, field) => {
    expect(fieldsAtFault(LessonTimeDto, body)).toEqual([field]);
  });
});

describe('StartLessonDto', () => {
  it('accepts an empty body and a section', () => {
    expect(fieldsAtFault(StartLessonDto, {})).toEqual([]);
    expect(fieldsAtFault(StartLessonDto, { section: 'intro' })).toEqual([]);
  });

  it('rejects a bad section and unknown fields', () => {
    expect(fieldsAtFault(StartLessonDto, { section: 'a b', seconds: 3 })).toEqual(['seconds', 'section']);
  });
});
