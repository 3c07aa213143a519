import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { COMMON_PASSWORDS_TEXT } from './common-passwords';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@lectern/api-types';

/**
 * argon2id (RFC 9106) with OWASP's recommended minimum: 19 MiB, 2 passes,
 * 1 lane. The PHC string stores the parameters and salt, so raising them
 * later still verifies old hashes.
 */
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const COMMON = new Set(
  COMMON_PASSWORDS_TEXT.split('\n')
    .map((line) => line.trim())
    .filter(Boolean),
);

export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.normalize('NFKC').toLowerCase());
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, made once: sign-in verifies against it when
 * the email is unknown, so both cases cost one argon2 verification.
 */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hash(`dummy-${Math.random()}-${Date.now()}`, OPTIONS);
  return dummy;
}
