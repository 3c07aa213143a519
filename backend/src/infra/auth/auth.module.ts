import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { LearnerGuard } from './learner.guard';
import { TokenService } from './token.service';

@Global()
@Module({
  providers: [TokenService, LearnerGuard, AdminGuard],
  exports: [TokenService, LearnerGuard, AdminGuard],
})
export class AuthModule {}
