import { Global, Module } from '@nestjs/common';
import { DraftStreamService } from './draft-stream.service';

/** Live drafts (Redis Streams) for whatever a worker writes and the API relays as server-sent events. */
@Global()
@Module({ providers: [DraftStreamService], exports: [DraftStreamService] })
export class StreamModule {}
