/**
 * Glance JSON schemas (GET /v2/schemas/{model}), cached on disk so that most runs cost nothing.
 *
 * Cache: $XDG_CACHE_HOME/tsglance/schemas/<key>/<model>.json (default ~/.cache), written atomically
 * (temp file + rename, safe-file.ts) with mode 0600, valid for `ttlMs` (default 1 h). The key names the image
 * endpoint without asking Keystone: OS_IMAGE_URL when set, else auth URL + region + interface, so
 * a warm cache lets a command validate enum values before any request at all.
 */
import { SCHEMA } from './shapes.js';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { cacheRoot, privateDir, readPrivateFile, writePrivateFile } from '../safe-file.js';
import type { Env } from '../auth/settings.js';
import { UsageError } from '../errors.js';
import type { GlanceClient } from './client.js';

export type SchemaModel =
  | 'image'
  | 'images'
  | 'member'
  | 'members'
  | 'task'
  | 'tasks'
  | 'metadefs/namespace'
  | 'metadefs/namespaces'
  | 'metadefs/resource_type'
  | 'metadefs/resource_types'
  | 'metadefs/property'
  | 'metadefs/properties'
  | 'metadefs/object'
  | 'metadefs/objects'
  | 'metadefs/tag'
  | 'metadefs/tags'
  | (string & {});

export interface SchemaProperty {
  type?: string | string[];
  enum?: (string | number | boolean | null)[];
  description?: string;
  readOnly?: boolean;
  items?: SchemaProperty;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  [key: string]: unknown;
}

export interface JsonSchema {
  name?: string;
  properties: Record<string, SchemaProperty>;
  additionalProperties?: unknown;
  links?: unknown[];
  [key: string]: unknown;
}

export interface SchemaOptions {
  /** where XDG_CACHE_HOME / HOME come from (default process.env) */
  env?: Env;
  /** how long a cached copy is trusted; default 1 h; 0 disables the cache */
  ttlMs?: number;
  /** ignore the cached copy (it is still rewritten) */
  refresh?: boolean;
  now?: () => number;
  debug?: (line: string) => void;
}

export const SCHEMA_TTL_MS = 60 * 60 * 1000;

export function schemaCacheDir(env: Env = process.env): string {
  return join(cacheRoot(env), 'schemas');
}

/** A stable name for "this image endpoint", computable without a token. */
export function endpointKey(client: GlanceClient): string {
  const s = client.session.settings;
  const parts = s.imageUrl
    ? ['url', s.imageUrl.replace(/\/+$/, '')]
    : ['catalog', s.authUrl ?? '', s.regionName ?? '', s.interface ?? 'public', s.serviceType ?? 'image'];
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 24);
}

function cacheFile(env: Env, key: string, model: string): string {
  return join(schemaCacheDir(env), key, `${model.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`);
}

async function readCached(file: string, ttlMs: number, now: number): Promise<JsonSchema | undefined> {
  const read = readPrivateFile(file);
  if (!read || now - read.mtimeMs > ttlMs || now < read.mtimeMs - 60_000) return undefined;
  try {
    const parsed = JSON.parse(read.text) as JsonSchema;
    return parsed && typeof parsed === 'object' && parsed.properties ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Only into a directory that is ours alone, never through a planted symlink (safe-file.ts). */
async function writeCached(env: Env, file: string, schema: JsonSchema): Promise<void> {
  const dir = privateDir(cacheRoot(env), dirname(file));
  writePrivateFile(dir, basename(file), JSON.stringify(schema));
}

const memo = new Map<string, Promise<JsonSchema>>();

/** GET /v2/schemas/{model}, from the on-disk cache when fresh. */
export function getSchema(client: GlanceClient, model: SchemaModel, opts: SchemaOptions = {}): Promise<JsonSchema> {
  const env = opts.env ?? process.env;
  const key = endpointKey(client);
  const memoKey = `${key}\0${model}\0${opts.refresh ? 1 : 0}`;
  let p = memo.get(memoKey);
  if (!p) {
    p = loadSchema(client, model, key, env, opts);
    memo.set(memoKey, p);
    p.catch(() => memo.delete(memoKey));
  }
  return p;
}

async function loadSchema(client: GlanceClient, model: string, key: string, env: Env, opts: SchemaOptions): Promise<JsonSchema> {
  const ttl = opts.ttlMs ?? SCHEMA_TTL_MS;
  const now = (opts.now ?? Date.now)();
  const file = cacheFile(env, key, model);
  if (ttl > 0 && !opts.refresh) {
    const cached = await readCached(file, ttl, now);
    if (cached) {
      opts.debug?.(`schema ${model}: cache hit ${file}`);
      return cached;
    }
  }
  const schema = (await client.json('GET', `/v2/schemas/${model}`, { shape: SCHEMA })) as JsonSchema;
  if (ttl > 0) {
    await writeCached(env, file, schema).catch((err: Error) => opts.debug?.(`schema cache write failed: ${err.message}`));
  }
  return schema;
}

/** The non-null enum values of a property (array items' enum for arrays), or undefined when free-form. */
export function enumValues(schema: JsonSchema, property: string): string[] | undefined {
  const prop = schema.properties?.[property];
  const values = prop?.enum ?? prop?.items?.enum;
  if (!values) return undefined;
  return values.filter((v) => v !== null).map(String);
}

export interface ImageEnums {
  disk_format?: string[];
  container_format?: string[];
  visibility?: string[];
}

export function imageEnums(schema: JsonSchema): ImageEnums {
  return {
    disk_format: enumValues(schema, 'disk_format'),
    container_format: enumValues(schema, 'container_format'),
    visibility: enumValues(schema, 'visibility'),
  };
}

/**
 * Throw a UsageError when `value` is not one of the property's enum values. `option` names the flag
 * in the message (default: --<property with dashes>).
 */
export function checkEnum(schema: JsonSchema, property: string, value: unknown, option?: string): void {
  if (value === undefined || value === null) return;
  const allowed = enumValues(schema, property);
  if (!allowed) return;
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (!allowed.includes(String(v))) {
      const flag = option ?? `--${property.replace(/_/g, '-')}`;
      throw new UsageError(`${flag}: '${String(v)}' is not valid; use one of ${allowed.join(', ')}`);
    }
  }
}

/** Schema properties the server computes (readOnly), which no command may set. */
export function readOnlyProperties(schema: JsonSchema): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.readOnly)
    .map(([k]) => k);
}
