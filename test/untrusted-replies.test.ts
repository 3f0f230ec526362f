/**
 * Replies tsglance must not trust (issue 13: items 1, 5, 6, 10): redirects and version lists,
 * bodies without end or beyond reason, replies that drip, and replies of the wrong shape. The
 * real Glance supplies the 300 of a wrong endpoint path; a fake server (port 0) the rest.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { fakeGlanceEnv, fakeServer, FAKE_IMAGE, sendJson, type FakeServer } from './helpers/fake-server.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

/** A body that never ends: `head`, then 1 MiB chunks of `fill` as fast as the client takes them. */
function endless(res: ServerResponse, status: number, type: string, head: string, fill: number): void {
  res.writeHead(status, { 'content-type': type });
  res.write(head);
  const chunk = Buffer.alloc(1024 * 1024, fill);
  const pump = () => {
    while (res.write(chunk)) {
      /* until the socket is full */
    }
  };
  res.on('drain', pump);
  pump();
}

const dir = mkdtempSync(join(tmpdir(), 'tsglance-untrusted-'));
const oneLine = (s: string) => s.trim().split('\n');

describe('3xx is an error, never followed (real Glance behind a wrong path)', () => {
  let id = '';
  let wrong: Record<string, string>;
  beforeAll(async () => {
    id = await glanceImage(['--name', uniqueName('wrong-path')]);
    wrong = { OS_IMAGE_URL: `${stackEnv('admin').GLANCE_STACK_GLANCE_URL.replace(/\/+$/, '')}/foo` };
  });
  afterAll(async () => deleteImages([id]));

  it('image-delete exits 1 naming the unversioned root, and the image stays', async () => {
    const r = await tsglance(['image-delete', id], { env: wrong });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/300 Multiple Choices .*the image endpoint http:\/\/[^ ]+\/foo looks like Glance's unversioned root.*check OS_IMAGE_URL/);
    expect(r.stderr).toContain(`/foo/v2/images/${id}`);
    const still = await glance(['image-show', id]);
    expect(still.code).toBe(0);
  });

  it('image-show, image-update and image-tag-update fail instead of printing or changing nothing', async () => {
    for (const args of [['image-show', id], ['image-update', id, '--name', 'x'], ['image-tag-update', id, 't1'], ['image-deactivate', id]]) {
      const r = await tsglance(args, { env: wrong });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/unversioned root/);
    }
  });

  it('image-download --file writes nothing', async () => {
    const target = join(dir, 'versions.raw');
    const r = await tsglance(['image-download', id, '--file', target], { env: wrong });
    expect(r.code).toBe(1);
    expect(existsSync(target)).toBe(false);
  });
});

