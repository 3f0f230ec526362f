/**
 * Issue 12 item 8: glance-cache-manage -H HOST:PORT (IPv4, [IPv6], a name) reaches that node, a port
 * that conflicts with -p is refused before any request, and -v ends with the legacy tool's
 * "Completed in N.NNNN sec." line. Against the real stack's second glance-api node (B); the
 * stack listens on 127.0.0.1 only, so [::1]:PORT goes through a pass-through relay listening on ::1.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { cleanEnv, collect, tsglance, type RunResult } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const env = stackEnv('admin');
const A = new URL(env.GLANCE_STACK_GLANCE_URL);
const B = new URL(env.GLANCE_STACK_GLANCE2_URL);
let relay: FaultProxy;

const KEYSTONE = new URL(env.OS_AUTH_URL).origin;

/** The Glance nodes tsglance sent requests to (its --debug lines; Keystone's left out). */
function requested(res: RunResult): string[] {
  return [...res.stderr.matchAll(/^DEBUG REQ [A-Z]+ (\S+)/gm)].map((m) => new URL(m[1]).origin).filter((o) => o !== KEYSTONE);
}

const gcm = (args: string[]) => tsglance(['--debug', 'glance-cache-manage', ...args]);

beforeAll(async () => {
  relay = await startFaultProxy(B, '::1');
});

afterAll(() => relay?.close());

describe('glance-cache-manage -H with a port', () => {
  it('HOST:PORT, IPv4:PORT and [IPv6]:PORT reach that node', async () => {
    const plain = await tsglance(['glance-cache-manage', '--url', B.origin, 'list-queued']);
    expect(plain.code, plain.stderr).toBe(0);
    for (const [host, origin] of [
      [`127.0.0.1:${B.port}`, `http://127.0.0.1:${B.port}`],
      [`localhost:${B.port}`, `http://localhost:${B.port}`],
      [`[::1]:${relay.port}`, `http://[::1]:${relay.port}`],
      // the same port given twice is no conflict
      [`127.0.0.1:${B.port} -p ${B.port}`, `http://127.0.0.1:${B.port}`],
    ]) {
      const res = await gcm([...`-H ${host}`.split(' '), 'list-queued']);
      expect(res.code, `${host}: ${res.stderr}`).toBe(0);
      expect(res.stdout, host).toBe(plain.stdout);
      expect(new Set(requested(res)), host).toEqual(new Set([origin]));
    }
  });

  it('each -H keeps its own port; -p is the port of those that name none', async () => {
    const both = await gcm(['-H', `127.0.0.1:${A.port}`, '-H', `localhost:${B.port}`, 'list-queued', '--format', 'json']);
    expect(both.code, both.stderr).toBe(0);
    expect(new Set(requested(both))).toEqual(new Set([`http://127.0.0.1:${A.port}`, `http://localhost:${B.port}`]));
    const mixed = await gcm(['-H', `localhost:${B.port}`, '-H', '127.0.0.1', '-p', B.port, 'list-queued', '--format', 'json']);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(new Set(requested(mixed))).toEqual(new Set([`http://127.0.0.1:${B.port}`, `http://localhost:${B.port}`]));
  });

  it('a port that conflicts with -p, or a malformed HOST:PORT: one line, exit 2, no request', async () => {
    const cases: [string[], string][] = [
      [['-H', `127.0.0.1:${B.port}`, '-p', A.port], `-H 127.0.0.1:${B.port} names port ${B.port} but -p/--port says ${A.port}; give the port once.`],
      [['-H', 'ctl1:'], `'ctl1:' has no valid port after the colon (1-65535).`],
      [['-H', 'ctl1:99999'], `'ctl1:99999' has no valid port after the colon (1-65535).`],
      [['-H', 'ctl1:http'], `'ctl1:http' has no valid port after the colon (1-65535).`],
      [['-H', ':9292'], `':9292' has a port but no host.`],
      [['-H', '[::1'], `'[::1' is not a host address: an IPv6 address in brackets is [ADDRESS] or [ADDRESS]:PORT.`],
    ];
    for (const [args, line] of cases) {
      // no --debug: the refusal is the only line
      const res = await tsglance(['glance-cache-manage', ...args, '-f', 'delete-all-cached-images']);
      expect(res.stderr, args.join(' ')).toBe(`${line}\n`);
      expect(res.code, args.join(' ')).toBe(2);
      const debug = await gcm([...args, '-f', 'delete-all-cached-images']);
      expect(requested(debug), args.join(' ')).toEqual([]);
      expect(debug.code).toBe(2);
    }
  });
});

describe('glance-cache-manage -v', () => {
  it('ends with the legacy "Completed in N.NNNN sec." line (on stderr: stdout stays data)', async () => {
    const ours = await tsglance(['glance-cache-manage', '-v', '--url', B.origin, 'list-queued']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toMatch(/^(No queued images\.|Found \d+ queued images\.\.\.)\n/);
    expect(ours.stderr).toMatch(/^Completed in \d+\.\d{4} sec\.\n$/);
    const quiet = await tsglance(['glance-cache-manage', '--url', B.origin, 'list-queued']);
    expect(quiet.stdout).toBe(ours.stdout);
    expect(quiet.stderr).toBe('');

    // the real tool's wording, for node B
    const legacy = await collect(
      spawn(join(env.GLANCE_STACK_BIN, 'glance2-cache-manage'), ['-v', 'list-queued'], { env: cleanEnv({ as: 'admin' }), stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    expect(legacy.code, legacy.stderr).toBe(0);
    expect(legacy.stdout).toMatch(/\nCompleted in \d+\.\d{4} sec\.\n$/);

    // after the command's own -v message, and also when a prompt was answered "no"
    const cleared = await tsglance(['glance-cache-manage', '--url', B.origin, '-f', '-v', 'delete-all-queued-images']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stderr).toMatch(/^Deleted \d+ queued images\nCompleted in \d+\.\d{4} sec\.\n$/);
    const declined = await tsglance(['glance-cache-manage', '--url', B.origin, '-v', 'delete-all-queued-images'], { input: 'n\n' });
    expect(declined.code, declined.stderr).toBe(0);
    expect(declined.stderr).toMatch(/^Delete all queued images\? \[y\/N\] \nCompleted in \d+\.\d{4} sec\.\n$/);
  });
});
