import { createTestApp, type TestApp } from '@lectern/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppModule } from '../src/app.module';

const SECRETS_SH = resolve(__dirname, '../../scripts/lib/secrets.sh');

/**
 * `npm start`'s secret handling (scripts/lib/secrets.sh, sourced by
 * scripts/start.sh and scripts/cli.sh), run in bash as start.sh runs it: a
 * variable set in the environment always wins over .lectern/secrets.env.
 */
function loadSecrets(file: string, env: Record<string, string>): { TOKEN_SECRET: string; ADMIN_TOKEN: string } {
  const out = execFileSync(
    'bash',
    [
      '-c',
      'set -euo pipefail; source "$1"; load_secrets "$2"; printf "%s\\n%s\\n" "$TOKEN_SECRET" "$ADMIN_TOKEN"',
      'start',
      SECRETS_SH,
      file,
    ],
    // Only what a shell needs, plus node (generation uses it) and the variables under test.
    { env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...env }, encoding: 'utf8' },
  );
  const [TOKEN_SECRET, ADMIN_TOKEN] = out.trimEnd().split('\n');
  return { TOKEN_SECRET, ADMIN_TOKEN };
}

describe("npm start's secrets: the environment wins, each variable on its own", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ADMIN_TOKEN=… with an existing secrets file keeps the operator token and takes TOKEN_SECRET from the file', () => {
    const file = join(dir, 'secrets.env');
    writeFileSync(file, 'TOKEN_SECRET=file-secret-file-secret-file-secret-0123\nADMIN_TOKEN=generated-admin-token-123\n');
    expect(loadSecrets(file, { ADMIN_TOKEN: 'x-operator-chosen-token' })).toEqual({
      TOKEN_SECRET: 'file-secret-file-secret-file-secret-0123',
      ADMIN_TOKEN: 'x-operator-chosen-token',
    });
    expect(loadSecrets(file, { TOKEN_SECRET: 'env-secret-env-secret-env-secret-012345' })).toEqual({
      TOKEN_SECRET: 'env-secret-env-secret-env-secret-012345',
      ADMIN_TOKEN: 'generated-admin-token-123',
    });
  });

  it('generates the file (mode 600) on the first start, still keeping the operator token', () => {
    const file = join(dir, '.lectern', 'secrets.env');
    const first = loadSecrets(file, { ADMIN_TOKEN: 'x-operator-chosen-token' });
    expect(first.ADMIN_TOKEN).toBe('x-operator-chosen-token');
    expect(first.TOKEN_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The next start reads the same TOKEN_SECRET (learners stay signed in).
    expect(loadSecrets(file, {}).TOKEN_SECRET).toBe(first.TOKEN_SECRET);
    expect(readFileSync(file, 'utf8')).toMatch(/^ADMIN_TOKEN=/m);
  });

  it('writes no file when both are set in the environment', () => {
    const file = join(dir, 'secrets.env');
    const env = { TOKEN_SECRET: 'env-secret-env-secret-env-secret-012345', ADMIN_TOKEN: 'x-operator-chosen-token' };
    expect(loadSecrets(file, env)).toEqual(env);
    expect(existsSync(file)).toBe(false);
  });

  describe('Bull Board with the operator token', () => {
    let t: TestApp;
    afterAll(async () => {
      await t?.close();
    });

    it('opens with the ADMIN_TOKEN the operator set, not the generated one', async () => {
      const file = join(dir, 'secrets.env');
      writeFileSync(file, 'TOKEN_SECRET=file-secret-file-secret-file-secret-0123\nADMIN_TOKEN=generated-admin-token-123\n');
      const secrets = loadSecrets(file, { ADMIN_TOKEN: 'x-operator-chosen-token' });
      t = await createTestApp((config) => AppModule.forRoot(config), secrets);
      const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });
      expect((await t.app.inject({ method: 'GET', url: '/admin/queues', headers: basic('x-operator-chosen-token') })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/admin/queues', headers: basic('generated-admin-token-123') })).statusCode).toBe(
        401,
      );
    });
  });
});
