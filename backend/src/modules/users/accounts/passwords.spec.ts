import { dummyPasswordHash, hashPassword, isCommonPassword, verifyPassword } from './passwords';
import { isPlausibleEmail, normaliseEmail } from './email';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hashed = await hashPassword('correct horse battery');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(hashed, 'correct horse battery')).resolves.toBe(true);
    await expect(verifyPassword(hashed, 'correct horse batterz')).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('answers false, not an error, for a malformed stored hash', async () => {
    await expect(verifyPassword('not-a-hash', 'whatever12345')).resolves.toBe(false);
  });

  it('has one dummy hash that no ordinary password matches', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toBe(await dummyPasswordHash());
    await expect(verifyPassword(dummy, 'password123')).resolves.toBe(false);
  });

  it.each(['password123', 'Password123', 'QWERTYUIOP', 'iloveyou2020', '1234567890', 'qwerty123456', 'summer2024!'])(
    'knows %p as common',
    (password) => expect(isCommonPassword(password)).toBe(true),
  );

  it.each(['violet-otter-lantern', 'Tr4ms & fjords', 'correct horse battery'])('lets %p through', (password) =>
    expect(isCommonPassword(password)).toBe(false),
  );
});

describe('emails', () => {
  it('normalises with NFKC, trims and lower-cases', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    // Full-width letters and the "@" fold to ASCII under NFKC.
    expect(normaliseEmail('ＡＤＡ＠example.com')).toBe('ada@example.com');
    // A composed é and e + combining accent become one spelling.
    expect(normaliseEmail('rene\u0301@example.com')).toBe(normaliseEmail('ren\u00e9@example.com'));
  });

  it.each(['ada@example.com', 'a.b+c@sub.example.org', 'rené@exemple.fr'])('accepts %p', (email) =>
    expect(isPlausibleEmail(email)).toBe(true),
  );

  it.each([
    '',
    'ada',
    'ada@',
    '@example.com',
    'ada@example',
    'a da@example.com',
    'ada@@example.com',
    'ada@example..com',
    `${'a'.repeat(250)}@x.com`,
  ])('refuses %p', (email) => expect(isPlausibleEmail(email)).toBe(false));
});
