import { ApiProperty } from '@nestjs/swagger';
import type { CreateUserResponse, UserDto } from '@lectern/api-types';
import type { UserEntity } from '../entities/user.entity';

export class UserResponse implements UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() onboardingCompleted!: boolean;

  static from(user: UserEntity): UserResponse {
    return Object.assign(new UserResponse(), {
      id: user.id,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
      onboardingCompleted: user.onboardedAt !== null,
    });
  }
}

export class CreateUserResponseDto implements CreateUserResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
  @ApiProperty({ description: 'Bearer token for every learner endpoint' }) token!: string;
}
