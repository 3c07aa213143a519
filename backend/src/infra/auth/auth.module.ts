import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { LearnerGuard } from './learner.guard';
import { RateLimitGuard } from './rate-limit';
import { TokenService } from './token.service';

@Global()
@Module({
  providers: [TokenService, LearnerGuard, AdminGuard, RateLimitGuard],
  exports: [TokenService, LearnerGuard, AdminGuard, RateLimitGuard],
})
export class AuthModule {}
