import type { AppConfig } from '../config/app-config';
import { TokenService } from './token.service';

const config = { TOKEN_SECRET: 'a'.repeat(40), TOKEN_TTL_DAYS: 30 } as AppConfig;
const userId = '0b7e2f4c-1d2a-4c3b-9e8f-123456789abc';

describe('TokenService', () => {
  const tokens = new TokenService(config);

  it('round-trips the user id', () => {
    const result = tokens.verify(tokens.issue(userId));
    expect(result).toEqual({ ok: true, claims: expect.objectContaining({ sub: userId }) });
  });

  it('carries the user id readably but no secret', () => {
    const token = tokens.issue(userId);
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.sub).toBe(userId);
    expect(token).not.toContain(config.TOKEN_SECRET);
  });

  it('rejects a token whose claims were changed', () => {
    const [prefix, , signature] = tokens.issue(userId).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: '11111111-1111-4111-8111-111111111111', iat: 1, exp: 9_999_999_999 })).toString(
      'base64url',
    );
    expect(tokens.verify(`${prefix}.${forged}.${signature}`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a token signed with another secret', () => {
    const other = new TokenService({ ...config, TOKEN_SECRET: 'b'.repeat(40) } as AppConfig);
    expect(tokens.verify(other.issue(userId))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects an expired token', () => {
    const issuedLongAgo = tokens.issue(userId, Date.now() - 31 * 86_400_000);
    expect(tokens.verify(issuedLongAgo)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each(['', 'abc', 'lt1..', 'lt1.x.y.z', 'Bearer x'])('rejects malformed input %p', (input) => {
    expect(tokens.verify(input).ok).toBe(false);
  });
});
