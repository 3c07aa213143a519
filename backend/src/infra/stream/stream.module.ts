import { Global, Module } from '@nestjs/common';
import { DraftStreamService } from './draft-stream.service';

/** Draft streams (Redis Streams) for text written by a worker while a client watches. */
@Global()
@Module({ providers: [DraftStreamService], exports: [DraftStreamService] })
export class StreamModule {}