describe('a fake Glance', () => {
  let fake: FakeServer;
  let other: FakeServer;
  let mode = '';
  beforeAll(async () => {
    other = await fakeServer((_req, res) => sendJson(res, 200, { images: [] }));
    fake = await fakeServer((req, res) => {
      const path = req.url ?? '';
      switch (mode) {
        case 'redirect':
          res.writeHead(301, { location: `${other.url}${path}` });
          return res.end();
        case 'endless':
          return endless(res, 200, 'application/json', '{"images": [', 0x20);
        case 'huge-length':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
          res.write('{"images": [');
          return;
        case 'drip': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const t = setInterval(() => res.write(' '), 500);
          res.on('close', () => clearInterval(t));
          return;
        }
        case 'html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html><body><h1>Welcome to the proxy</h1></body></html>');
        case 'bad-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"images": [{"id": ');
        case 'short': {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
          res.write('{"images": [');
          setTimeout(() => res.socket?.destroy(), 100);
          return;
        }
        case 'images-not-list':
          return sendJson(res, 200, { images: { id: 'x' } });
        case 'image-null':
          return sendJson(res, 200, null);
        case 'image-no-id':
          return sendJson(res, 200, { name: 'x', status: 'active' });
        case 'big-error':
          return endless(res, 500, 'text/plain', '', 0x41);
        default:
          return sendJson(res, 200, { images: [FAKE_IMAGE] });
      }
    });
  });
  afterAll(async () => {
    await fake.close();
    await other.close();
  });

  it('a 301 to another host is an error and nothing (no token) goes there', async () => {
    mode = 'redirect';
    other.requests.length = 0;
    const r = await tsglance(['image-list'], { as: 'none', env: fakeGlanceEnv(fake.url) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/HTTP 301 Moved Permanently from GET http:\/\/127\.0\.0\.1:\d+\/v2\/images.*redirects are not followed/);
    expect(other.requests).toHaveLength(0);
  });

  it('an endless JSON body stops at the cap with one line', async () => {
    mode = 'endless';
    const r = await tsglance(['image-list', '--debug'], { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The response to GET http:\/\/127\.0\.0\.1:\d+\/v2\/images\S* is larger than the 64 MiB tsglance reads of a JSON reply/);
    expect(r.stderr).not.toMatch(/FATAL|heap/i);
  });

  it('a declared 2 GiB JSON body is refused without reading it', async () => {
    mode = 'huge-length';
    const r = await tsglance(['image-list'], { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 2048 MiB, more than the 64 MiB tsglance reads of a JSON reply; not read/);
    // the body never ends: reading it would have run into the 30 s kill (code -1); the bound on ms
    // leaves room for node starting on a loaded machine
    expect(r.ms).toBeLessThan(20_000);
  });

  it('an endless error page is cut at 64 KiB and still gives one line', async () => {
    mode = 'big-error';
    const r = await tsglance(['image-show', FAKE_IMAGE.id], { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^HTTP 500 Internal Server Error: A{100}/);
    expect(r.stderr.length).toBeLessThan(70 * 1024);
  });

  it('a reply that drips a byte every 0.5 s cannot outlive --timeout 3', async () => {
    mode = 'drip';
    const r = await tsglance(['image-list', '--timeout', '3'], { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Timed out after 3 s waiting for the response to GET http:\/\/127\.0\.0\.1:\d+\/v2\/images\S* \(--timeout 3\)/);
    // the drip never ends: without the bound the run would meet the 30 s kill (code -1); the bound on
    // ms leaves room for node starting on a loaded machine
    expect(r.ms).toBeLessThan(20_000);
  });

  const cases: [string, string[], RegExp][] = [
    ['html', ['image-list'], /returned a response that is not JSON \(HTTP 200, text\/html: "<html><body><h1>Welcome to the proxy.*\) to GET http/],
    ['bad-json', ['image-list'], /returned a response that is not JSON .* to GET http/],
    ['short', ['image-list'], /The response to GET http\S+ broke off: the connection closed before the whole response arrived/],
    ['images-not-list', ['image-list'], /Glance returned a response that is not an image list: "images" is an object, not a list \(GET http/],
    ['image-null', ['image-show', FAKE_IMAGE.id], /Glance returned a response that is not an image: the body is null, not a JSON object \(GET http/],
    ['image-no-id', ['image-show', FAKE_IMAGE.id], /Glance returned a response that is not an image: "id" is missing, not a string \(GET http/],
  ];
  for (const [m, args, expected] of cases) {
    it(`malformed reply (${m}): one line saying what was wrong and from which URL`, async () => {
      mode = m;
      const r = await tsglance(args, { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/Unexpected error|TypeError|is not iterable|is not a function/);
      expect(r.stderr).toMatch(expected);
    });
  }
});

describe('a fake Keystone', () => {
  let keystone: FakeServer;
  let body: unknown;
  beforeAll(async () => {
    keystone = await fakeServer((req, res) => {
      req.resume();
      sendJson(res, 201, body, { 'x-subject-token': 'fake-token' });
    });
  });
  afterAll(async () => keystone.close());
  const env = () => ({
    OS_AUTH_URL: `${keystone.url}/v3`,
    OS_USERNAME: 'u',
    OS_PASSWORD: 'p',
    OS_PROJECT_NAME: 'p',
    OS_USER_DOMAIN_ID: 'default',
    OS_PROJECT_DOMAIN_ID: 'default',
  });
  const expires = new Date(Date.now() + 3_600_000).toISOString();
  const cases: [string, unknown, RegExp][] = [
    ['catalog not a list', { token: { expires_at: expires, catalog: { image: 'x' } } }, /"token.catalog" is not a list/],
    ['null endpoints', { token: { expires_at: expires, catalog: [{ type: 'image', endpoints: null }] } }, /the image service's "endpoints" is not a list/],
    ['endpoint without url', { token: { expires_at: expires, catalog: [{ type: 'image', endpoints: [{ interface: 'public', url: null }] }] } }, /endpoint 0 of the image service has no "url" or "interface"/],
    ['no token', { error: 'x' }, /"token" is missing/],
  ];
  for (const [what, reply, expected] of cases) {
    it(`${what}: one line naming Keystone's URL`, async () => {
      body = reply;
      const r = await tsglance(['image-list', '--no-token-cache'], { as: 'none', env: env() });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/Unexpected error|TypeError|is not a function/);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).toMatch(/Keystone returned a response that is not a token: .* \(POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens\)/);
    });
  }
});
