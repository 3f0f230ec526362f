/** Where the test stack is and the credentials its openrc files hold. */
import { readFileSync, existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';

export function stackState(): string {
  return process.env.GLANCE_STACK_STATE ?? '/tmp/glance-stack';
}

/** The variables an openrc file exports. */
export function readOpenrc(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_0-9]+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return vars;
}

export type Who = 'admin' | 'demo';

export function stackEnv(who: Who = 'admin'): Record<string, string> {
  const state = stackState();
  return readOpenrc(join(state, who === 'admin' ? 'openrc' : 'openrc.demo'));
}

// node:http, not fetch: fetch refuses the WHATWG "bad ports" (5061, 6000, ...) a stack may be given
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 3000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function stackAnswers(state = stackState()): Promise<boolean> {
  const rc = join(state, 'openrc');
  if (!existsSync(rc)) return false;
  const env = readOpenrc(rc);
  return (await answers(env.OS_AUTH_URL)) && (await answers(`${env.GLANCE_STACK_GLANCE_URL}/versions`));
}

/**
 * A direct REST call for set-up and checks (not the code under test). undici's request, not
 * fetch: fetch refuses some ports a stack may use (5061 is on its "bad ports" list).
 */
export async function rest(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; json?: unknown } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { request } = await import('undici');
  const res = await request(url, {
    method: method as 'GET',
    headers: { accept: 'application/json', ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

export interface StackToken {
  token: string;
  userId: string;
  projectId: string;
}

/** A project-scoped Keystone token for the stack's admin or demo user. */
export async function issueToken(who: Who = 'admin'): Promise<StackToken> {
  const env = stackEnv(who);
  const res = await rest('POST', `${env.OS_AUTH_URL.replace(/\/+$/, '')}/auth/tokens`, {
    json: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: env.OS_USERNAME, domain: { name: env.OS_USER_DOMAIN_NAME }, password: env.OS_PASSWORD } },
        },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: env.OS_PROJECT_DOMAIN_NAME } } },
      },
    },
  });
  if (res.status !== 201) throw new Error(`token request for ${who}: HTTP ${res.status} ${res.text}`);
  const body = JSON.parse(res.text) as { token: { user: { id: string }; project: { id: string } } };
  return { token: String(res.headers['x-subject-token']), userId: body.token.user.id, projectId: body.token.project.id };
}
