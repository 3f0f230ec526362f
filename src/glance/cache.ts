/**
 * The image cache of one glance-api node, through either of Glance's two cache-management back
 * ends, behind one interface:
 *
 * - legacy: the cache-management paste middleware (`cachemanage` filter; glance-cache-manage's
 *   GET/PUT/DELETE /v2/cached_images and /v2/queued_images);
 * - v2: the cache API of the v2 router (API 2.14+, Yoga): GET /v2/cache, PUT/DELETE
 *   /v2/cache/{id}, DELETE /v2/cache with x-image-cache-clear-target.
 *
 * Each node has its own cache, so every call names the node (`baseUrl`), never the catalog's load
 * balancer unless asked to. Errors come back as one line that names the node.
 */
import { CliError } from '../errors.js';
import { ConnectionError, HttpError } from '../http.js';
import type { GlanceClient } from './client.js';

export type CacheApi = 'legacy' | 'v2';
export const CACHE_APIS = ['legacy', 'v2', 'auto'] as const;
export type CacheApiChoice = (typeof CACHE_APIS)[number];

/** One cache entry as both back ends report it (the sqlite/xattr driver's fields). */
export interface CachedImage {
  image_id: string;
  /** seconds since the epoch (float); 0 = never accessed */
  last_accessed: number;
  last_modified: number;
  size: number;
  hits: number;
}

export interface CacheState {
  cached: CachedImage[];
  queued: string[];
}

export interface CacheBackend {
  readonly api: CacheApi;
  /** the node's base URL */
  readonly node: string;
  list(): Promise<CacheState>;
  listCached(): Promise<CachedImage[]>;
  listQueued(): Promise<string[]>;
  /** legacy: only queued (a prefetcher fetches it); v2: queued and fetched at once by the API */
  queue(imageId: string): Promise<void>;
  deleteCached(imageId: string): Promise<void>;
  deleteQueued(imageId: string): Promise<void>;
  /** the number removed: legacy reports it; v2 does not, so it is counted first when `count` */
  clearCached(count?: boolean): Promise<number | undefined>;
  clearQueued(count?: boolean): Promise<number | undefined>;
  /** both at once (one request on v2, two on legacy) */
  clearAll(): Promise<void>;
}

/** An error of one node, already worded for the operator. */
export class CacheNodeError extends CliError {
  constructor(
    message: string,
    readonly node: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CacheNodeError';
  }
}

const SUPPORTED = new Set(['CURRENT', 'SUPPORTED', 'EXPERIMENTAL']);

/** Does the node's GET /versions list v2.14 or later (the cache API) as usable? */
export function hasCacheApi(versions: { id?: string; status?: string }[]): boolean {
  return versions.some((v) => {
    const m = /^v2\.(\d+)$/.exec(v.id ?? '');
    return !!m && Number(m[1]) >= 14 && SUPPORTED.has(String(v.status).toUpperCase());
  });
}

/** `auto`: one GET /versions on the node (HTTP 300 is its normal answer there). */
export async function probeCacheApi(client: GlanceClient, node: string): Promise<CacheApi> {
  try {
    const body = await client.json<{ versions?: { id?: string; status?: string }[] }>('GET', '/versions', {
      baseUrl: node,
      accept: [300],
    });
    return hasCacheApi(body?.versions ?? []) ? 'v2' : 'legacy';
  } catch (err) {
    throw nodeError(err, node, 'legacy');
  }
}

export function cacheBackend(client: GlanceClient, node: string, api: CacheApi): CacheBackend {
  return api === 'v2' ? new V2Cache(client, node) : new LegacyCache(client, node);
}

/** One line naming the node for whatever a cache call ran into. */
export function nodeError(err: unknown, node: string, api: CacheApi, imageId?: string): Error {
  if (err instanceof CacheNodeError) return err;
  if (err instanceof ConnectionError) {
    return new CacheNodeError(`Node ${node} is unreachable: ${err.message.replace(/^Unable to reach [^:]+:\/\/[^:]+(:\d+)?: /, '')}`, node);
  }
  if (!(err instanceof HttpError)) return err instanceof Error ? err : new Error(String(err));
  // http.ts already cleaned webob's HTML out of the detail; drop its status prefix
  const detail = (err.detail ?? '').replace(/^\d{3} [^:]*: /, '');
  const rid = err.requestId ? ` (request-id ${err.requestId})` : '';
  switch (err.status) {
    case 401:
    case 403:
      return new CacheNodeError(
        `Not authorized to manage the image cache on ${node}${detail ? ': ' + detail : ''} (HTTP ${err.status}; admin only)${rid}`,
        node,
        err.status,
      );
    case 404:
      if (api === 'legacy') {
        return new CacheNodeError(
          `Cache management middleware not enabled on host ${node} (HTTP 404; try --api v2)${rid}`,
          node,
          404,
        );
      }
      if (imageId && !/not supported/i.test(detail)) {
        return new CacheNodeError(`Image ${imageId} not found on ${node} (HTTP 404)${rid}`, node, 404);
      }
      return new CacheNodeError(
        `The cache API (v2.14) is not enabled on ${node}${detail ? ': ' + detail : ''} (HTTP 404; try --api legacy)${rid}`,
        node,
        404,
      );
    case 400:
      if (imageId && /status active/i.test(detail)) {
        return new CacheNodeError(`Image ${imageId} is not active, so it cannot be queued for caching (${node})${rid}`, node, 400);
      }
      break;
  }
  return new CacheNodeError(`${node}: ${err.message}`, node, err.status);
}

