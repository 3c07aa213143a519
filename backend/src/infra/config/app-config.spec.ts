import { ConfigError, loadConfig } from './app-config';

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
});
