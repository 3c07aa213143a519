import { adminCredential, isAdmin } from './admin.guard';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('admin credential', () => {
  const secret = 'admin-secret-0123456789';

  it('accepts the token as a bearer token or as a basic-auth password', () => {
    expect(isAdmin({ headers: { authorization: `Bearer ${secret}` } }, secret)).toBe(true);
    expect(isAdmin({ headers: { authorization: basic('admin', secret) } }, secret)).toBe(true);
  });

  it('rejects a wrong, missing or malformed credential', () => {
    expect(isAdmin({ headers: { authorization: `Bearer ${secret}x` } }, secret)).toBe(false);
    expect(isAdmin({ headers: {} }, secret)).toBe(false);
    expect(isAdmin({ headers: { authorization: 'Basic !!!' } }, secret)).toBe(false);
    expect(adminCredential({ headers: { authorization: 'Token abc' } })).toBeUndefined();
  });
});
