import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { HEARTBEAT_MAX_SECONDS, type LessonProgressDto } from '@lectern/api-types';
import { type Observable, firstValueFrom } from 'rxjs';
import { statusOf } from '../core/http-errors';
import { ProgressApi } from './progress.api';

/** How reading time is counted and reported. */
export const READING = {
  /** The clock ticks once a second; each tick adds the time since the last one, if the learner was reading. */
  tickMs: 1000,
  /** With no scroll, key or pointer activity for this long, the learner is idle: time stops counting. */
  idleAfterMs: 60_000,
  /** A heartbeat (PUT …/time) is sent after this much counted time. */
  heartbeatSeconds: 30,
  /**
   * Counted reading time after which an opened lesson is "in progress" (with
   * at least one scroll, key or pointer action of the learner since it
   * opened). Kept at most the server's heartbeat allowance (5 s) above the
   * time a heartbeat can credit before the start, so little reading is lost.
   */
  startAfterSeconds: 10,
  /** A heading whose top is at most this far below the top of the viewport (px) is the current section (the scroll-spy's line: below the sticky header and view switch). */
  sectionTopOffset: 120,
} as const;

/** Activity that shows the learner is there. */
const ACTIVITY_EVENTS = ['scroll', 'wheel', 'keydown', 'pointerdown', 'pointermove', 'touchstart'] as const;

/** A section id the API accepts (a heading anchor: letters, marks, digits, connectors, dashes; ≤ 200). */
const SECTION_ANCHOR = /^[\p{L}\p{M}\p{N}\p{Pc}-]{1,200}$/u;

/** Time for the tracker: injectable so tests can drive it (or use fake timers with the default). */
export interface ReadingClock {
  now(): number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const READING_CLOCK = new InjectionToken<ReadingClock>('ReadingClock', {
  providedIn: 'root',
  factory: () => ({
    now: () => Date.now(),
    every: (ms, tick) => {
      const id = setInterval(tick, ms);
      return () => clearInterval(id);
    },
  }),
});

/**
 * Reading progress of the lesson on screen, one per lesson page. Opening a
 * lesson only reads its progress (GET); it is started (POST …/start, with the
 * section being read) once the learner really reads: 10 s of counted time
 * with some activity of theirs, or scrolling on to another section than the
 * one it opened at. Time read before that and never reaching it (a lesson
 * opened for a moment) is not reported at all. Time is
 * counted only while the tab is visible and the learner active (scroll, key
 * or pointer within the last minute) and reported every 30 counted seconds
 * with the section the learner is at; what is left is flushed when they leave
 * (another lesson or page, tab hidden, page hidden) with a keepalive request.
 */
@Injectable()
export class ReadingTracker {
  private readonly api = inject(ProgressApi);
  private readonly clock = inject(READING_CLOCK);
  private readonly document = inject(DOCUMENT);

  private readonly progressState = signal<LessonProgressDto | null>(null);
  /** The open lesson's progress, as the server last answered it (null until start answers). */
  readonly progress = this.progressState.asReadonly();

  private slug: string | null = null;
  /** Bumped whenever the tracked lesson changes: answers about an older one are ignored. */
  private run = 0;
  private sectionRoot: () => HTMLElement | null = () => null;
  private section: string | null = null;
  /** The section the lesson opened at (a deep link's), null at the top. */
  private openedAt: string | null = null;
  /** Whether the start was sent (the lesson counts as read from then on). */
  private started = false;
  /** Some scroll, key or pointer action of the learner since the lesson opened. */
  private interacted = false;
  /** Counted time since the lesson opened. */
  private readMs = 0;
  /** Counted time not reported yet. */
  private pendingMs = 0;
  /** Time of heartbeats that did not reach the server: sent along with the next one. */
  private unsentMs = 0;
  private lastTick = 0;
  private lastActivity = 0;
  private visible = true;
  private stopTicking: (() => void) | null = null;
  private readonly listeners: Array<() => void> = [];

  constructor() {
    inject(DestroyRef).onDestroy(() => this.close());
  }

  /** Starts tracking `slug`, after flushing the lesson tracked before. `section`: a deep link's #anchor. */
  open(slug: string, section: string | null = null): void {
    if (slug === this.slug) return;
    this.close();
    this.slug = slug;
    const run = ++this.run;
    this.section = this.openedAt = section && SECTION_ANCHOR.test(section) ? section : null;
    this.progressState.set(null);
    this.pendingMs = this.unsentMs = this.readMs = 0;
    this.started = this.interacted = false;
    this.visible = this.isVisible();
    this.lastTick = this.lastActivity = this.clock.now();
    this.listen();
    this.stopTicking = this.clock.every(READING.tickMs, () => this.tick());
    this.call(run, this.api.lesson(slug)).catch(() => undefined); // not fatal: the status shows once it is started
  }

  /**
   * Where the lesson's sections are: the element holding the rendered text
   * (its `h2[id]` and `h3[id]` mark the sections), or null while it is not
   * shown (then the last section seen is kept).
   */
  watchSections(root: () => HTMLElement | null): void {
    this.sectionRoot = root;
  }

  /** Mark as complete; resolves with the new progress, rejects when the server could not be told. */
  async complete(): Promise<LessonProgressDto> {
    const slug = this.slug;
    if (!slug) throw new Error('No lesson is open');
    return this.call(this.run, this.api.complete(slug));
  }

