import type { MixedList } from 'typeorm';
import { Init1795501851751 } from './1795501851751-init';
import { BookContent1795502953759 } from './1795502953759-book-content';
import { PersonalizedLessons1795503484995 } from './1795503484995-personalized-lessons';
import { SearchIndex1795504696597 } from './1795504696597-search-index';
import { LessonProgress1795505001312 } from './1795505001312-lesson-progress';
import { BookStructureAssets1795506000000 } from './1795506000000-book-structure-assets';
import { ReaderViewAndFeedback1796653325755 } from './1796653325755-reader-view-and-feedback';
import { Accounts1796653581018 } from './1796653581018-accounts';
import { TutorThreads1796653655936 } from './1796653655936-tutor-threads';
import { AbuseLimits1796653952654 } from './1796653952654-abuse-limits';
import { HeartbeatBuffer1796665000000 } from './1796665000000-heartbeat-buffer';
import { AssetsInContentStoreNullableLayers1796665837654 } from './1796665837654-assets-in-content-store-nullable-layers';

/**
 * Every migration, in order. Landed migrations are never edited: a change to
 * the schema is a new file here (`npm run cli -- migration:generate Name`).
 * This file is generated from the folder's files by that command.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [
  Init1795501851751,
  BookContent1795502953759,
  PersonalizedLessons1795503484995,
  SearchIndex1795504696597,
  LessonProgress1795505001312,
  BookStructureAssets1795506000000,
  ReaderViewAndFeedback1796653325755,
  Accounts1796653581018,
  TutorThreads1796653655936,
  AbuseLimits1796653952654,
  HeartbeatBuffer1796665000000,
  AssetsInContentStoreNullableLayers1796665837654,
];
