import { DynamicModule, Global, Module, type FactoryProvider } from '@nestjs/common';
import { AppConfig, configSlice, loadConfig } from './app-config';
import type { SettingsClass } from './settings';

/**
 * Provides the validated AppConfig everywhere. `forRoot()` reads the process
 * environment once; tests pass an explicit config.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

/**
 * A domain module's provider of its settings slice: `providers: [provideConfigSlice(PersonalizeConfig)]`,
 * then inject `PersonalizeConfig` like any class.
 */
export function provideConfigSlice<T extends object>(cls: SettingsClass<T>): FactoryProvider<T> {
  return { provide: cls, inject: [AppConfig], useFactory: (config: AppConfig) => configSlice(config, cls) };
}
