import './compile-cache';
import { DataSource } from 'typeorm';
import { CliApp } from './commands/cli-app';

/**
 * The data source TypeORM's own CLI takes (`typeorm migration:generate -d
 * dist/backend/data-source.js migrations/Name`; `npm run cli -- migration:generate`
 * runs the same generator): the options of the app's connection (DATABASE_URL,
 * every entity the domain modules register, the migrations), not yet connected.
 */
export const dataSource: Promise<DataSource> = new CliApp().withDataSource(async (connected) => new DataSource({ ...connected.options }));
