/**
 * One spelling per address: Unicode NFKC (so full-width or composed letters
 * match their plain forms), trimmed, lower case. Stored this way, so
 * "compared case-insensitively" is plain equality and one unique index.
 */
export function normaliseEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

// Deliberately simple (one @, a dot in the domain, no spaces): the mailed link is the real check.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/u;

export function isPlausibleEmail(normalised: string): boolean {
  return normalised.length <= 254 && EMAIL.test(normalised) && !normalised.includes('..');
}
