import { toInt } from '@lectern/infra';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** The tutor's settings, read and validated at start-up with the rest (see `loadConfig`). */
export class TutorConfig {
  /** Tutor questions one learner may ask per minute (429 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  TUTOR_RATE_PER_MINUTE = 10;
}
