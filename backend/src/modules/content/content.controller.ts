import { Controller, Get, Headers, Param, ParseIntPipe, Res } from '@nestjs/common';
import { NotFoundError } from '@lectern/infra';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { bookAnswer, type ContentAnswer, IMMUTABLE, lessonAnswer, lessonContentAnswer, textAnswer } from './content-answers';
import { ContentService } from './content.service';
import { BookResponse, ChapterResponse, LessonResponse, PartResponse, PartSummaryResponse } from './dto/content.dto';

/** Sends a hot read's answer through Nest (ContentFastPath sends the same answers before Nest routes them). */
function send(reply: FastifyReply, answer: ContentAnswer): Buffer | undefined {
  void reply.status(answer.status).headers(answer.headers);
  return answer.body;
}

@ApiTags('content')
@Controller('api/content')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get('book')
  @ApiOperation({ summary: 'The whole book tree in reading order (ETag; 304 on If-None-Match)' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: BookResponse })
  @ApiProduces('application/json')
  @ApiResponse({ status: 304, description: 'Not modified' })
  async book(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer | undefined> {
    return send(reply, await bookAnswer(this.content, ifNoneMatch));
  }

  @Get('parts')
  @ApiOkResponse({ type: [PartSummaryResponse] })
  parts(): Promise<PartSummaryResponse[]> {
    return this.content.partSummaries();
  }

  @Get('parts/:number')
  @ApiOkResponse({ type: PartResponse })
  @ApiNotFoundResponse()
  part(@Param('number', ParseIntPipe) number: number): Promise<PartResponse> {
    return this.content.part(number);
  }

  @Get('chapters/:number')
  @ApiOperation({ summary: 'One chapter by its global number' })
  @ApiOkResponse({ type: ChapterResponse })
  @ApiNotFoundResponse()
  chapter(@Param('number', ParseIntPipe) number: number): Promise<ChapterResponse> {
    return this.content.chapter(number);
  }

  @Get('lessons/:slug')
  @ApiOkResponse({ type: LessonResponse })
  @ApiProduces('application/json')
  @ApiNotFoundResponse()
  async lesson(@Param('slug') slug: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer | undefined> {
    return send(reply, await lessonAnswer(this.content, slug));
  }

  @Get('text/:hash.md')
  @ApiOperation({
    summary:
      "A lesson's Markdown by the SHA-256 of its text (a lesson's `contentUrl`): immutable, cacheable for a year; 404 once no lesson of the book has that text",
  })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'text/markdown; charset=utf-8' })
  @ApiNotFoundResponse()
  async text(@Param('hash') hash: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new NotFoundError('text_not_found', `No text "${hash}.md"`);
    return send(reply, await textAnswer(this.content, await this.content.lessonByHash(hash)));
  }

  @Get('assets/:file')
  @ApiOperation({ summary: 'An image or file of the book by {sha256}.{ext}: immutable; SVG is sandboxed so no script in it runs' })
  @ApiOkResponse({ description: 'The bytes, with their content type' })
  @ApiNotFoundResponse()
  async asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const asset = await this.content.asset(file);
    void reply
      .header('content-type', asset.contentType)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      // No script runs in an image opened on its own (an SVG can carry <script>); inline styles only.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    if (!asset.contentType.startsWith('image/') || asset.ext === 'svg') void reply.header('content-disposition', asset.ext === 'svg' ? 'inline' : 'attachment');
    return asset.data;
  }

  @Get('lessons/:slug/content')
  @ApiOperation({ summary: "The lesson's Markdown; ETag is its content hash (304 on If-None-Match)" })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'text/markdown; charset=utf-8' })
  @ApiNotFoundResponse()
  async lessonContent(
    @Param('slug') slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return send(reply, await lessonContentAnswer(this.content, slug, ifNoneMatch));
  }
}
