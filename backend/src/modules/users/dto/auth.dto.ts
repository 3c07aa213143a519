import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type AccountUserDto,
  type AuthResponse,
  type PasswordResetConfirmRequest,
  type PasswordResetRequest,
  type SessionDto,
  type SignInRequest,
  type SignUpRequest,
} from '@lectern/api-types';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { isPlausibleEmail, normaliseEmail } from '../accounts/email';
import { isCommonPassword } from '../accounts/passwords';
import type { UserEntity } from '../entities/user.entity';

const normalise = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? normaliseEmail(value) : value);

const IsAccountEmail = (): PropertyDecorator =>
  ValidateBy({
    name: 'isAccountEmail',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isPlausibleEmail(value),
      defaultMessage: () => 'email must be an email address, e.g. ada@example.com',
    },
  });

const NotCommonPassword = (): PropertyDecorator =>
  ValidateBy({
    name: 'notCommonPassword',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !isCommonPassword(value),
      defaultMessage: () => 'password is on the list of commonly used passwords; choose another',
    },
  });

// class-validator checks a property's rules in the order they are registered and (stopAtFirstError) stops at
// the first failure: type and length cap first, so a 200 kB "password" is refused before anything looks at it.

/** A new password: at least 10 characters, at most 256, not a common one. */
function NewPassword(): PropertyDecorator {
  return (target, key) => {
    IsString({ message: 'password must be a string' })(target, key);
    MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })(target, key);
    MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })(target, key);
    NotCommonPassword()(target, key);
  };
}

function AccountEmail(): PropertyDecorator {
  return (target, key) => {
    Transform(normalise)(target, key);
    IsString({ message: 'email must be a string' })(target, key);
    MaxLength(254, { message: 'email must be at most 254 characters' })(target, key);
    IsAccountEmail()(target, key);
  };
}

export class SignUpDto implements SignUpRequest {
  @ApiProperty({ example: 'ada@example.com', description: 'Compared case-insensitively (Unicode NFKC, lower case)' })
  @AccountEmail()
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, description: 'Not on the common-password list' })
  @NewPassword()
  password!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string;
}

export class SignInDto implements SignInRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @AccountEmail()
  email!: string;

  @ApiProperty()
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  @IsString({ message: 'password must be a string' })
  password!: string;
}

export class PasswordResetDto implements PasswordResetRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @AccountEmail()
  email!: string;
}

export class PasswordResetConfirmDto implements PasswordResetConfirmRequest {
  @ApiProperty({ description: 'The token from the mailed link' })
  @MaxLength(200, { message: 'token must be at most 200 characters' })
  @IsString({ message: 'token must be a string' })
  token!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @NewPassword()
  password!: string;
}

export class AccountUserResponse implements AccountUserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty() onboardingCompleted!: boolean;

  static from(user: UserEntity): AccountUserResponse {
    return Object.assign(new AccountUserResponse(), {
      id: user.id,
      email: user.email,
      name: user.name,
      onboardingCompleted: user.onboardedAt !== null,
    });
  }
}

export class AuthResponseDto implements AuthResponse {
  @ApiProperty({ type: AccountUserResponse }) user!: AccountUserResponse;
  @ApiProperty({ description: 'Bearer token of the new session' }) token!: string;
}

export class SessionResponseDto implements SessionDto {
  @ApiProperty({ type: AccountUserResponse }) user!: AccountUserResponse;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
