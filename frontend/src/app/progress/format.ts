import type { LessonStatus, ResumeDto } from '@lectern/api-types';

/** Time spent, in words: 3900 → "1 h 5 min", 7200 → "2 h", 20 → "less than a minute". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds === 0) return '0 min';
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "1 of 2 lessons" / "1 of 1 lesson". */
export function lessonsOf(done: number, total: number): string {
  return `${done} of ${total} ${total === 1 ? 'lesson' : 'lessons'}`;
}

export const STATUS_LABELS: Record<LessonStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
};

/** Where "Continue where you left off" goes: the lesson, at its section when there is one. */
export function resumeLink(resume: ResumeDto): { commands: string[]; fragment: string | undefined } {
  return { commands: ['/lessons', resume.lessonSlug], fragment: resume.section || undefined };
}
