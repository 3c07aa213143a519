import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { readFileVariable } from './file-variables';

/**
 * The generic config loader: a settings class is a plain class whose fields
 * are environment variables, with class-validator rules and defaults. Infra
 * has one (AppConfig); each domain declares its own slice in
 * `<domain>.config.ts` (PersonalizeConfig, SearchConfig, …). All are read and
 * validated by this one loader, which is the only code reading `process.env`.
 */
export type SettingsClass<T extends object = object> = new () => T;

/** String-to-value transforms for `@Transform(...)` on settings fields. */
export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
export const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
export const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The variables a settings class reads: every validated field. */
export function settingsKeys(cls: SettingsClass): string[] {
  const fields = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((m) => m.propertyName);
  return [...new Set(Object.keys(new cls()).concat(fields))];
}

/**
 * Reads one settings class from the environment (`NAME` or `NAME_FILE`), with
 * `overrides` winning. Returns the instance and every problem found, each
 * naming the variable, never its value (some are secrets).
 */
export function readSettings<T extends object>(
  cls: SettingsClass<T>,
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<string, string>>,
): { value: T; problems: string[] } {
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  for (const key of settingsKeys(cls)) {
    const value = overrides[key] ?? readFileVariable(key, env, problems) ?? env[key];
    if (value !== undefined) raw[key] = value;
  }
  const value = plainToInstance(cls, raw, { exposeDefaultValues: true });
  const errors = validateSync(value, { forbidUnknownValues: false });
  for (const e of errors) {
    const messages = Object.values(e.constraints ?? {})
      .map((m) => (m.startsWith(`${e.property} `) ? m.slice(e.property.length + 1) : m))
      .join('; ');
    problems.push(raw[e.property] === undefined ? `${e.property} is missing: it ${messages}` : `${e.property} is invalid: it ${messages}`);
  }
  return { value, problems };
}
