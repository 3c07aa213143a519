import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsService } from '@lectern/infra';
import { SearchRequestDto, SearchResponseDto } from './dto/search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Controller('api/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly metrics: MetricsService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search the book: full-text, fused with vector similarity when embeddings are available (mode says which)',
  })
  @ApiOkResponse({
    type: SearchResponseDto,
    description: 'A query with nothing to search for (only punctuation or emoji) answers no results',
  })
  @ApiBadRequestResponse({ description: 'An empty or over-long (> 500 characters) query, or a bad limit, layer or partSlug' })
  async query(@Body() body: SearchRequestDto): Promise<SearchResponseDto> {
    const started = performance.now();
    const response = await this.search.search(body);
    this.metrics.searchDuration.observe({ mode: response.mode }, (performance.now() - started) / 1000);
    return response;
  }
}
