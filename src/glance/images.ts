import { CliError } from '../errors.js';
import { IMAGE, TASK_LIST, type Shape } from './shapes.js';
import { HttpError } from '../http.js';
import type { GlanceClient, GlanceRequestOptions } from './client.js';
import { plainPages } from './listing.js';

export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility?: string;
  disk_format?: string | null;
  container_format?: string | null;
  size?: number | null;
  virtual_size?: number | null;
  owner?: string | null;
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  os_hidden?: boolean;
  protected?: boolean;
  tags?: string[];
  stores?: string;
  created_at?: string;
  updated_at?: string;
  os_glance_importing_to_stores?: string;
  os_glance_failed_import?: string;
  os_glance_import_task?: string;
  [key: string]: unknown;
}

export interface ImageListQuery {
  /** filters sent as query parameters (visibility, owner, member_status, checksum, os_hash_value, os_hidden, ...) */
  filters?: Record<string, string>;
  tags?: string[];
  sortKeys?: string[];
  sortDirs?: string[];
  sort?: string;
  pageSize?: number;
  limit?: number;
}

export const DEFAULT_PAGE_SIZE = 200;

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** Every image matching the query, page by page (plain paging: see listing.ts for large listings). */
export async function* listImages(client: GlanceClient, q: ImageListQuery = {}): AsyncGenerator<Image> {
  for await (const page of plainPages(client, q, q.pageSize ?? DEFAULT_PAGE_SIZE)) yield* page;
}

export async function getImage(client: GlanceClient, id: string, req: GlanceRequestOptions = {}): Promise<Image> {
  try {
    return (await client.json('GET', `/v2/images/${encodeURIComponent(id)}`, { ...req, shape: IMAGE })) as Image;
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) {
      throw new CliError(`No image with a name or ID of '${id}' exists.`);
    }
    throw err;
  }
}

/**
 * Name or ID → image. An ID is tried first; a name must be unique among the images the user can
 * see (hidden ones included, as a second look), else the candidates are listed.
 */
export async function findImage(client: GlanceClient, nameOrId: string): Promise<Image> {
  if (isUuid(nameOrId)) {
    try {
      return (await client.json('GET', `/v2/images/${encodeURIComponent(nameOrId)}`, { shape: IMAGE })) as Image;
    } catch (err) {
      if (!(err instanceof HttpError && err.status === 404)) throw err;
    }
  }
  for (const hidden of ['false', 'true']) {
    const matches: Image[] = [];
    for await (const image of listImages(client, { filters: { name: nameOrId, os_hidden: hidden }, pageSize: 20 })) {
      matches.push(image);
    }
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new CliError(
        `Multiple images are named '${nameOrId}': ${matches.map((m) => m.id).join(', ')}; use an ID.`,
      );
    }
  }
  throw new CliError(`No image with a name or ID of '${nameOrId}' exists.`);
}

/** Just the ID, without a round trip when the argument already is one. */
export async function resolveImageId(client: GlanceClient, nameOrId: string): Promise<string> {
  return isUuid(nameOrId) ? nameOrId : (await findImage(client, nameOrId)).id;
}

// ---------------------------------------------------------------------------------------------
// lifecycle calls (image-create/update/delete/deactivate/reactivate/tags/tasks)

export interface PatchOp {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export const JSON_PATCH_MEDIA_TYPE = 'application/openstack-images-v2.1-json-patch';

/** JSON pointer for a top-level attribute (RFC 6901 escaping). */
export function patchPath(key: string): string {
  return '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * One PATCH for all changes: `replace` for attributes the image has, `add` for new ones, `remove`
 * for the given keys. Returns the updated image (Glance answers with it).
 */
export function imagePatch(current: Image, set: Record<string, unknown>, remove: string[] = []): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const [key, value] of Object.entries(set)) {
    ops.push({ op: key in current ? 'replace' : 'add', path: patchPath(key), value });
  }
  for (const key of remove) ops.push({ op: 'remove', path: patchPath(key) });
  return ops;
}

export async function patchImage(client: GlanceClient, id: string, ops: PatchOp[], signal?: AbortSignal): Promise<Image> {
  return client.json('PATCH', `/v2/images/${encodeURIComponent(id)}`, {
    shape: IMAGE as Shape<Image>,
    body: JSON.stringify(ops),
    headers: { 'content-type': JSON_PATCH_MEDIA_TYPE },
    signal,
  });
}

export async function createImage(client: GlanceClient, body: Record<string, unknown>, signal?: AbortSignal): Promise<Image> {
  return client.json('POST', '/v2/images', { json: body, signal, shape: IMAGE as Shape<Image> });
}

export async function deleteImage(client: GlanceClient, id: string): Promise<void> {
  await client.send('DELETE', `/v2/images/${encodeURIComponent(id)}`);
}

export async function imageAction(client: GlanceClient, id: string, action: 'deactivate' | 'reactivate'): Promise<void> {
  await client.send('POST', `/v2/images/${encodeURIComponent(id)}/actions/${action}`);
}

export async function addImageTag(client: GlanceClient, id: string, tag: string): Promise<void> {
  await client.send('PUT', `/v2/images/${encodeURIComponent(id)}/tags/${encodeURIComponent(tag)}`);
}

export async function deleteImageTag(client: GlanceClient, id: string, tag: string): Promise<void> {
  await client.send('DELETE', `/v2/images/${encodeURIComponent(id)}/tags/${encodeURIComponent(tag)}`);
}

export interface ImageTask {
  id: string;
  type?: string;
  status?: string;
  message?: string;
  image_id?: string;
  request_id?: string;
  user_id?: string;
  owner?: string;
  input?: unknown;
  result?: unknown;
  expires_at?: string | null;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export async function getImageTasks(client: GlanceClient, id: string): Promise<ImageTask[]> {
  const body = (await client.json('GET', `/v2/images/${encodeURIComponent(id)}/tasks`, { shape: TASK_LIST })) as { tasks: ImageTask[] };
  return body.tasks ?? [];
}