  /** Stops tracking, flushing the time not reported yet. */
  close(): void {
    if (!this.slug) return;
    this.account();
    this.flushOnLeave();
    this.stopTicking?.();
    this.stopTicking = null;
    this.listeners.splice(0).forEach((remove) => remove());
    this.slug = null;
    this.run++;
  }

  private tick(): void {
    this.account();
    if (this.isActive()) this.readSection();
    if (!this.started) {
      if (!this.isReading()) return;
      this.start();
    }
    if (this.pendingMs >= READING.heartbeatSeconds * 1000) this.heartbeat();
  }

  /** Real reading: enough counted time with some activity of the learner, or on to another section. */
  private isReading(): boolean {
    if (!this.interacted) return false;
    return this.readMs >= READING.startAfterSeconds * 1000 || (this.section !== null && this.section !== this.openedAt);
  }

  private start(): void {
    const slug = this.slug;
    if (!slug) return;
    this.started = true;
    this.call(this.run, this.api.start(slug, this.section)).catch(() => undefined); // not fatal: heartbeats start it too
  }

  /** Adds the time since the last tick when the learner was reading. */
  private account(): void {
    const now = this.clock.now();
    // A late tick (a sleeping laptop) counts at most two ticks' worth.
    const elapsed = Math.min(Math.max(0, now - this.lastTick), READING.tickMs * 2);
    if (this.isActive(now)) {
      this.pendingMs += elapsed;
      this.readMs += elapsed;
    }
    this.lastTick = now;
  }

  private isActive(now = this.clock.now()): boolean {
    return this.visible && now - this.lastActivity <= READING.idleAfterMs;
  }

  /** Whole seconds to report now (at most an hour, the API's limit); they leave the pending time. */
  private takeSeconds(): number {
    const total = this.pendingMs + this.unsentMs;
    const seconds = Math.min(Math.floor(total / 1000), HEARTBEAT_MAX_SECONDS);
    this.pendingMs = total - seconds * 1000;
    this.unsentMs = 0;
    return seconds;
  }

  private heartbeat(): void {
    const slug = this.slug;
    const seconds = this.takeSeconds();
    if (!slug || seconds < 1) return;
    const run = this.run;
    this.call(run, this.api.addTime(slug, this.body(seconds))).catch((error: unknown) => {
      // Not reached (offline, server down): sent again with the next heartbeat (no retry storm).
      const status = statusOf(error);
      if (run === this.run && (status === 0 || status >= 500)) this.unsentMs += seconds * 1000;
    });
  }

  private flushOnLeave(): void {
    const slug = this.slug;
    if (!slug || !this.started) return; // a lesson only glanced at is not reported
    this.readSection();
    const seconds = this.takeSeconds();
    if (seconds >= 1) this.api.sendTimeOnLeave(slug, this.body(seconds));
  }

  private body(seconds: number): { seconds: number; section?: string } {
    return this.section ? { seconds, section: this.section } : { seconds };
  }

  /** The current section: the last heading scrolled past (or near) the top of the viewport. */
  private readSection(): void {
    const root = this.sectionRoot();
    if (!root) return;
    let current: string | null = null;
    for (const heading of Array.from(root.querySelectorAll<HTMLElement>('h2[id], h3[id]'))) {
      if (heading.getBoundingClientRect().top > READING.sectionTopOffset) break;
      if (SECTION_ANCHOR.test(heading.id)) current = heading.id;
    }
    this.section = current;
  }

  private listen(): void {
    const view = this.document.defaultView;
    const on = (target: EventTarget | null | undefined, type: string, handler: () => void) => {
      if (!target) return;
      target.addEventListener(type, handler, { passive: true, capture: true });
      this.listeners.push(() => target.removeEventListener(type, handler, { capture: true }));
    };
    const active = () => {
      this.lastActivity = this.clock.now();
      this.interacted = true;
    };
    for (const type of ACTIVITY_EVENTS) on(view, type, active);
    on(this.document, 'visibilitychange', () => this.onVisibilityChange());
    on(view, 'pagehide', () => {
      this.account();
      this.flushOnLeave();
    });
  }

  private onVisibilityChange(): void {
    this.account(); // the time up to now, as it was (visible or not)
    this.visible = this.isVisible();
    if (this.visible) {
      this.lastActivity = this.clock.now(); // coming back to the tab is activity
    } else {
      this.flushOnLeave();
    }
  }

  private isVisible(): boolean {
    return this.document.visibilityState === 'visible';
  }

  /** One answer about the lesson of `run`: it becomes the progress shown, unless the lesson changed since. */
  private async call(run: number, request: Observable<LessonProgressDto>): Promise<LessonProgressDto> {
    let progress = await firstValueFrom(request);
    const known = this.progressState();
    // A heartbeat sent before "Mark as complete" may answer after it: a lesson never goes back from completed.
    if (known?.status === 'completed' && progress.status !== 'completed' && known.lessonSlug === progress.lessonSlug) {
      progress = { ...progress, status: 'completed', completedAt: known.completedAt };
    }
    if (run === this.run) this.progressState.set(progress);
    return progress;
  }
}
