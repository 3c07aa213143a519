export { TutorModule, TutorJobsModule } from './tutor.module';
export { TutorHandler } from './tutor.handler';
export { TutorService } from './tutor.service';
export { TutorAnswerer, type Answer, type AnswerRequest } from './tutor-answerer.service';
export { TutorRetrievalService, RELEVANCE_FLOOR } from './tutor-retrieval.service';
export { buildTutorPrompt, TUTOR_PROMPT_VERSION, TUTOR_SYSTEM_HEADER, NOT_COVERED_ANSWER } from './prompt/tutor-prompt';
export { runTutorCommand, TUTOR_USAGE } from './tutor.cli';
