/**
 * A TCP proxy in front of the real Glance (port 0) for what a real server cannot be made to do on
 * demand: cut or stall an image download mid-body, or ignore Range (the header is taken out of the
 * request, so Glance answers 200 with the whole image). Every GET …/file it sees is logged with its
 * Range header and the bytes it forwarded back.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { listenOnFreePort } from './fake-server.js';

export interface DownloadPlan {
  /** reset the connection after this many response bytes */
  cutAfter?: number;
  /** stop forwarding (but keep the connection open) after this many response bytes */
  stallAfter?: number;
  /** take the Range header out of the request */
  stripRange?: boolean;
}

export interface SeenDownload {
  range?: string;
  /** response bytes (head and body) forwarded to the client */
  bytes: number;
}

export interface FaultProxy {
  port: number;
  url: string;
  downloads: SeenDownload[];
  /** the plan for the n-th download request (0-based); default: pass through */
  plan: (n: number) => DownloadPlan;
  close(): void;
}

const DOWNLOAD = /GET \/v2\/images\/[^ ]+\/file[ ?][^\r]*\r\n/;

/** `listenOn`: the address to listen on (e.g. '::1' to reach an IPv4-only stack over IPv6). */
export function startFaultProxy(target: URL, listenOn = '127.0.0.1'): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = {
    port: 0,
    url: '',
    downloads: [],
    plan: () => ({}),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let current: { seen: SeenDownload; plan: DownloadPlan } | undefined;
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1', 0, Math.min(chunk.length, 8192));
      if (DOWNLOAD.test(head)) {
        const plan = proxy.plan(proxy.downloads.length);
        const range = /\r\nrange: *([^\r]*)\r\n/i.exec(head)?.[1];
        const seen: SeenDownload = { range, bytes: 0 };
        proxy.downloads.push(seen);
        current = { seen, plan };
        if (plan.stripRange && range !== undefined) {
          chunk = Buffer.from(chunk.toString('latin1').replace(/\r\nrange: *[^\r]*\r\n/i, '\r\n'), 'latin1');
        }
      } else if (/^(GET|HEAD|PUT|POST|PATCH|DELETE) \//.test(head)) {
        current = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!current) return void client.write(chunk);
      const { seen, plan } = current;
      const limit = plan.cutAfter ?? plan.stallAfter;
      if (limit !== undefined && seen.bytes + chunk.length > limit) {
        const part = chunk.subarray(0, Math.max(0, limit - seen.bytes));
        seen.bytes += part.length;
        client.write(part);
        if (plan.cutAfter !== undefined) {
          client.resetAndDestroy();
          upstream.destroy();
        } else {
          upstream.pause();
          client.pause();
        }
        return;
      }
      seen.bytes += chunk.length;
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
  });
  return listenOnFreePort(server, listenOn).then((port) => {
    proxy.port = port;
    proxy.url = `http://${listenOn.includes(':') ? `[${listenOn}]` : listenOn}:${port}`;
    return proxy;
  });
}
