import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Structured JSON logs (one object per line) unless LOG_FORMAT=pretty. */
export function createLogger(config: Pick<AppConfig, 'LOG_FORMAT' | 'LOG_LEVEL'>, context = 'Lectern'): ConsoleLogger {
  const levels = ORDER.slice(0, ORDER.indexOf(config.LOG_LEVEL) + 1);
  return new ConsoleLogger(context, { json: config.LOG_FORMAT === 'json', colors: config.LOG_FORMAT === 'pretty', logLevels: levels });
}
