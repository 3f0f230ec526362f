/**
 * A small HTTP server for what a real Glance or Keystone cannot be made to do (a redirect to
 * another host, an endless or dripping body, HTML with 200, a catalog with null endpoints). It
 * binds port 0 on 127.0.0.1 and records every request it gets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as NetServer } from 'node:net';

/** Listen on a free port (never a fixed one) of 127.0.0.1, or of `host` (::1 for IPv6): the port. */
export function listenOnFreePort(server: NetServer, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, host, () => resolve((server.address() as { port: number }).port));
  });
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface FakeServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  server: Server;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function fakeServer(handler: Handler): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.on('error', () => undefined);
    handler(req, res);
  });
  return listenOnFreePort(server).then((port) => ({
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }));
}

/** Environment for a run against a fake Glance: a given token and endpoint, so no Keystone is asked. */
export function fakeGlanceEnv(url: string): Record<string, string> {
  return { OS_TOKEN: 'fake-token', OS_IMAGE_URL: url, OS_AUTH_TYPE: 'token' };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const FAKE_IMAGE = {
  id: '6a6b6c6d-0000-4000-8000-000000000001',
  name: 'fake',
  status: 'active',
  visibility: 'private',
  disk_format: 'raw',
  container_format: 'bare',
  size: 4,
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  tags: [],
  protected: false,
  os_hidden: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
