import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { ConfigError, configSlice, loadConfig } from './app-config';
import { toInt } from './settings';

/** A domain's settings slice, as a domain declares it in `<domain>.config.ts`. */
class ExampleDomainConfig {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EXAMPLE_RATE_PER_MINUTE = 20;
}

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lectern',
  TOKEN_SECRET: 's'.repeat(32),
  ADMIN_TOKEN: 'a'.repeat(16),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('accepts the required variables and fills defaults', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.llmConfigured).toBe(false);
  });

  it('parses numbers from strings', () => {
    expect(loadConfig({ ...valid, PORT: '8080' }).PORT).toBe(8080);
  });

  it('names every missing required variable', () => {
    const found = problems({});
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL is missing/),
        expect.stringMatching(/^TOKEN_SECRET is missing/),
        expect.stringMatching(/^ADMIN_TOKEN is missing/),
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('names each invalid variable without echoing its value', () => {
    const found = problems({ ...valid, PORT: 'eighty', TOKEN_SECRET: 'short-secret', REDIS_URL: 'http://x' });
    expect(found.map((p) => p.split(' ')[0]).sort()).toEqual(['PORT', 'REDIS_URL', 'TOKEN_SECRET']);
    expect(found.join('\n')).not.toContain('short-secret');
  });

  it('treats an empty optional variable as unset', () => {
    expect(loadConfig({ ...valid, OPENAI_BASE_URL: '' }).OPENAI_BASE_URL).toBeUndefined();
  });

  it('knows an LLM is configured by key or base URL', () => {
    expect(loadConfig({ ...valid, OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' }).llmConfigured).toBe(true);
  });

  describe('NAME_FILE (secrets as files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-config-'));
    const file = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const { TOKEN_SECRET: _token, ADMIN_TOKEN: _admin, ...rest } = valid;

    it('reads a variable from the file NAME_FILE names, dropping the trailing newline', () => {
      const config = loadConfig({
        ...rest,
        TOKEN_SECRET_FILE: file('token', `${'t'.repeat(40)}\n`),
        ADMIN_TOKEN_FILE: file('admin', 'b'.repeat(20)),
        PORT_FILE: file('port', '8081\n'),
      });
      expect(config.TOKEN_SECRET).toBe('t'.repeat(40));
      expect(config.ADMIN_TOKEN).toBe('b'.repeat(20));
      expect(config.PORT).toBe(8081);
    });

    it('validates what the file holds like any other value, without echoing it', () => {
      const found = problems({ ...rest, ADMIN_TOKEN: 'a'.repeat(16), TOKEN_SECRET_FILE: file('short', 'too-short-secret\n') });
      expect(found).toEqual([expect.stringMatching(/^TOKEN_SECRET is invalid: it must be at least 32 characters/)]);
      expect(found.join('\n')).not.toContain('too-short-secret');
    });

    it('refuses NAME and NAME_FILE together', () => {
      const found = problems({ ...valid, TOKEN_SECRET_FILE: file('token2', 'u'.repeat(40)) });
      expect(found).toEqual([expect.stringMatching(/^TOKEN_SECRET is set twice: set either TOKEN_SECRET or TOKEN_SECRET_FILE, not both/)]);
    });

    it('names an unreadable file by its path', () => {
      const missing = join(dir, 'nope');
      const found = problems({ ...rest, ADMIN_TOKEN: 'a'.repeat(16), TOKEN_SECRET_FILE: missing });
      expect(found).toEqual(
        expect.arrayContaining([
          `TOKEN_SECRET_FILE names a file that cannot be read (${missing}): ENOENT`,
          expect.stringMatching(/^TOKEN_SECRET is missing/),
        ]),
      );
    });
  });

  describe('domain settings slices', () => {
    it('validates a slice with the infrastructure settings, naming the problems of both in one error', () => {
      const found: string[] = [];
      try {
        loadConfig({ ...valid, PORT: 'x', EXAMPLE_RATE_PER_MINUTE: '0' }, {}, [ExampleDomainConfig]);
      } catch (error) {
        if (error instanceof ConfigError) found.push(...error.problems);
      }
      expect(found).toEqual([
        expect.stringMatching(/^PORT is invalid/),
        expect.stringMatching(/^EXAMPLE_RATE_PER_MINUTE is invalid: it must not be less than 1/),
      ]);
    });

    it('gives the slice loaded at start-up, with its defaults and overrides', () => {
      const config = loadConfig(valid, { EXAMPLE_RATE_PER_MINUTE: '7' }, [ExampleDomainConfig]);
      expect(configSlice(config, ExampleDomainConfig)).toEqual(Object.assign(new ExampleDomainConfig(), { EXAMPLE_RATE_PER_MINUTE: 7 }));
      expect(configSlice(loadConfig(valid, {}, [ExampleDomainConfig]), ExampleDomainConfig).EXAMPLE_RATE_PER_MINUTE).toBe(20);
      // The infrastructure's settings do not carry the domain's.
      expect(Object.keys(config)).not.toContain('EXAMPLE_RATE_PER_MINUTE');
    });

    it('reads a slice not loaded at start-up from the same environment, and rejects a bad value then', () => {
      expect(configSlice(loadConfig({ ...valid, EXAMPLE_RATE_PER_MINUTE: '3' }), ExampleDomainConfig).EXAMPLE_RATE_PER_MINUTE).toBe(3);
      const late = loadConfig({ ...valid, EXAMPLE_RATE_PER_MINUTE: 'many' });
      expect(() => configSlice(late, ExampleDomainConfig)).toThrow(/EXAMPLE_RATE_PER_MINUTE is invalid/);
    });
  });
});
