import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MetricsGuard } from './metrics.guard';
import { MetricsService } from './metrics.service';
import { QueueService } from '../queue/queue.service';
import { QueueRegistry } from '../queue/queue-registry';

/** GET /metrics: Prometheus text (the admin credential unless METRICS_AUTH=none). */
@ApiExcludeController()
@Controller('metrics')
@UseGuards(MetricsGuard)
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: QueueService,
    private readonly registry: QueueRegistry,
  ) {}

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await Promise.all(
      this.registry.names().map(async (name) => {
        const counts = await this.queues
          .queue(name)
          .getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized')
          .catch(() => null);
        for (const [state, value] of Object.entries(counts ?? {})) this.metrics.queueJobs.set({ queue: name, state }, value);
      }),
    );
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
