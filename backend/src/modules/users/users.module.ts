import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { provideConfigSlice, SessionVerifier } from '@lectern/infra';
import { AccountsService } from './accounts/accounts.service';
import { MailerService } from './accounts/mailer.service';
import { SessionService } from './accounts/session.service';
import { UserDataRegistry } from './accounts/user-data.registry';
import { AuthController } from './auth.controller';
import { PasswordResetEntity } from './entities/password-reset.entity';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { UsersConfig } from './users.config';

/**
 * Learners, accounts and sessions. SessionService answers infra's
 * SessionVerifier (what every LearnerGuard asks); UserDataRegistry is where
 * other domains register what they keep about a learner (export, merge, delete).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity, PasswordResetEntity])],
  controllers: [UsersController, AuthController],
  providers: [
    UsersService,
    SessionService,
    { provide: SessionVerifier, useExisting: SessionService },
    UserDataRegistry,
    MailerService,
    AccountsService,
    provideConfigSlice(UsersConfig),
  ],
  exports: [UsersConfig, UsersService, SessionService, SessionVerifier, UserDataRegistry, AccountsService],
})
export class UsersModule {}
