import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PersonalizeService } from './personalize.service';

/**
 * Ready rewrites at content-addressed URLs (a ready answer's `contentUrl`):
 * the row's id and the SHA-256 of its text. What is at such a URL never
 * changes, so it is cacheable for a year by browsers and CDNs; any other
 * text, or a rewrite gone stale or deleted, is a 404. No token: the URL
 * itself (a random id and a hash) is what gives access, as for the lesson
 * text; a rewrite holds no data of the learner's beyond their answers' hash.
 */
@ApiTags('personalization')
@Controller('api/personalize/rewrites')
export class RewriteTextController {
  constructor(private readonly personalize: PersonalizeService) {}

  @Get(':id/:hash.md')
  @ApiOperation({ summary: 'A ready rewrite by its row id and the SHA-256 of its text: immutable; 404 once it is stale or gone' })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'text/markdown; charset=utf-8' })
  @ApiNotFoundResponse()
  async text(@Param('id') id: string, @Param('hash') hash: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const content = await this.personalize.rewriteByHash(id, hash);
    void reply
      .header('content-type', 'text/markdown; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', `"${hash}"`)
      .header('x-content-type-options', 'nosniff');
    return content;
  }
}
