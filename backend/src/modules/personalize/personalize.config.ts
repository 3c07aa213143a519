import { toInt } from '@lectern/infra';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** Personalization's settings, read and validated at start-up with the rest (see `loadConfig`). */
export class PersonalizeConfig {
  /** Personalization misses and regenerations one learner may ask for per minute (429 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PERSONALIZE_RATE_PER_MINUTE = 20;

  /** How long rewrites of a lesson's previous text are kept after the lesson changed, in hours, before they are purged. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  PERSONALIZE_STALE_GRACE_HOURS = 24;
}
