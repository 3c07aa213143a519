import { Body, Controller, HttpCode, Logger, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MetricsService, OptionalLearner, OptionalLearnerGuard, RateCounter, RateLimitedError, type LearnerIdentity } from '@lectern/infra';
import type { FastifyRequest } from 'fastify';
import { SearchRequestDto, SearchResponseDto } from './dto/search.dto';
import { SearchService } from './search.service';
import { SearchConfig } from './search.config';

@ApiTags('search')
@ApiBearerAuth('learner')
@UseGuards(OptionalLearnerGuard)
@Controller('api/search')
export class SearchController {
  private readonly logger = new Logger(SearchController.name);

  constructor(
    private readonly search: SearchService,
    private readonly metrics: MetricsService,
    private readonly config: SearchConfig,
    private readonly counter: RateCounter,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Search the book: full-text, fused with vector similarity when embeddings are available (mode says which). ' +
      'Without a learner token the answer is full-text only.',
  })
  @ApiOkResponse({
    type: SearchResponseDto,
    description: 'A query with nothing to search for (only punctuation or emoji) answers no results',
  })
  @ApiBadRequestResponse({ description: 'An empty or over-long (> 500 characters) query, or a bad limit, layer or partSlug' })
  @ApiResponse({ status: 429, description: 'Too many searches from this address or this learner in the last minute' })
  async query(
    @Body() body: SearchRequestDto,
    @OptionalLearner() learner: LearnerIdentity | undefined,
    @Req() request: FastifyRequest,
  ): Promise<SearchResponseDto> {
    await this.limit(request.ip, learner);
    const started = performance.now();
    // Query embeddings cost tokens: only learners (a token the server issued) get them; anonymous clients get full-text.
    const response = await this.search.search(body, learner ? {} : { mode: 'fulltext' });
    this.metrics.searchDuration.observe({ mode: response.mode }, (performance.now() - started) / 1000);
    return response;
  }

  /** Per address and per learner, in Redis; when Redis cannot answer the search goes on (it then cannot embed either). */
  private async limit(ip: string, learner: LearnerIdentity | undefined): Promise<void> {
    try {
      const byAddress = await this.counter.hit('search-ip', ip, 60);
      if (byAddress.count > this.config.SEARCH_PER_IP_PER_MINUTE)
        throw new RateLimitedError('searches from this address', byAddress.retryAfterSeconds);
      if (learner) {
        const byLearner = await this.counter.hit('search-learner', learner.userId, 60);
        if (byLearner.count > this.config.SEARCH_PER_LEARNER_PER_MINUTE)
          throw new RateLimitedError('searches', byLearner.retryAfterSeconds);
      }
    } catch (error) {
      if (error instanceof RateLimitedError) throw error;
      this.logger.warn(`Search rate limit not applied (Redis: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
}
