/**
 * What a real server cannot be made to do on demand: 503 storms, Retry-After, resets. undici's
 * MockAgent stands in for the network; a fake clock records the backoff instead of sleeping.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { ConnectionError, errorDetail, formatHttpError, HttpClient, HttpError, redactJson, retryAfterMs } from '../src/http.js';

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function setup() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const clock = fakeClock();
  const lines: string[] = [];
  const http = new HttpClient({ dispatcher: agent, clock, debug: (l) => lines.push(l) });
  return { agent, pool: agent.get('http://glance.test'), clock, http, lines };
}

describe('error bodies become one readable line', () => {
  it('webob HTML (what Glance sends)', () => {
    const html =
      '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID abc<br /><br />\n\n\n\n </body>\n</html>';
    expect(formatHttpError(404, errorDetail(html, 'text/html'), 'req-1')).toBe(
      'HTTP 404 Not Found: No image found with ID abc (request-id req-1)',
    );
  });

  it('Keystone JSON ({"error": {"message": ...}})', () => {
    const body = '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}';
    expect(errorDetail(body, 'application/json')).toBe('The request you have made requires authentication.');
  });

  it('plain text and empty bodies', () => {
    expect(formatHttpError(503, errorDetail('busy', 'text/plain'))).toBe('HTTP 503 Service Unavailable: busy');
    expect(formatHttpError(500, '')).toBe('HTTP 500 Internal Server Error');
  });
});

describe('retries', () => {
  it('a 503 storm on GET is retried with bounded backoff, then succeeds', async () => {
    const { pool, http, clock } = setup();
    pool.intercept({ path: '/v2/images', method: 'GET' }).reply(503, 'busy').times(3);
    pool.intercept({ path: '/v2/images', method: 'GET' }).reply(200, { images: [] }, { headers: { 'content-type': 'application/json' } });
    await expect(http.json('GET', 'http://glance.test/v2/images')).resolves.toEqual({ images: [] });
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('gives up after the retry budget with the last status', async () => {
    const { pool, http } = setup();
    pool.intercept({ path: '/x', method: 'GET' }).reply(502, 'bad gateway').times(4);
    const err = await http.request('GET', 'http://glance.test/x').catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(502);
    expect((err as HttpError).message).toBe('HTTP 502 Bad Gateway: bad gateway');
  });

  it('honours Retry-After (seconds and dates), capped at 10 s', async () => {
    const { pool, http, clock } = setup();
    pool.intercept({ path: '/y', method: 'GET' }).reply(503, '', { headers: { 'retry-after': '3' } });
    pool.intercept({ path: '/y', method: 'GET' }).reply(503, '', { headers: { 'retry-after': '3600' } });
    pool.intercept({ path: '/y', method: 'GET' }).reply(204, '');
    const res = await http.request('GET', 'http://glance.test/y');
    expect(res.status).toBe(204);
    expect(clock.sleeps).toEqual([3000, 10_000]);
    expect(retryAfterMs(new Date(1_002_000).toUTCString(), 1_000_000)).toBe(2000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('never retries a POST', async () => {
    const { pool, http, clock } = setup();
    pool.intercept({ path: '/v2/images', method: 'POST' }).reply(503, 'busy');
    const err = await http.request('POST', 'http://glance.test/v2/images', { json: { name: 'x' } }).catch((e) => e);
    expect((err as HttpError).status).toBe(503);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a connection reset on an idempotent request, then reports the host', async () => {
    const { pool, http, clock } = setup();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    pool.intercept({ path: '/z', method: 'GET' }).replyWithError(reset).times(4);
    const err = await http.request('GET', 'http://glance.test/z').catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toBe('Unable to reach http://glance.test: connection reset by peer');
    expect(clock.sleeps).toHaveLength(3);
  });

  it('accepted statuses are returned, not raised', async () => {
    const { pool, http } = setup();
    pool.intercept({ path: '/p', method: 'GET' }).reply(404, 'nope');
    const res = await http.request('GET', 'http://glance.test/p', { accept: [404] });
    expect(res.status).toBe(404);
  });
});

describe('--debug never shows secrets', () => {
  it('redacts auth headers and password/secret/token fields, keeps the rest', async () => {
    const { pool, http, lines } = setup();
    pool.intercept({ path: '/v3/auth/tokens', method: 'POST' }).reply(201, '{}', { headers: { 'x-subject-token': 'gAAAAAsecret-token' } });
    const body = {
      auth: {
        identity: {
          methods: ['password', 'application_credential'],
          password: { user: { name: 'admin', password: 'hunter2' } },
          application_credential: { id: 'ac', secret: 's3cret' },
        },
      },
    };
    await http.request('POST', 'http://glance.test/v3/auth/tokens', { json: body, headers: { 'x-auth-token': 'gAAAAAold' } });
    const all = lines.join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('s3cret');
    expect(all).not.toContain('gAAAAA');
    expect(all).toContain('"name":"admin"');
    expect(all).toMatch(/RESP POST http:\/\/glance\.test\/v3\/auth\/tokens -> 201/);
    expect(redactJson({ auth: { identity: { token: { id: 'gAAAAAx' } } } })).toEqual({ auth: { identity: { token: { id: '<redacted>' } } } });
  });
});

describe('the node:http transport (small calls, no dispatcher injected)', () => {
  it('retries a 503 storm from a real socket, keeps the connection alive, reads JSON', async () => {
    let hits = 0;
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      hits++;
      if (hits <= 2) {
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-openstack-request-id': 'req-9' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const clock = fakeClock();
    const http = new HttpClient({ clock });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/x`;
      await expect(http.json('GET', url)).resolves.toEqual({ ok: true });
      expect(hits).toBe(3);
      expect(clock.sleeps).toEqual([1000, 1000]);
      expect(sockets.size).toBe(1);
      const err = await http.request('POST', url, { json: {} }).then(() => undefined);
      expect(err).toBeUndefined();
    } finally {
      await http.close();
      server.close();
    }
  });

  it('names the host when nothing listens, and reports HTML error pages in one line', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1>No image found<br /><br /></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const http = new HttpClient({ clock: fakeClock() });
    try {
      const port = (server.address() as AddressInfo).port;
      const err = await http.request('GET', `http://127.0.0.1:${port}/v2/images/x`).catch((e) => e);
      expect((err as HttpError).message).toBe('HTTP 404 Not Found: No image found');
      const refused = await http.request('GET', 'http://127.0.0.1:1/', { idempotent: false }).catch((e) => e);
      expect(refused).toBeInstanceOf(ConnectionError);
      expect((refused as ConnectionError).message).toBe('Unable to reach http://127.0.0.1:1: connection refused');
    } finally {
      await http.close();
      server.close();
    }
  });
});
