/**
 * A DELETE that Glance carried out but answered with a 500 (what concurrent deletes on the stack
 * produce now and then): the retry then meets 404 or Glance's 400 "Image status transition from
 * deleted to deleted is not allowed", and both mean the image is gone. A proxy in front of the
 * real Glance makes that deterministic: it forwards the first DELETE of each image, answers 500,
 * and answers the retry with that 400 (or forwards it, for Glance's real 404). A 500 of Glance's
 * own (it gives some under concurrent deletes) is passed on, and the retries go to Glance.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnFreePort } from './helpers/fake-server.js';
import { dataFile, deleteImages } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const GLANCE = new URL(stackEnv('admin').GLANCE_STACK_GLANCE_URL);
const TRANSITION_400 =
  '<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n' +
  '  Image status transition from deleted to deleted is not allowed<br /><br />\n\n\n\n </body>\n</html>';

interface Proxy {
  server: Server;
  port: number;
  /** DELETEs seen per path */
  deletes: Map<string, number>;
  /** paths whose retry gets Glance's real answer (404) instead of the 400 */
  realRetry: Set<string>;
  failUploads: boolean;
  /** paths Glance deleted while the client was told 500 */
  lost: Set<string>;
}

function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const up = request(
      { host: GLANCE.hostname, port: GLANCE.port, method: req.method, path: req.url, headers: { ...req.headers, host: GLANCE.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    up.on('error', reject);
    up.end(body);
  });
}

function startProxy(): Promise<Proxy> {
  const proxy: Proxy = { server: undefined as unknown as Server, port: 0, deletes: new Map(), realRetry: new Set(), failUploads: false, lost: new Set() };
  proxy.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      if (req.method === 'PUT' && /\/file$/.test(path) && proxy.failUploads) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('500 Internal Server Error\n\nupload refused by the test proxy');
        return;
      }
      if (req.method === 'DELETE' && /^\/v2\/images\/[0-9a-f-]{36}$/.test(path)) {
        const n = (proxy.deletes.get(path) ?? 0) + 1;
        proxy.deletes.set(path, n);
        if (n === 1) {
          const first = await forward(req, body);
          if (first.status === 204) {
            // Glance deleted it, but the answer is lost on the way
            proxy.lost.add(path);
            res.writeHead(500, { 'content-type': 'text/plain' }).end('500 Internal Server Error');
            return;
          }
          // Glance's own failure (concurrent deletes on SQLite): pass it on, retries go to Glance
          res.writeHead(first.status, first.headers).end(first.body);
          return;
        }
        if (proxy.lost.has(path) && !proxy.realRetry.has(path)) {
          res.writeHead(400, { 'content-type': 'text/html; charset=UTF-8' }).end(TRANSITION_400);
          return;
        }
      }
      try {
        const up = await forward(req, body);
        const headers = { ...up.headers };
        delete headers['transfer-encoding'];
        res.writeHead(up.status, headers).end(up.body);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  return listenOnFreePort(proxy.server).then((port) => {
    proxy.port = port;
    return proxy;
  });
}

let proxy: Proxy;
let viaProxy: Record<string, string>;
const leftovers: string[] = [];

beforeAll(async () => {
  proxy = await startProxy();
  viaProxy = { OS_IMAGE_URL: `http://127.0.0.1:${proxy.port}` };
});
afterAll(async () => {
  proxy.server.close();
  await deleteImages(leftovers);
});

async function queuedImages(n: number): Promise<string[]> {
  const made = await Promise.all(
    Array.from({ length: n }, () => tsglance(['image-create', '--name', uniqueName('del-retry'), '-f', 'json'])),
  );
  const ids = made.map((r) => JSON.parse(r.stdout).id as string);
  leftovers.push(...ids);
  return ids;
}

describe('a retried DELETE that finds the image already deleted is a success', () => {
  it('image-delete of six images, every first DELETE answered 500: exit 0, no failure line, all gone', async () => {
    const ids = await queuedImages(6);
    for (const id of ids.slice(3)) proxy.realRetry.add(`/v2/images/${id}`);
    const res = await tsglance(['image-delete', ...ids], { env: viaProxy });
    for (const id of ids) expect(proxy.deletes.get(`/v2/images/${id}`)).toBeGreaterThanOrEqual(2);
    expect(proxy.lost.size).toBeGreaterThan(0);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // gone (404), or — when Glance's own 500 interrupted its delete half-way, which this stack does
    // under concurrent deletes — a record Glance itself shows in status 'deleted'
    for (const id of ids) {
      const shown = await glance(['image-show', id]);
      if (shown.code === 0) expect(shown.stdout).toMatch(/\| status\s+\| deleted\s+\|/);
      else expect(shown.stderr).toContain('404 Not Found');
    }
  });

  it('the cleanup after a failed upload: the record is reported deleted, not "could not delete"', async () => {
    proxy.failUploads = true;
    const name = uniqueName('del-retry-upload');
    const res = await tsglance(['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', dataFile(4096)], { env: viaProxy });
    proxy.failUploads = false;
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Upload failed: .*; image [0-9a-f-]{36} \(created by this command\) was deleted$/m);
    const left = await glance(['image-list', '--property-filter', `name=${name}`]);
    expect(left.stdout).not.toContain(name);
  });
});
