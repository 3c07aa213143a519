import { Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UserExportDto } from '@lectern/api-types';
import { ForbiddenError, Learner, LearnerGuard, RateLimit, RateLimitGuard, type LearnerIdentity } from '@lectern/infra';
import { AccountsService } from './accounts/accounts.service';
import { SessionService } from './accounts/session.service';
import { CreateUserResponseDto, UserResponse } from './dto/user.dto';
import { UsersService } from './users.service';

const ownId = () => new ParseUUIDPipe({ exceptionFactory: () => new ForbiddenError() });

@ApiTags('users')
@Controller('api/user')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly accounts: AccountsService,
  ) {}

  @Post('create')
  @HttpCode(201)
  @UseGuards(RateLimitGuard)
  @RateLimit('create-user')
  @ApiOperation({ summary: 'Create an anonymous learner; returns the learner and the bearer token of its session' })
  @ApiCreatedResponse({ type: CreateUserResponseDto })
  async create(): Promise<CreateUserResponseDto> {
    const user = await this.users.create();
    const session = await this.sessions.create(user.id, 'anonymous');
    return Object.assign(new CreateUserResponseDto(), { user: UserResponse.from(user), token: session.token });
  }

  @Get(':userId')
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiOkResponse({ type: UserResponse })
  async get(@Learner() learner: LearnerIdentity, @Param('userId', ownId()) userId: string): Promise<UserResponse> {
    if (userId !== learner.userId) throw new ForbiddenError();
    return UserResponse.from(await this.users.get(userId));
  }

  @Get(':userId/export')
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @Header('Content-Disposition', 'attachment; filename="lectern-export.json"')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The learner's whole record as JSON: account, answers, progress, feedback, tutor threads" })
  @ApiOkResponse({ description: 'The export' })
  async export(@Learner() learner: LearnerIdentity, @Param('userId', ownId()) userId: string): Promise<UserExportDto> {
    if (userId !== learner.userId) throw new ForbiddenError();
    return this.accounts.exportUser(userId);
  }

  @Delete(':userId')
  @HttpCode(204)
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiOperation({ summary: 'Delete the learner and everything of theirs (shared rewrites stay); their tokens answer 401' })
  @ApiNoContentResponse()
  async delete(@Learner() learner: LearnerIdentity, @Param('userId', ownId()) userId: string): Promise<void> {
    if (userId !== learner.userId) throw new ForbiddenError();
    await this.accounts.deleteUser(userId);
  }
}
