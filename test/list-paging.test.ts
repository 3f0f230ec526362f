/**
 * What a real Glance cannot be made to do with its paging: `next` links to another host, a page
 * repeated forever, pages invented forever, empty pages that say there is more. A small fake
 * Glance (port 0) answers image-list with OS_TOKEN + OS_IMAGE_URL (no Keystone involved); the
 * page cap itself is checked on the pager with an in-process client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GlanceClient } from '../src/glance/client.js';
import { effectiveOrder, MAX_LIST_PAGES, nextPath, plainPages } from '../src/glance/listing.js';
import { tsglance } from './helpers/run.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeGlance(handler: (url: URL, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} token=${req.headers['x-auth-token'] ?? ''}`);
    handler(new URL(req.url ?? '/', 'http://fake'), req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const image = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `img-${n}`, status: 'active' });
const json = (res: ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

/** image-list against the fake; plain paging unless streams=2 (both ends: see list-parallel.test.ts) */
function list(server: { url: string }, args: string[] = [], streams = 1) {
  return tsglance(['image-list', '--page-size', '2', ...args], {
    as: 'none',
    env: {
      OS_AUTH_TYPE: 'token', OS_TOKEN: 'secret-token', OS_IMAGE_URL: server.url, OS_AUTH_URL: 'http://127.0.0.1:1/v3',
      TSGLANCE_LIST_STREAMS: String(streams),
    },
    timeoutMs: 30_000,
  });
}

describe('next links', () => {
  it('a next link to another host is refused: the token never goes there', async () => {
    const elsewhere = await fakeGlance((_u, _q, res) => json(res, { images: [] }));
    const glance = await fakeGlance((_u, _q, res) => json(res, { images: [image(1), image(2)], next: `${elsewhere.url}/v2/images?marker=${image(2).id}` }));
    for (const streams of [1, 2]) {
      const res = await list(glance, [], streams);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/next link points at another place \(http:\/\/127\.0\.0\.1:\d+\); not following it with the token/);
      expect(res.stdout).toBe('');
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it('a protocol-relative or non-list next link is refused too', async () => {
    const elsewhere = await fakeGlance((_u, _q, res) => json(res, { images: [] }));
    const host = new URL(elsewhere.url).host;
    const glance = await fakeGlance((_u, _q, res) => json(res, { images: [image(1), image(2)], next: `//${host}/v2/images?marker=x` }));
    expect((await list(glance)).stderr).toMatch(/another place/);
    expect(elsewhere.requests).toEqual([]);
    expect(() => nextPath('/v2/images/../../v1/secrets?marker=x', '/v2/images')).toThrow(/is not the image list/);
    expect(nextPath('/v2/images?limit=2&marker=abc', '/v2/images')).toBe('/v2/images?limit=2&marker=abc');
  });

  it('the same page over and over stops with an error at the repeated marker', async () => {
    const glance = await fakeGlance((_u, _q, res) => json(res, { images: [image(1), image(2)], next: `/v2/images?limit=2&marker=${image(2).id}` }));
    const res = await list(glance);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`repeats an earlier page (marker ${image(2).id})`);
    expect(glance.requests.length).toBe(2);
  });

  it('an empty page with a next link stops at once', async () => {
    const glance = await fakeGlance((_u, _q, res) => json(res, { images: [], next: '/v2/images?marker=nothing' }));
    const res = await list(glance);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('empty page of images with a next link');
    expect(glance.requests.length).toBe(1);
  });

  it('pages invented forever: --limit bounds the requests', async () => {
    const glance = await fakeGlance((u, _q, res) => {
      const after = Number(u.searchParams.get('marker')?.slice(-12) ?? 0);
      json(res, { images: [image(after + 1), image(after + 2)], next: `/v2/images?limit=2&marker=${image(after + 2).id}` });
    });
    const res = await list(glance, ['--limit', '5', '-f', 'value', '-c', 'id']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n')).toEqual([1, 2, 3, 4, 5].map((n) => image(n).id));
    expect(glance.requests.length).toBe(3);
    expect(glance.requests.every((r) => r.endsWith('token=secret-token'))).toBe(true);
  });

  it(`without --limit, pages invented forever stop after ${MAX_LIST_PAGES} pages`, async () => {
    let served = 0;
    const client = {
      json: async (_m: string, path: string) => {
        served++;
        const after = Number(new URL(path, 'http://x').searchParams.get('marker')?.slice(-12) ?? 0);
        return { images: [image(after + 1)], next: `/v2/images?limit=1&marker=${image(after + 1).id}` };
      },
    } as unknown as GlanceClient;
    let rows = 0;
    await expect(
      (async () => {
        for await (const page of plainPages(client, {}, 1)) rows += page.length;
      })(),
    ).rejects.toThrow(`Stopped after ${MAX_LIST_PAGES} pages`);
    expect(served).toBe(MAX_LIST_PAGES);
    expect(rows).toBe(MAX_LIST_PAGES);
  });
});

describe('the order glance applies', () => {
  it('spells out the defaults and tie-breakers, so that the reverse walk is exact', () => {
    expect(effectiveOrder({ sortKeys: ['name'], sortDirs: ['asc'] })).toEqual({ keys: ['name', 'created_at', 'id'], dirs: ['asc', 'asc', 'asc'] });
    // several directions: the tie-breakers take glance's default, desc
    expect(effectiveOrder({ sortKeys: ['name', 'size'], sortDirs: ['asc', 'asc'] })).toEqual({
      keys: ['name', 'size', 'created_at', 'id'],
      dirs: ['asc', 'asc', 'desc', 'desc'],
    });
    expect(effectiveOrder({ sortKeys: ['status', 'name'] })).toEqual({ keys: ['status', 'name', 'created_at', 'id'], dirs: ['desc', 'desc', 'desc', 'desc'] });
    expect(effectiveOrder({ sort: 'size:desc,name' })).toEqual({ keys: ['size', 'name', 'created_at', 'id'], dirs: ['desc', 'desc', 'desc', 'desc'] });
    expect(effectiveOrder({ sort: 'id:asc' })).toEqual({ keys: ['id', 'created_at'], dirs: ['asc', 'asc'] });
    expect(effectiveOrder({})).toEqual({ keys: ['created_at', 'id'], dirs: ['desc', 'desc'] });
    // what glance would reject or cannot order exactly: plain paging
    expect(effectiveOrder({ sortKeys: ['name', 'name'] })).toBeUndefined();
    expect(effectiveOrder({ sortKeys: ['name', 'size', 'status'], sortDirs: ['asc', 'desc'] })).toBeUndefined();
  });
});
