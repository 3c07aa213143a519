import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  ViewEncapsulation,
  afterNextRender,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { TutorAction, TutorCitation, TutorMessage, TutorThreadDetail, TutorThreadSummary } from '@lectern/api-types';
import { TUTOR_CONTENT_MAX_LENGTH } from '@lectern/api-types';
import { firstValueFrom } from 'rxjs';
import { apiErrorOf, statusOf } from '../core/http-errors';
import { MarkdownRenderer } from '../lesson/markdown-renderer.service';
import { MarkdownView } from '../lesson/markdown-view';
import type { SanitizedHtml } from '../lesson/sanitized-html';
import { TutorApi } from './tutor.api';
import { TutorPanelState, type TutorRequest } from './tutor-panel.state';

/** A learner-facing message for a failed call (the API's own message, e.g. the rate limit's). */
function errorMessage(error: unknown): string {
  const body = apiErrorOf(error);
  if (body) return body.message;
  return statusOf(error) === 0
    ? 'The tutor could not be reached. Check your connection and try again.'
    : 'Something went wrong. Please try again.';
}

/** Urdu (Arabic-script) text is laid out right to left. */
export function isRtl(text: string): boolean {
  return /[\u0600-\u06ff]/.test(text);
}

const DEFAULT_QUESTION: Record<TutorAction, string> = {
  ask: 'Tell me more about this.',
  explain: 'Explain this.',
  summarize: 'Summarize this.',
  translate: 'Translate this into my language.',
};

interface Live {
  messageId: string;
  text: string;
  citations: TutorCitation[];
}

/**
 * The tutor's side panel: the thread list, a thread's questions and answers
 * (answers rendered by the sanitizing Markdown renderer, with citations that
 * open the cited section), and the question form. An answer streams in as it
 * is written; screen readers hear "writing" and then the finished answer
 * once, never word by word. Esc closes; focus moves in on open and back on close.
 */
@Component({
  selector: 'lx-tutor-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  imports: [RouterLink, MarkdownView],
  templateUrl: './tutor-panel.html',
  styleUrl: './tutor-panel.css',
  host: { '(document:keydown.escape)': 'onEscape()' },
})
export class TutorPanel {
  protected readonly state = inject(TutorPanelState);
  private readonly renderer = inject(MarkdownRenderer);
  private readonly injector = inject(Injector);
  private readonly panel = viewChild<ElementRef<HTMLElement>>('panel');
  private readonly input = viewChild<ElementRef<HTMLTextAreaElement>>('question');

  protected readonly maxLength = TUTOR_CONTENT_MAX_LENGTH;
  protected readonly view = signal<'threads' | 'thread'>('thread');
  protected readonly threads = signal<TutorThreadSummary[]>([]);
  protected readonly thread = signal<TutorThreadDetail | null>(null);
  protected readonly html = signal<Record<string, SanitizedHtml>>({});
  protected readonly live = signal<Live | null>(null);
  protected readonly draft = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal('');
  protected readonly announcement = signal('');
  protected readonly isRtl = isRtl;
  private abort: AbortController | null = null;
  /** Looked up when first used: the shell renders the panel closed, before any call is made. */
  private get api(): TutorApi {
    return this.injector.get(TutorApi);
  }
  private lessonSlug: string | undefined;

  constructor() {
    effect(() => {
      const open = this.state.open();
      const request = this.state.request();
      if (!open) return;
      untracked(() => void this.opened(request));
    });
    inject(DestroyRef).onDestroy(() => this.abort?.abort());
  }

  protected onEscape(): void {
    if (this.state.open()) this.state.close();
  }

  protected close(): void {
    this.state.close();
  }

  protected async showThreads(): Promise<void> {
    this.view.set('threads');
    try {
      this.threads.set(await firstValueFrom(this.api.threads()));
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }

  protected newThread(): void {
    this.thread.set(null);
    this.live.set(null);
    this.view.set('thread');
    this.focusInput();
  }

  protected async openThread(id: string): Promise<void> {
    this.view.set('thread');
    await this.load(id);
    this.focusInput();
  }

  protected async remove(id: string): Promise<void> {
    try {
      await firstValueFrom(this.api.deleteThread(id));
      this.threads.update((list) => list.filter((t) => t.id !== id));
      if (this.thread()?.id === id) this.thread.set(null);
      this.announcement.set('Thread deleted.');
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }

  protected onInput(event: Event): void {
    this.draft.set((event.target as HTMLTextAreaElement).value);
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    const content = this.draft().trim();
    if (!content || this.busy()) return;
    await this.ask({ content, action: 'ask' });
  }

  protected onQuestionKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey) void this.submit(event);
  }

