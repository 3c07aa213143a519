import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmCallEntity } from './llm-call.entity';
import { LlmService } from './llm.service';

@Global()
@Module({ imports: [TypeOrmModule.forFeature([LlmCallEntity])], providers: [LlmService], exports: [LlmService] })
export class LlmModule {}
