import { Injectable } from '@nestjs/common';
import type { OnboardingAnswers, SearchMode, TutorAction, TutorCitation } from '@lectern/api-types';
import { LlmService } from '@lectern/infra';
import { cleanCitations } from './answer-text';
import {
  buildTutorPrompt,
  MODEL_NOT_COVERED_SENTINEL,
  NOT_COVERED_ANSWER,
  TUTOR_PROMPT_VERSION,
  type PromptTurn,
} from './prompt/tutor-prompt';
import { citationOf, TutorRetrievalService } from './tutor-retrieval.service';

export interface AnswerRequest {
  profile: OnboardingAnswers;
  question: string;
  /** The standalone form of the question, for retrieval. */
  query: string;
  action: TutorAction;
  selection?: { lessonSlug: string; text: string; anchor?: string } | null;
  lessonSlug?: string | null;
  history?: PromptTurn[];
  glossary?: readonly string[];
  jobId?: string;
  /** The budget hold reserved when the question was admitted (the job's id). */
  holdId?: string;
}

export interface AnswerHooks {
  /** The retrieved sections, numbered, before any text. */
  onCitations?: (citations: TutorCitation[]) => Promise<void> | void;
  /** The text so far, as the model writes it. */
  onText?: (textSoFar: string) => void;
}

export interface Answer {
  content: string;
  /** The sections the stored answer cites, with the numbers it uses. */
  citations: TutorCitation[];
  /** Every section that was given to the model. */
  retrieved: TutorCitation[];
  covered: boolean;
  mode: SearchMode;
  model: string | null;
  promptVersion: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Writes one tutor answer: retrieval, the "not covered" short cut (no LLM
 * call), the prompt, the streamed completion, and the clean-up of citation
 * markers. Used by the queue's handler and by the evaluation command.
 */
/** An answer is short by default; this bounds its cost (and the budget hold). */
export const TUTOR_ANSWER_MAX_TOKENS = 1_500;

@Injectable()
export class TutorAnswerer {
  constructor(
    private readonly retrieval: TutorRetrievalService,
    private readonly llm: LlmService,
  ) {}

  async answer(request: AnswerRequest, hooks: AnswerHooks = {}): Promise<Answer> {
    const found = await this.retrieval.retrieve({ query: request.query, lessonSlug: request.lessonSlug, selection: request.selection });
    const retrieved = found.sections.map(citationOf);
    const base = { mode: found.mode, promptVersion: TUTOR_PROMPT_VERSION, retrieved };
    const notCovered = (): Answer => ({
      ...base,
      content: NOT_COVERED_ANSWER[request.profile.preferredLanguage],
      citations: [],
      covered: false,
      model: null,
      promptTokens: 0,
      completionTokens: 0,
    });
    if (!found.covered) {
      await hooks.onCitations?.([]);
      const answer = notCovered();
      hooks.onText?.(answer.content);
      return answer;
    }
    await hooks.onCitations?.(retrieved);
    const lessonTitle = request.selection ? found.sections.find((s) => s.selected)?.lessonTitle : undefined;
    const prompt = buildTutorPrompt({
      profile: request.profile,
      sections: found.sections,
      question: request.question,
      action: request.action,
      selection: request.selection ? { text: request.selection.text, lessonTitle } : null,
      history: request.history,
      glossary: request.glossary,
    });
    let sentinel = true;
    const result = await this.llm.streamChat(prompt.messages, {
      purpose: 'tutor',
      feature: 'tutor',
      maxTokens: TUTOR_ANSWER_MAX_TOKENS,
      jobId: request.jobId,
      // The hold the api reserved at admission (evaluation runs have none: a fresh reservation is made).
      ...(request.holdId ? { holdId: request.holdId } : {}),
      onDelta: (text) => {
        // Hold back what could still become the "not covered" sentinel.
        if (sentinel && MODEL_NOT_COVERED_SENTINEL.startsWith(text.trim())) return;
        sentinel = false;
        hooks.onText?.(text);
      },
    });
    const usage = { model: result.model, promptTokens: result.promptTokens, completionTokens: result.completionTokens };
    if (result.content.trim() === MODEL_NOT_COVERED_SENTINEL || result.content.trim() === '') {
      const answer = { ...notCovered(), ...usage };
      hooks.onText?.(answer.content);
      return answer;
    }
    const given = new Set(found.sections.map((s) => s.n));
    const cleaned = cleanCitations(result.content, given);
    return {
      ...base,
      ...usage,
      content: cleaned.text,
      citations: cleaned.cited.map((n) => retrieved.find((c) => c.n === n)).filter((c): c is TutorCitation => c !== undefined),
      covered: true,
    };
  }
}
