import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmBudget } from './llm-budget.service';
import { LlmCallEntity } from './llm-call.entity';
import { LlmUsageLedger } from './llm-usage-ledger.service';
import { LlmService } from './llm.service';
import { ProviderRateLimiter } from './provider-rate-limiter';

/** The LLM client, its usage ledger, the daily budget and the shared provider rate limit: separate providers. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([LlmCallEntity])],
  providers: [LlmService, LlmUsageLedger, LlmBudget, ProviderRateLimiter],
  exports: [LlmService, LlmUsageLedger, LlmBudget, ProviderRateLimiter],
})
export class LlmModule {}
