import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/redis.module';

type Probe = 'up' | 'down';

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Probe> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: '{ database: "up", redis: "up" }' })
  @ApiServiceUnavailableResponse({ description: 'Names what is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ database: Probe; redis: Probe }> {
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1'), 2_000),
      probe(() => this.redis.ping(), 1_000),
    ]);
    if (database === 'down' || redis === 'down') void reply.status(503);
    return { database, redis };
  }
}
