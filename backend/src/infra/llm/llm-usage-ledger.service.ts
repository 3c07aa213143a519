import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';
import { LlmCallEntity } from './llm-call.entity';

/**
 * Every LLM call, kept: a row in `llm_calls` (tokens, cost, duration,
 * outcome) and the worker's metrics. Recording never fails the call.
 */
@Injectable()
export class LlmUsageLedger {
  private readonly logger = new Logger(LlmUsageLedger.name);

  constructor(
    @InjectRepository(LlmCallEntity) private readonly calls: Repository<LlmCallEntity>,
    private readonly metrics: MetricsService,
  ) {}

  async record(row: Partial<LlmCallEntity> & Pick<LlmCallEntity, 'model'>): Promise<void> {
    const model = row.model;
    this.metrics.llmCalls.inc({ model, purpose: row.purpose ?? 'unknown', outcome: row.outcome ?? 'ok' });
    if (row.promptTokens) this.metrics.llmTokens.inc({ model, kind: 'prompt' }, row.promptTokens);
    if (row.completionTokens) this.metrics.llmTokens.inc({ model, kind: 'completion' }, row.completionTokens);
    if (row.costUsd) this.metrics.llmCost.inc({ model }, Number(row.costUsd));
    try {
      await this.calls.insert(row);
    } catch (error) {
      this.logger.warn(`Could not record an LLM call: ${String(error)}`);
    }
  }
}
