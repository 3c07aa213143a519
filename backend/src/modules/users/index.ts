export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export { SessionService, sha256Hex } from './accounts/session.service';
export { AccountsService } from './accounts/accounts.service';
export { UserDataRegistry, type UserDataProvider } from './accounts/user-data.registry';
export { UsersConfig } from './users.config';
