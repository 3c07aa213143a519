import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsGuard } from './metrics.guard';

/** The /metrics endpoint of the api process. */
@Module({ controllers: [MetricsController], providers: [MetricsGuard] })
export class MetricsHttpModule {}
