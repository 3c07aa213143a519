import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '@lectern/users';
import { LearnerPreferencesEntity } from './entities/learner-preferences.entity';
import { OnboardingController } from './onboarding.controller';
import { OnboardingService } from './onboarding.service';
import { OnboardingUserData } from './onboarding-user-data';
import { PreferencesHashCache } from './preferences-hash-cache';

@Module({
  imports: [TypeOrmModule.forFeature([LearnerPreferencesEntity]), UsersModule],
  controllers: [OnboardingController],
  providers: [OnboardingService, OnboardingUserData, PreferencesHashCache],
  exports: [OnboardingService],
})
export class OnboardingModule {}
