import { ContentConfig } from '@lectern/content';
import { loadConfig, type AppConfig, type SettingsClass } from '@lectern/infra';
import { PersonalizeConfig } from '@lectern/personalize';
import { SearchConfig } from '@lectern/search';
import { TutorConfig } from '@lectern/tutor';
import { UsersConfig } from '@lectern/users';

/** Every domain's settings slice (`<domain>.config.ts`): validated with the infrastructure's before any process starts. */
export const CONFIG_SLICES: readonly SettingsClass[] = [UsersConfig, ContentConfig, PersonalizeConfig, SearchConfig, TutorConfig];

/** The api, worker and cli's configuration: AppConfig and every slice, one error naming every bad variable. */
export function loadAppConfig(overrides: Partial<Record<string, string>> = {}): AppConfig {
  return loadConfig(undefined, overrides, CONFIG_SLICES);
}
