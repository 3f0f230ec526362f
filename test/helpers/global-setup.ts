/**
 * Starts the repo's Keystone + Glance stack once per test run when it is not already answering,
 * and stops it afterwards only if this run started it. GLANCE_STACK_STATE (default
 * /tmp/glance-stack) and the up.sh port variables select which stack.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stackState, stackAnswers } from './stack.js';

const root = join(import.meta.dirname, '..', '..');
let startedByUs = false;

export async function setup(): Promise<void> {
  if (!existsSync(join(root, 'dist', 'main.cjs'))) {
    throw new Error('dist/main.cjs is missing: run `npm run build` first (npm test does)');
  }
  const state = stackState();
  if (await stackAnswers(state)) return;
  process.stderr.write(`[global-setup] starting the glance stack in ${state} ...\n`);
  execFileSync('bash', [join(root, 'test/stack/up.sh')], {
    env: { ...process.env, STATE: state },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  startedByUs = true;
  if (!(await stackAnswers(state))) throw new Error('the glance stack did not answer after up.sh');
}

export async function teardown(): Promise<void> {
  if (!startedByUs || process.env.KEEP_STACK === '1') return;
  execFileSync('bash', [join(root, 'test/stack/down.sh')], {
    env: { ...process.env, STATE: stackState() },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
