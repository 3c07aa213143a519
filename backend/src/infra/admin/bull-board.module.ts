import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAdmin } from '../auth/admin.guard';
import { AppConfig } from '../config/app-config';
import { errorBody } from '../errors/http-exception.filter';
import { QueueRegistry } from '../queue/queue-registry';
import { QueueService } from '../queue/queue.service';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues behind the admin credential. Nest middleware
 * does not run for routes registered straight on Fastify (bull-board issues
 * #582, #698), so the board is registered as a Fastify plugin inside its own
 * scope whose onRequest hook checks the credential first: every path under
 * it answers 401 without it (browsers get a basic-auth prompt).
 */
@Injectable()
class BullBoardRegistrar implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: QueueService,
    private readonly registry: QueueRegistry,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    createBullBoard({
      queues: this.registry.all().map((queue) => new BullMQAdapter(this.queues.queue(queue))),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Lectern queues' } },
    });
    const adminToken = this.config.ADMIN_TOKEN;
    const deny = async (reply: FastifyReply): Promise<void> => {
      await reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Lectern admin", charset="UTF-8"')
        .send(
          errorBody(401, 'Admin credential required: the ADMIN_TOKEN as a bearer token, or as the basic-auth password', 'unauthorized'),
        );
    };
    await fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          if (!isAdmin(request, adminToken)) await deny(reply);
        });
        // Unknown paths and methods under the board: 401 without the credential too, so nothing about it is revealed.
        scope.setNotFoundHandler(async (request, reply) => {
          if (!isAdmin(request, adminToken)) return deny(reply);
          await reply.status(404).send(errorBody(404, `Cannot ${request.method} ${request.url}`));
        });
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: BULL_BOARD_PATH },
    );
  }
}

@Module({ providers: [BullBoardRegistrar] })
export class BullBoardModule {}
