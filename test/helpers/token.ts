/**
 * Token-cache test helpers: Keystone's token requests counted from its uWSGI log, raw Keystone
 * calls (node:http: fetch refuses some stack ports), and a shell script run inside a private
 * D-Bus session with an unlocked gnome-keyring (the keychain tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, ROOT, type RunOpts, type RunResult } from './run.js';
import { stackEnv, stackState } from './stack.js';

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

export function keystoneCall(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, headers: { ...headers, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** An admin token straight from Keystone (not through tsglance, not cached). */
export async function adminToken(): Promise<string> {
  const e = stackEnv('admin');
  const res = await keystoneCall('POST', `${e.OS_AUTH_URL.replace(/\/+$/, '')}/auth/tokens`, {}, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: e.OS_USERNAME, domain: { id: 'default' }, password: e.OS_PASSWORD } } },
      scope: { project: { name: e.OS_PROJECT_NAME, domain: { id: 'default' } } },
    },
  });
  if (res.status !== 201) throw new Error(`admin token: HTTP ${res.status} ${res.body}`);
  return String(res.headers['x-subject-token']);
}

/** DELETE /v3/auth/tokens: Keystone revokes `token`; returns the HTTP status (204). */
export async function revokeToken(token: string): Promise<number> {
  const e = stackEnv('admin');
  const res = await keystoneCall('DELETE', `${e.OS_AUTH_URL.replace(/\/+$/, '')}/auth/tokens`, {
    'x-auth-token': await adminToken(),
    'x-subject-token': token,
  });
  return res.status;
}

export const KEYRING_PASSWORD = 'tsglance-test-keyring';

/**
 * Runs `script` (sh) inside `dbus-run-session` with a temporary HOME and XDG_RUNTIME_DIR, after
 * starting gnome-keyring-daemon with an unlocked login keyring (keyring: 'none' starts none). The script sees $TSGLANCE (node +
 * the built binary), $REPO, the stack credentials of `opts.as` and the given env.
 */
export function inKeyring(
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
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', full], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
        home,
      });
    });
  });
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