  protected citationsOf(message: TutorMessage): TutorCitation[] {
    const live = this.live();
    return live && live.messageId === message.id && message.status !== 'completed' ? live.citations : message.citations;
  }

  private async opened(request: TutorRequest | null): Promise<void> {
    this.error.set('');
    this.lessonSlug = request?.lessonSlug;
    afterNextRender(() => (this.input()?.nativeElement ?? this.panel()?.nativeElement)?.focus(), { injector: this.injector });
    if (request?.selection) {
      // A selection starts a thread of its own, from its lesson.
      this.thread.set(null);
      this.view.set('thread');
      const action = request.action ?? 'explain';
      await this.ask({ content: request.content ?? DEFAULT_QUESTION[action], action, selection: request.selection });
    }
  }

  private async ask(body: { content: string; action: TutorAction; selection?: TutorRequest['selection'] }): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      let current = this.thread();
      if (!current) {
        const created = await firstValueFrom(this.api.createThread(body.selection?.lessonSlug ?? this.lessonSlug));
        current = { id: created.id, title: created.title, lessonSlug: created.lessonSlug, messages: [] };
        this.thread.set(current);
      }
      const posted = await firstValueFrom(this.api.ask(current.id, body));
      this.draft.set('');
      const placeholder: TutorMessage = {
        id: posted.assistantMessage.id,
        role: 'assistant',
        content: '',
        status: 'queued',
        citations: [],
        createdAt: posted.userMessage.createdAt,
      };
      this.thread.set({ ...current, messages: [...current.messages, posted.userMessage, placeholder] });
      this.announcement.set('The tutor is writing an answer…');
      await this.follow(current.id, posted.assistantMessage.id, posted.streamUrl);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** Streams an answer; when the stream cannot be read, polls the thread until the answer is finished. */
  private async follow(threadId: string, messageId: string, streamUrl: string): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.live.set({ messageId, text: '', citations: [] });
    let finished = false;
    try {
      for await (const { event, data } of this.api.stream(streamUrl, abort.signal)) {
        const live = this.live();
        if (!live) break;
        if (event === 'citations') this.live.set({ ...live, citations: (data as { citations: TutorCitation[] }).citations });
        else if (event === 'delta') this.live.set({ ...live, text: live.text + (data as { text: string }).text });
        else if (event === 'reset') this.live.set({ ...live, text: '' });
        else if (event === 'done') {
          await this.finish((data as { message: TutorMessage }).message);
          finished = true;
        } else if (event === 'failed') {
          this.fail(messageId, (data as { reason: string }).reason);
          finished = true;
        }
      }
    } catch {
      if (abort.signal.aborted) return;
    }
    while (!finished && !abort.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const detail = await firstValueFrom(this.api.thread(threadId)).catch(() => null);
      const message = detail?.messages.find((m) => m.id === messageId);
      if (message?.status === 'completed') {
        await this.finish(message);
        finished = true;
      } else if (message?.status === 'failed') {
        this.fail(messageId, "The tutor couldn't write this answer. Please ask again.");
        finished = true;
      }
    }
  }

  private async finish(message: TutorMessage): Promise<void> {
    const rendered = await this.renderer.render(message.content);
    this.html.update((all) => ({ ...all, [message.id]: rendered }));
    this.replace(message);
    this.live.set(null);
    this.announcement.set(`Answer ready: ${message.content.replace(/[#*`_>[\]]/g, '').slice(0, 300)}`);
  }

  private fail(messageId: string, reason: string): void {
    const current = this.thread()?.messages.find((m) => m.id === messageId);
    if (current) this.replace({ ...current, status: 'failed', content: '' });
    this.live.set(null);
    this.error.set(reason);
  }

  private replace(message: TutorMessage): void {
    const current = this.thread();
    if (!current) return;
    this.thread.set({ ...current, messages: current.messages.map((m) => (m.id === message.id ? message : m)) });
  }

  private async load(id: string): Promise<void> {
    try {
      const detail = await firstValueFrom(this.api.thread(id));
      this.thread.set(detail);
      const rendered: Record<string, SanitizedHtml> = {};
      for (const m of detail.messages)
        if (m.role === 'assistant' && m.status === 'completed') rendered[m.id] = await this.renderer.render(m.content);
      this.html.set(rendered);
      const pending = detail.messages.find((m) => m.role === 'assistant' && (m.status === 'queued' || m.status === 'active'));
      if (pending) void this.follow(detail.id, pending.id, `/api/tutor/messages/${pending.id}/stream`);
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }

  private focusInput(): void {
    afterNextRender(() => this.input()?.nativeElement.focus(), { injector: this.injector });
  }
}
