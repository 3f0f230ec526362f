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
