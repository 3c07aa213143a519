import { LEARNING_GOALS, type LearningGoal } from '@lectern/api-types';
import type { LayerId, LessonType } from './book-source.types';

/**
 * The lesson fields a manifest entry or a lesson's front matter may set, read
 * from a YAML mapping with type checks. Both formats use this: book.yaml lesson
 * entries, and front matter in Lectern lessons and Docusaurus docs.
 */
export interface LessonFields {
  title?: string;
  type?: LessonType;
  layer?: LayerId;
  goals?: LearningGoal[];
  prerequisites?: string[];
  estimatedMinutes?: number;
}

export const LESSON_TYPES: readonly LessonType[] = ['lesson', 'lab', 'summary'];
export const LAYER_ID = /^L[1-9]\d*$/;
/** A part's layer: one layer (`L2`) or a range (`L2-L3`). */
export const LAYER_RANGE = /^(L[1-9]\d*)(?:-(L[1-9]\d*))?$/;

/** Receives a problem with one field (the key names it, so the caller can find its line). */
export type FieldProblemSink = (key: string, message: string) => void;

export function isLayerId(value: string): value is LayerId {
  return LAYER_ID.test(value);
}

export function isLearningGoal(value: unknown): value is LearningGoal {
  return typeof value === 'string' && (LEARNING_GOALS as readonly string[]).includes(value);
}

/** A scalar that reads as text: strings, and numbers written without quotes (`title: 2048`). */
export function textValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Reads the lesson fields present in `data`; each malformed one goes to `report` and is left out. */
export function readLessonFields(data: Record<string, unknown>, report: FieldProblemSink): LessonFields {
  const fields: LessonFields = {};
  const has = (key: string): boolean => data[key] !== undefined && data[key] !== null;

  if (has('title')) {
    const title = textValue(data.title);
    if (title) fields.title = title;
    else report('title', '"title" must be a non-empty string');
  }
  if (has('type')) {
    const type = LESSON_TYPES.find((t) => t === data.type);
    if (type) fields.type = type;
    else report('type', `"type" must be one of ${LESSON_TYPES.join(', ')} (got ${JSON.stringify(data.type)})`);
  }
  if (has('layer')) {
    const layer = textValue(data.layer);
    if (layer !== undefined && isLayerId(layer)) fields.layer = layer;
    else report('layer', `"layer" must be a layer id such as L1 (got ${JSON.stringify(data.layer)})`);
  }
  if (has('goals')) {
    const goals = data.goals;
    if (!Array.isArray(goals) || goals.length === 0) {
      report('goals', `"goals" must be a non-empty list of: ${LEARNING_GOALS.join(', ')}`);
    } else {
      const unknown = goals.filter((g) => !isLearningGoal(g));
      if (unknown.length > 0) {
        report('goals', `unknown goal ${unknown.map((g) => JSON.stringify(g)).join(', ')}; goals are ${LEARNING_GOALS.join(', ')}`);
      } else {
        fields.goals = [...new Set(goals.filter(isLearningGoal))];
      }
    }
  }
  if (has('prerequisites')) {
    const prerequisites = data.prerequisites;
    if (Array.isArray(prerequisites) && prerequisites.every((p) => typeof p === 'string')) fields.prerequisites = prerequisites;
    else report('prerequisites', '"prerequisites" must be a list of lesson slugs');
  }
  if (has('estimatedMinutes')) {
    const minutes = data.estimatedMinutes;
    if (typeof minutes === 'number' && Number.isInteger(minutes) && minutes > 0) fields.estimatedMinutes = minutes;
    else report('estimatedMinutes', `"estimatedMinutes" must be a whole number of minutes above 0 (got ${JSON.stringify(minutes)})`);
  }
  return fields;
}

/** `L2-L3` → ['L2', 'L3']; `L4` → ['L4']; `L1-L3` → ['L1', 'L2', 'L3']; malformed or reversed → undefined. */
export function expandLayerRange(range: string): LayerId[] | undefined {
  const match = LAYER_RANGE.exec(range.trim());
  if (!match) return undefined;
  const from = Number(match[1].slice(1));
  const to = match[2] ? Number(match[2].slice(1)) : from;
  if (to < from) return undefined;
  const layers: LayerId[] = [];
  for (let n = from; n <= to; n++) layers.push(`L${n}`);
  return layers;
}
