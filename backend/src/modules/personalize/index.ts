export { PersonalizeModule, PersonalizeJobsModule } from './personalize.module';
export { PersonalizeHandler } from './personalize.handler';
export { PersonalizeService } from './personalize.service';
export { personalizeJobId, type PersonalizeKey } from './personalize-key';
export { PersonalizeWarmupService, type WarmupPlan } from './personalize-warmup.service';