abstract class Base {
  constructor(
    protected readonly client: GlanceClient,
    readonly node: string,
  ) {}
  abstract readonly api: CacheApi;

  protected async call<T>(method: 'GET' | 'PUT' | 'DELETE', path: string, imageId?: string, headers?: Record<string, string>): Promise<T> {
    try {
      return await this.client.json<T>(method, path, { baseUrl: this.node, headers });
    } catch (err) {
      throw nodeError(err, this.node, this.api, imageId);
    }
  }
}

const id = (s: string) => encodeURIComponent(s);

class LegacyCache extends Base implements CacheBackend {
  readonly api = 'legacy' as const;

  async list(): Promise<CacheState> {
    const [cached, queued] = await Promise.all([this.listCached(), this.listQueued()]);
    return { cached, queued };
  }
  async listCached(): Promise<CachedImage[]> {
    return (await this.call<{ cached_images?: CachedImage[] }>('GET', '/v2/cached_images'))?.cached_images ?? [];
  }
  async listQueued(): Promise<string[]> {
    return (await this.call<{ queued_images?: string[] }>('GET', '/v2/queued_images'))?.queued_images ?? [];
  }
  async queue(imageId: string): Promise<void> {
    await this.call('PUT', `/v2/queued_images/${id(imageId)}`, imageId);
  }
  async deleteCached(imageId: string): Promise<void> {
    await this.call('DELETE', `/v2/cached_images/${id(imageId)}`, imageId);
  }
  async deleteQueued(imageId: string): Promise<void> {
    await this.call('DELETE', `/v2/queued_images/${id(imageId)}`, imageId);
  }
  async clearCached(): Promise<number | undefined> {
    return (await this.call<{ num_deleted?: number }>('DELETE', '/v2/cached_images'))?.num_deleted;
  }
  async clearQueued(): Promise<number | undefined> {
    return (await this.call<{ num_deleted?: number }>('DELETE', '/v2/queued_images'))?.num_deleted;
  }
  async clearAll(): Promise<void> {
    await this.clearQueued();
    await this.clearCached();
  }
}

class V2Cache extends Base implements CacheBackend {
  readonly api = 'v2' as const;

  async list(): Promise<CacheState> {
    const body = await this.call<{ cached_images?: CachedImage[]; queued_images?: string[] }>('GET', '/v2/cache');
    return { cached: body?.cached_images ?? [], queued: body?.queued_images ?? [] };
  }
  async listCached(): Promise<CachedImage[]> {
    return (await this.list()).cached;
  }
  async listQueued(): Promise<string[]> {
    return (await this.list()).queued;
  }
  async queue(imageId: string): Promise<void> {
    await this.call('PUT', `/v2/cache/${id(imageId)}`, imageId);
  }
  /** DELETE /v2/cache/{id} drops the image from the cache and from the queue alike */
  async deleteCached(imageId: string): Promise<void> {
    await this.call('DELETE', `/v2/cache/${id(imageId)}`, imageId);
  }
  async deleteQueued(imageId: string): Promise<void> {
    await this.call('DELETE', `/v2/cache/${id(imageId)}`, imageId);
  }
  async clearCached(count = false): Promise<number | undefined> {
    const n = count ? (await this.list()).cached.length : undefined;
    await this.call('DELETE', '/v2/cache', undefined, { 'x-image-cache-clear-target': 'cache' });
    return n;
  }
  async clearQueued(count = false): Promise<number | undefined> {
    const n = count ? (await this.list()).queued.length : undefined;
    await this.call('DELETE', '/v2/cache', undefined, { 'x-image-cache-clear-target': 'queue' });
    return n;
  }
  /** no header = both (the server refuses the value 'both') */
  async clearAll(): Promise<void> {
    await this.call('DELETE', '/v2/cache');
  }
}
