import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { bearerToken, Learner, LearnerGuard, UnauthorizedError, type LearnerIdentity } from '@lectern/infra';
import type { FastifyRequest } from 'fastify';
import { AccountsService } from './accounts/accounts.service';
import { SessionService } from './accounts/session.service';
import {
  AccountUserResponse,
  AuthResponseDto,
  PasswordResetConfirmDto,
  PasswordResetDto,
  SessionResponseDto,
  SignInDto,
  SignUpDto,
} from './dto/auth.dto';

@ApiTags('accounts')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionService,
  ) {}

  @Post('sign-up')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account; with an anonymous token, that learner becomes the account (same id)' })
  @ApiBearerAuth('learner')
  @ApiCreatedResponse({ type: AuthResponseDto })
  @ApiConflictResponse({ description: 'Email already registered' })
  async signUp(@Body() body: SignUpDto, @Req() request: FastifyRequest): Promise<AuthResponseDto> {
    const { user, session } = await this.accounts.signUp(body.email, body.password, body.name, bearerToken(request), request.ip);
    return Object.assign(new AuthResponseDto(), { user: AccountUserResponse.from(user), token: session.token });
  }

  @Post('sign-in')
  @HttpCode(200)
  @ApiOperation({ summary: "Sign in; an anonymous token's progress and threads are merged into the account" })
  @ApiBearerAuth('learner')
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (one answer either way)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this email, or requests from this address' })
  async signIn(@Body() body: SignInDto, @Req() request: FastifyRequest): Promise<AuthResponseDto> {
    const { user, session } = await this.accounts.signIn(body.email, body.password, bearerToken(request), request.ip);
    return Object.assign(new AuthResponseDto(), { user: AccountUserResponse.from(user), token: session.token });
  }

  @Post('sign-out')
  @HttpCode(204)
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiNoContentResponse({ description: 'The token answers 401 from now on, on every api instance' })
  async signOut(@Learner() learner: LearnerIdentity): Promise<void> {
    if (!learner.sessionId) throw new UnauthorizedError('No session to end');
    await this.sessions.revoke(learner.sessionId);
  }

  @Get('session')
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiOkResponse({ type: SessionResponseDto })
  async session(@Learner() learner: LearnerIdentity): Promise<SessionResponseDto> {
    const user = await this.accounts.sessionUser(learner.userId);
    const expiresAt = learner.sessionId ? await this.sessions.expiresAt(learner.sessionId) : null;
    if (!expiresAt) throw new UnauthorizedError('This session has ended; sign in again');
    return Object.assign(new SessionResponseDto(), { user: AccountUserResponse.from(user), expiresAt: expiresAt.toISOString() });
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a single-use reset link (1 hour); answers 202 whether or not the email has an account' })
  @ApiAcceptedResponse()
  async requestReset(@Body() body: PasswordResetDto, @Req() request: FastifyRequest): Promise<void> {
    await this.accounts.requestPasswordReset(body.email, request.ip);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password from a reset link; every other session of the account ends' })
  @ApiNoContentResponse()
  async confirmReset(@Body() body: PasswordResetConfirmDto, @Req() request: FastifyRequest): Promise<void> {
    const current = await this.sessions.resolve(bearerToken(request));
    await this.accounts.confirmPasswordReset(body.token, body.password, current?.sessionId);
  }
}
