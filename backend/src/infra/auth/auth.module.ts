import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { LearnerGuard, OptionalLearnerGuard } from './learner.guard';
import { RateCounter, RateLimitGuard } from './rate-limit';
import { TokenService } from './token.service';

@Global()
@Module({
  providers: [TokenService, LearnerGuard, OptionalLearnerGuard, AdminGuard, RateCounter, RateLimitGuard],
  exports: [TokenService, LearnerGuard, OptionalLearnerGuard, AdminGuard, RateCounter, RateLimitGuard],
})
export class AuthModule {}
