import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from '@lectern/migrations';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/**
 * PostgreSQL through TypeORM. Entities register themselves from their domain
 * modules (`TypeOrmModule.forFeature`); the schema comes only from migrations.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.DATABASE_URL),
        autoLoadEntities: true,
        migrations,
      }),
    }),
  ],
})
export class DatabaseModule {}
