/**
 * Binds a cached token to the secret that obtained it (password or application-credential secret),
 * so that a run with a different secret misses the cache and asks Keystone, as keystoneauth's own
 * auth cache does by keying entries with the secret. What is kept is a salted scrypt hash, only
 * inside the protected payload (the 0600 file entry or the keychain secret, next to the token
 * itself), never in a cache key, a file name or keychain attributes: the key stays a digest of the
 * identity alone. scrypt is deliberately slow and memory-hard so that the hash does not make offline
 * guessing of the password cheap; its cost is paid once per run (bench/latency measures it).
 * node:crypto has scrypt built in; no package is needed.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost: N=2^12, r=8 (4 MiB; ~15 ms warm, ~30 ms in a fresh process), stored with each hash
 * so that it can be raised. N=2^14 cost ~110 ms per warm run here, three times the Glance round
 * trip it now overlaps with (session.ts unconfirmedToken), and broke the warm-run budget (README).
 */
export const SCRYPT_N = 1 << 12;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const KEY_LEN = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url), for a new token. */
export async function bindSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `binding` was made from `secret`; false for any other secret or a malformed binding. */
export async function secretMatches(binding: string | undefined, secret: string): Promise<boolean> {
  const parts = binding?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  // refuse costs an entry could use to stall a run (a cache file is ours, but be strict anyway)
  if (![n, r, p].every(Number.isSafeInteger) || n < 2 || n > 1 << 20 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 4) {
    return false;
  }
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (salt.length < 16 || expected.length !== KEY_LEN) return false;
  const actual = await derive(secret, salt, n, r, p).catch(() => undefined);
  return !!actual && timingSafeEqual(actual, expected);
}
