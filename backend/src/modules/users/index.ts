export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export { UserEntity } from './entities/user.entity';
