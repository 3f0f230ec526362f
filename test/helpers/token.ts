/**
 * Token-cache test helpers: Keystone's token requests counted from its uWSGI log, raw Keystone
 * calls (node:http: fetch refuses some stack ports), and a shell script run inside a private
 * D-Bus session with an unlocked gnome-keyring (the keychain tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, collect, ROOT, type RunOpts, type RunResult } from './run.js';
import { issueToken, rest, stackEnv, stackState } from './stack.js';

/** POST /v3/auth/tokens lines in Keystone's log so far (Glance's own validations are GETs). */
export function keystonePosts(): number {
  const log = readFileSync(join(stackState(), 'logs', 'keystone.log'), 'utf8');
  return (log.match(/ POST \/v3\/auth\/tokens /g) ?? []).length;
}

/** The count once uWSGI has written the last lines (it logs after the response). */
export async function settledPosts(): Promise<number> {
  let last = keystonePosts();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = keystonePosts();
    if (now === last) return now;
    last = now;
  }
}

/** An admin token straight from Keystone (not through tsglance, not cached). */
export async function adminToken(): Promise<string> {
  return (await issueToken('admin')).token;
}

/** DELETE /v3/auth/tokens: Keystone revokes `token`; returns the HTTP status (204). */
export async function revokeToken(token: string): Promise<number> {
  const e = stackEnv('admin');
  const res = await rest('DELETE', `${e.OS_AUTH_URL.replace(/\/+$/, '')}/auth/tokens`, {
    headers: { 'x-auth-token': await adminToken(), 'x-subject-token': token },
  });
  return res.status;
}

export const KEYRING_PASSWORD = 'tsglance-test-keyring';

/**
 * Runs `script` (sh) inside `dbus-run-session` with a temporary HOME and XDG_RUNTIME_DIR, after
 * starting gnome-keyring-daemon with an unlocked login keyring (keyring: 'none' starts none). The script sees $TSGLANCE (node +
 * the built binary), $REPO, the stack credentials of `opts.as` and the given env.
 */
export async function inKeyring(
  script: string,
  opts: RunOpts & { keyring?: 'unlocked' | 'none' } = {},
): Promise<RunResult & { home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'tsglance-keyring-home-'));
  const runtime = mkdtempSync(join(tmpdir(), 'tsglance-keyring-run-'));
  const env = cleanEnv({
    ...opts,
    env: {
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      XDG_CACHE_HOME: join(home, '.cache'),
      DISPLAY: undefined,
      DBUS_SESSION_BUS_ADDRESS: undefined,
      TSGLANCE: `${process.execPath} ${join(ROOT, 'bin', 'tsglance')}`,
      REPO: ROOT,
      ...opts.env,
    },
  });
  // 'none': no daemon started; D-Bus activation brings one up that has no login keyring
  const start =
    opts.keyring === 'none' ? '' : `printf %s '${KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null`;
  const full = `set -u\n${start}\n${script}`;
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', full], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ...(await collect(child, opts.timeoutMs)), home };
}

/** `@@ name` lines split a script's stdout into named sections. */
export function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  let name = '';
  for (const line of stdout.split('\n')) {
    const m = /^@@ (\S+)$/.exec(line);
    if (m) {
      name = m[1];
      out[name] = '';
    } else if (name) {
      out[name] += `${line}\n`;
    }
  }
  return out;
}
