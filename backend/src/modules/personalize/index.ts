export { PersonalizeModule, PersonalizeJobsModule } from './personalize.module';
export { PersonalizeHandler } from './personalize.handler';
export { PERSONALIZE_QUEUE, type PersonalizePayload, type PersonalizeJobPayload } from './personalize.jobs';
export { PersonalizeService } from './personalize.service';
export { personalizeJobId, type PersonalizeKey } from './personalize-key';
export { PersonalizeWarmupService, type WarmupPlan } from './personalize-warmup.service';
export { PersonalizeConfig } from './personalize.config';
