/**
 * Token-cache test helpers: tsglance's token requests counted in Keystone's uWSGI log, raw Keystone
 * calls (node:http: fetch refuses some stack ports), and a shell script run inside a private
 * D-Bus session with an unlocked gnome-keyring (the keychain tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, collect, ROOT, type RunOpts, type RunResult } from './run.js';
import { issueToken, rest, stackEnv, stackState } from './stack.js';

/**
 * tsglance's own token requests in Keystone's request log so far: POST /v3/auth/tokens lines whose
 * client is tsglance (up.sh makes uWSGI log the User-Agent as ua="..."). Glance's service user
 * (keystonemiddleware re-authenticating whenever it likes), python-glanceclient and the tests'
 * own set-up calls are other clients, so they never count.
 */
export function keystonePosts(): number {
  const log = readFileSync(join(stackState(), 'logs', 'keystone.log'), 'utf8');
  if (/ POST \/v3\/auth\/tokens /.test(log) && !/ ua="/.test(log)) {
    throw new Error("Keystone's log has no User-Agent (ua=\"…\"): restart the stack with the current test/stack/up.sh");
  }
  return (log.match(TSGLANCE_POST) ?? []).length;
}
/** up.sh's uWSGI log line for a token request from tsglance (its User-Agent starts with "tsglance"). */
export const TSGLANCE_POST = / POST \/v3\/auth\/tokens .*ua="tsglance\b/g;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The count once it has held still for 300 ms: the lines of runs that already exited are in. */
export async function settledPosts(): Promise<number> {
  let last = keystonePosts();
  for (;;) {
    await pause(300);
    const now = keystonePosts();
    if (now === last) return now;
    last = now;
  }
}

/**
 * tsglance's token requests since `before` (a settled count). uWSGI logs after the response, so a
 * line may land just after the client exits: this waits until at least `atLeast` have appeared
 * (bounded: 20 s), then until the count holds still, so that a surplus shows too.
 */
export async function postsSince(before: number, atLeast = 0): Promise<number> {
  const end = Date.now() + 20_000;
  while (keystonePosts() - before < atLeast && Date.now() < end) await pause(50);
  return (await settledPosts()) - before;
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
