import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process. The api serves them at /metrics; a
 * worker serves its own (job durations, LLM calls, tokens and cost) on
 * WORKER_METRICS_PORT. Label values are bounded (routes, not URLs).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'lectern_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'lectern_queue_jobs',
    help: 'Jobs in each queue by state (sampled when scraped)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'lectern_job_duration_seconds',
    help: 'Time a worker spent on a job attempt',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly llmCalls = new Counter({
    name: 'lectern_llm_calls_total',
    help: 'Requests to the LLM provider',
    labelNames: ['model', 'purpose', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly llmTokens = new Counter({
    name: 'lectern_llm_tokens_total',
    help: 'LLM tokens used',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly llmCost = new Counter({
    name: 'lectern_llm_cost_usd_total',
    help: 'Estimated LLM cost in US dollars',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly personalizeCache = new Counter({
    name: 'lectern_personalize_cache_total',
    help: 'Personalization requests answered from the cache (hit) or sent to a job (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly personalizeFeedback = new Counter({
    name: 'lectern_personalize_feedback_total',
    help: 'Learner feedback on personalized rewrites, by rating and reason (a resend counts again)',
    labelNames: ['rating', 'reason'] as const,
    registers: [this.registry],
  });

  readonly searchDuration = new Histogram({
    name: 'lectern_search_duration_seconds',
    help: 'Search latency by mode',
    labelNames: ['mode'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lectern_' });
  }
}
