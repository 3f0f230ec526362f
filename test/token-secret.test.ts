/**
 * A cached token answers only for the secret that obtained it (real Keystone, file store): a wrong
 * OS_PASSWORD misses the cache and gets Keystone's 401 (exit 1, as glanceclient), the right one
 * still hits; a changed password works on the next run and the old one stops; the entry holds a
 * salted scrypt hash beside the token and nothing of the password, and its file name (the cache
 * key) is the same whatever the password.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const admin = stackEnv('admin');
const demo = stackEnv('demo');
const xdg = mkdtempSync(join(tmpdir(), 'tsglance-token-secret-'));
const cache = join(xdg, 'tsglance');
const noKeychain = { XDG_CACHE_HOME: xdg, DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: undefined, DISPLAY: undefined };
const hit = (stderr: string) => /token cache hit/.test(stderr);
const entryFiles = () => readdirSync(cache).filter((f) => f.endsWith('.json'));

/** openstack CLI as the stack's admin (set-up only). */
function openstack(args: string[]): string {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OS_')) env[k] = v;
  return execFileSync('openstack', args, { env: { ...env, ...admin }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the token cache is bound to the secret', () => {
  it('a wrong password is never answered from the cache; the right one still is', async () => {
    const warm = await tsglance(['image-list', '--debug'], { env: noKeychain });
    expect(warm.code, warm.stderr).toBe(0);
    const again = await tsglance(['image-list', '--debug'], { env: noKeychain });
    expect(hit(again.stderr), again.stderr).toBe(true);

    const wrong = await tsglance(['image-list', '--debug'], { env: { ...noKeychain, OS_PASSWORD: 'wrong-password' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401/);
    expect(wrong.stdout).toBe('');
    // the read sent beside the (slow) secret check is dropped unread when the check fails
    expect(wrong.stderr).toMatch(/the answer to GET \S+ is not used: the cached token belongs to another secret/);
    expect(wrong.stderr).not.toMatch(/token cache hit/);

    // a request that changes something never goes out before the check: no DELETE with the cached token
    const del = await tsglance(['image-delete', '--debug', '00000000-0000-4000-8000-000000000000'], {
      env: { ...noKeychain, OS_PASSWORD: 'wrong-password' },
    });
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/401/);
    expect(del.stderr).not.toMatch(/REQ DELETE/);
    const theirs = await glance(['image-list'], { env: { OS_PASSWORD: 'wrong-password' } });
    expect(theirs.code).toBe(1);

    const right = await tsglance(['image-list', '--debug'], { env: noKeychain });
    expect(right.code).toBe(0);
    expect(hit(right.stderr), right.stderr).toBe(true);

    // one entry, named by the identity alone; a salted scrypt hash inside, no password anywhere
    expect(entryFiles()).toHaveLength(1);
    const text = readFileSync(join(cache, entryFiles()[0]), 'utf8');
    expect(text).not.toContain(admin.OS_PASSWORD);
    expect(JSON.parse(text).binding).toMatch(/^scrypt\$4096\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  });

  describe('a changed password takes effect on the next run', () => {
    const user = uniqueName('edges-user');
    const first = `pw-${Math.random().toString(36).slice(2)}`;
    const second = `pw-${Math.random().toString(36).slice(2)}`;
    const as = (password: string) => ({
      as: 'none' as const,
      env: {
        ...noKeychain,
        OS_AUTH_URL: demo.OS_AUTH_URL,
        OS_USERNAME: user,
        OS_PASSWORD: password,
        OS_USER_DOMAIN_NAME: demo.OS_USER_DOMAIN_NAME,
        OS_PROJECT_NAME: demo.OS_PROJECT_NAME,
        OS_PROJECT_DOMAIN_NAME: demo.OS_PROJECT_DOMAIN_NAME,
        OS_REGION_NAME: demo.OS_REGION_NAME,
      },
    });
    beforeAll(() => {
      openstack(['user', 'create', '--domain', demo.OS_USER_DOMAIN_NAME, '--password', first, user]);
      openstack(['role', 'add', '--user', user, '--user-domain', demo.OS_USER_DOMAIN_NAME, '--project', demo.OS_PROJECT_NAME, '--project-domain', demo.OS_PROJECT_DOMAIN_NAME, 'member']);
    });
    afterAll(() => {
      openstack(['user', 'delete', '--domain', demo.OS_USER_DOMAIN_NAME, user]);
    });

    it('the new password authenticates at once, the old one is refused by Keystone', async () => {
      const before = await tsglance(['image-list'], as(first));
      expect(before.code, before.stderr).toBe(0);
      openstack(['user', 'set', '--domain', demo.OS_USER_DOMAIN_NAME, '--password', second, user]);
      // Keystone revokes the user's tokens on a password change, and a Fernet token carries its
      // issue time in whole seconds: one issued within the same second as the revocation counts as
      // revoked (Glance answers 401 to the new password's token too). Wait for the next second.
      await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
      const next = await tsglance(['image-list', '--debug'], as(second));
      expect(next.code, next.stderr).toBe(0);
      expect(hit(next.stderr)).toBe(false);
      expect(next.stderr).toContain('POST');
      const old = await tsglance(['image-list'], as(first));
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/401/);
    });
  });
});
