/**
 * OS_CACERT, OS_INSECURE/--insecure and a client certificate, against the real Keystone behind a
 * small TLS terminating proxy (the stack itself speaks plain HTTP).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createTlsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsglance } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'tsglance-tls-'));
const upstream = new URL(stackEnv('admin').OS_AUTH_URL);
let server: Server;
let url: string;
const clientCertsSeen: boolean[] = [];

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt'),
  ], { stdio: 'ignore' });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=operator',
    '-keyout', join(dir, 'client.key'), '-out', join(dir, 'client.crt'),
  ], { stdio: 'ignore' });
  server = createTlsServer(
    { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      clientCertsSeen.push(!!(req.socket as import('node:tls').TLSSocket).getPeerCertificate()?.subject);
      const proxied = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(proxied);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('TLS settings', () => {
  it('an unknown CA is refused with a hint', async () => {
    const res = await tsglance(['import-info', '-f', 'value'], { env: { OS_AUTH_URL: url } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `Unable to reach https://127.0.0.1:${new URL(url).port}: self-signed TLS certificate (use --os-cacert or --insecure) (OS_AUTH_URL=${url})\n`,
    );
  });

  it('OS_CACERT trusts it', async () => {
    const res = await tsglance(['import-info', '-f', 'value'], { env: { OS_AUTH_URL: url, OS_CACERT: join(dir, 'server.crt') } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('glance-direct');
  });

  it('OS_INSECURE=true and --insecure skip verification', async () => {
    const env = await tsglance(['import-info', '-f', 'value'], { env: { OS_AUTH_URL: url, OS_INSECURE: 'true' } });
    expect(env.code, env.stderr).toBe(0);
    const flag = await tsglance(['--insecure', 'import-info', '-f', 'value'], { env: { OS_AUTH_URL: url } });
    expect(flag.code, flag.stderr).toBe(0);
  });

  it('OS_CERT/OS_KEY present a client certificate', async () => {
    clientCertsSeen.length = 0;
    const res = await tsglance(['import-info', '-f', 'value'], {
      env: { OS_AUTH_URL: url, OS_CACERT: join(dir, 'server.crt'), OS_CERT: join(dir, 'client.crt'), OS_KEY: join(dir, 'client.key'), OS_NO_CACHE: '1' },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(clientCertsSeen).toContain(true);
  });

  it('OS_INSECURE with a non-boolean value is refused before any request', async () => {
    const res = await tsglance(['import-info'], { env: { OS_AUTH_URL: url, OS_INSECURE: 'maybe' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("OS_INSECURE must be true or false, not 'maybe'\n");
  });
});

