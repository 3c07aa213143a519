import { Controller, Get, Injectable, Param, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EarlyReads, type EarlyRead, type ReadyAnswer } from '@lectern/infra';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PersonalizeService } from './personalize.service';

/** A ready rewrite's text at its content-addressed URL: what the controller and the fast path both send. */
function rewriteTextAnswer(body: string | Buffer, sha256: string): ReadyAnswer & { body: Buffer } {
  return {
    status: 200,
    headers: {
      'content-type': 'text/markdown; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${sha256}"`,
      'x-content-type-options': 'nosniff',
    },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

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
  async text(@Param('id') id: string, @Param('hash') hash: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const answer = rewriteTextAnswer(await this.personalize.rewriteByHash(id, hash), hash);
    void reply.status(answer.status).headers(answer.headers);
    return answer.body;
  }
}

/**
 * A kept rewrite's URL answered before Nest routes it (answerBeforeRouting),
 * with the controller's answer; a rewrite not in memory, and anything that is
 * not a plain hit, goes on to the controller.
 */
@Injectable()
export class RewriteTextFastPath extends EarlyReads {
  constructor(
    host: HttpAdapterHost,
    private readonly personalize: PersonalizeService,
  ) {
    super(host);
  }

  protected reads(): EarlyRead[] {
    return [
      {
        pattern: /^\/api\/personalize\/rewrites\/([0-9a-f-]{36})\/([0-9a-f]{64})\.md$/,
        answer: (m) => {
          const bytes = this.personalize.keptRewriteBytes(m[1], m[2]);
          return bytes && rewriteTextAnswer(bytes, m[2]);
        },
      },
    ];
  }
}
