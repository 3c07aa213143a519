import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ContentService } from './content.service';
import { etagMatches } from './etag';
import { llmsTxt, robotsTxt, sitemapXml } from './machine-readable';

/** scheme://host[:port] the request came to (behind a proxy: its X-Forwarded-* headers when TRUST_PROXY allows them). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The book for programs, at the site's root: sitemap.xml, robots.txt,
 * llms.txt and each lesson's Markdown at `/lessons/{slug}.md` (next to its
 * page at `/lessons/{slug}`). Mutable answers: ETag and revalidation.
 */
@ApiExcludeController()
@Controller()
export class MachineReadableController {
  constructor(private readonly content: ContentService) {}

  @Get('sitemap.xml')
  async sitemap(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { tree } = await this.content.snapshot();
    void reply.header('content-type', 'application/xml; charset=utf-8').header('cache-control', 'public, max-age=300');
    return sitemapXml(originOf(request), tree);
  }

  @Get('robots.txt')
  robots(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=300');
    return robotsTxt(originOf(request));
  }

  @Get('llms.txt')
  async llms(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { tree } = await this.content.snapshot();
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=300');
    return llmsTxt(originOf(request), tree);
  }

  @Get('lessons/:slug.md')
  async markdown(
    @Param('slug') slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const lesson = await this.content.lesson(slug);
    const etag = `"${lesson.contentHash}"`;
    void reply
      .header('etag', etag)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('link', `<${originOf(request)}/lessons/${encodeURIComponent(slug)}>; rel="canonical"`);
    if (etagMatches(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    const markdown = await this.content.textBytesOf(lesson);
    void reply.header('content-type', 'text/markdown; charset=utf-8');
    return markdown;
  }
}
