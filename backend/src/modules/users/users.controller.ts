import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError, Learner, LearnerGuard, RateLimit, RateLimitGuard, TokenService, type LearnerIdentity } from '@lectern/infra';
import { CreateUserResponseDto, UserResponse } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/user')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Post('create')
  @HttpCode(201)
  @UseGuards(RateLimitGuard)
  @RateLimit('create-user')
  @ApiOperation({ summary: 'Create an anonymous learner; returns the learner and its bearer token' })
  @ApiCreatedResponse({ type: CreateUserResponseDto })
  async create(): Promise<CreateUserResponseDto> {
    const user = await this.users.create();
    return Object.assign(new CreateUserResponseDto(), { user: UserResponse.from(user), token: this.tokens.issue(user.id) });
  }

  @Get(':userId')
  @UseGuards(LearnerGuard)
  @ApiBearerAuth('learner')
  @ApiOkResponse({ type: UserResponse })
  async get(
    @Learner() learner: LearnerIdentity,
    @Param('userId', new ParseUUIDPipe({ exceptionFactory: () => new ForbiddenError() })) userId: string,
  ): Promise<UserResponse> {
    if (userId !== learner.userId) throw new ForbiddenError();
    return UserResponse.from(await this.users.get(userId));
  }
}
