/**
 * Interoperable image import: the checks glanceclient makes against /v2/info/import and
 * /v2/info/stores, the POST /v2/images/{id}/import body exactly as glanceclient builds it,
 * DELETE /v2/stores/{store}/{id}, GET /v2/images/{id}/tasks, and the per-store state of an
 * import as the image record and its task show it. No output here: the watch view renders it.
 */
import { TASK_LIST } from './shapes.js';
import { CliError, UsageError } from '../errors.js';
import { HttpError } from '../http.js';
import type { GlanceClient, GlanceRequestOptions } from './client.js';
import type { Image } from './images.js';
import { getImportInfo, getStores, type StoreInfo } from './info.js';

export const IMPORT_METHODS = ['glance-direct', 'web-download', 'copy-image', 'glance-download'] as const;
export type ImportMethod = (typeof IMPORT_METHODS)[number] | (string & {});

export interface ImportRequest {
  method: ImportMethod;
  uri?: string;
  remoteRegion?: string;
  remoteImageId?: string;
  remoteServiceInterface?: string;
  /** one store, sent as the x-image-meta-store header */
  store?: string;
  stores?: string[];
  allStores?: boolean;
  /** default true: all_stores_must_succeed=false is sent with stores/all_stores */
  allowFailure: boolean;
}

/** The import methods the server offers (GET /v2/info/import). */
export async function importMethods(client: GlanceClient): Promise<string[]> {
  const info = await getImportInfo(client);
  return info['import-methods']?.value ?? [];
}

/** glanceclient's check: the method must be one /v2/info/import lists (a usage mistake: exit 2). */
export async function checkImportMethod(client: GlanceClient, method: string): Promise<void> {
  const methods = await importMethods(client);
  if (!methods.includes(method)) {
    throw new UsageError(
      `Import method '${method}' is not valid for this cloud. Valid values can be retrieved with import-info command.`,
    );
  }
}

/**
 * The stores the server lists (GET /v2/info/stores), or undefined when it is not multi-store
 * (404: glanceclient then skips the check for backward compatibility).
 */
export async function enabledStores(client: GlanceClient): Promise<StoreInfo[] | undefined> {
  try {
    return (await getStores(client)).stores;
  } catch (err) {
    if (err instanceof CliError && /Multi Backend support is not enabled/.test(err.message)) return undefined;
    throw err;
  }
}

/** Each store must be one /v2/info/stores lists (glanceclient's _validate_backend message; exit 2). */
export function checkStoresIn(available: StoreInfo[] | undefined, stores: string[]): void {
  if (!available) return;
  for (const s of stores) {
    if (!available.some((a) => a.id === s)) {
      throw new UsageError(
        `Store '${s}' is not valid for this cloud. Valid values can be retrieved with stores-info command.`,
      );
    }
  }
}

const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');

/** The store the server uses when none is asked for. */
export function defaultStore(available: StoreInfo[] | undefined): string | undefined {
  return available?.find((s) => truthy(s.default))?.id;
}

/**
 * The stores an import will write to, as the server decides them (utils.get_stores_from_request):
 * `stores`, or every writable store for all_stores (minus those the image is already in, for
 * copy-image), or the x-image-meta-store header, or the default store.
 */
export function targetStores(req: ImportRequest, available: StoreInfo[] | undefined, image?: Image): string[] {
  if (req.stores?.length) return [...req.stores];
  if (req.allStores) {
    let all = (available ?? []).filter((s) => !truthy(s['read-only'])).map((s) => s.id);
    if (req.method === 'copy-image') {
      const have = splitStores(image?.stores);
      all = all.filter((s) => !have.includes(s));
    }
    return all;
  }
  if (req.store) return [req.store];
  const d = defaultStore(available);
  return d ? [d] : [];
}

/** The POST /v2/images/{id}/import body and headers, as glanceclient's images.image_import builds them. */
export function importRequestBody(req: ImportRequest): { body: Record<string, unknown>; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const method: Record<string, unknown> = { name: req.method };
  const body: Record<string, unknown> = { method };
  if (req.stores?.length) {
    body.stores = req.stores;
    if (req.allowFailure) body.all_stores_must_succeed = false;
  }
  if (req.store !== undefined) headers['x-image-meta-store'] = req.store;
  if (req.allStores) {
    body.all_stores = true;
    if (req.allowFailure) body.all_stores_must_succeed = false;
  }
  if (req.remoteRegion && req.remoteImageId) {
    if (req.remoteServiceInterface) method.glance_service_interface = req.remoteServiceInterface;
    method.glance_region = req.remoteRegion;
    method.glance_image_id = req.remoteImageId;
  }
  if (req.uri) {
    if (req.method !== 'web-download') throw new CliError('URI is only supported with method: "web-download"');
    method.uri = req.uri;
  }
  return { body, headers };
}

/** POST /v2/images/{id}/import (202). */
export async function startImport(client: GlanceClient, imageId: string, req: ImportRequest): Promise<void> {
  const { body, headers } = importRequestBody(req);
  await client.send('POST', `/v2/images/${encodeURIComponent(imageId)}/import`, { json: body, headers, idempotent: false });
}

/** DELETE /v2/stores/{store}/{image} (204). */
export async function deleteFromStore(client: GlanceClient, store: string, imageId: string): Promise<void> {
  await client.send('DELETE', `/v2/stores/${encodeURIComponent(store)}/${encodeURIComponent(imageId)}`, {
    idempotent: false,
  });
}

export interface ImageTask {
  id: string;
  type?: string;
  status: string;
  message?: string;
  created_at?: string;
  updated_at?: string;
  expires_at?: string | null;
  image_id?: string;
  request_id?: string;
  user_id?: string;
  input?: Record<string, unknown> | null;
  result?: Record<string, unknown> | null;
  owner?: string;
  [key: string]: unknown;
}

/**
 * GET /v2/images/{id}/tasks, or undefined when the server has no such API (single-store
 * clouds before 2.12 answer 404 for the path while the image exists).
 */
export async function getImageTasks(client: GlanceClient, imageId: string, req: GlanceRequestOptions = {}): Promise<ImageTask[] | undefined> {
  try {
    const res = (await client.json('GET', `/v2/images/${encodeURIComponent(imageId)}/tasks`, { ...req, shape: TASK_LIST })) as { tasks: ImageTask[] };
    return res?.tasks ?? [];
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 501)) return undefined;
    throw err;
  }
}

export function splitStores(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export type StoreState = 'pending' | 'importing' | 'active' | 'failed' | 'reverted';

export interface StoreRow {
  store: string;
  state: StoreState;
}

export type ImportOutcome = 'running' | 'ok' | 'partial' | 'failed';

export interface ImportState {
  imageId: string;
  name: string | null;
  status: string;
  stores: StoreRow[];
  task?: { id: string; status: string; message: string };
  outcome: ImportOutcome;
  /** the stores that failed (named in the closing message) */
  failedStores: string[];
  /** why the import failed, from the task or the image */
  reason?: string;
}

/** The import task to follow: the one the image is locked by, else the given one, else the newest. */
export function pickTask(tasks: ImageTask[] | undefined, preferId?: string): ImageTask | undefined {
  if (!tasks?.length) return undefined;
  if (preferId) {
    const t = tasks.find((x) => x.id === preferId);
    if (t) return t;
  }
  return [...tasks].sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
}

const TASK_DONE = new Set(['success', 'failure']);

/**
 * Where an import stands, from the image record (stores, os_glance_importing_to_stores,
 * os_glance_failed_import, status) and its import task. Stores are imported one after another
 * in the order asked for, so the first one still listed as importing is the one being written.
 */
export function importState(
  image: Image,
  requested: string[],
  task: ImageTask | undefined,
  /** stores seen failing while the import still ran: the cause, when a failure reverts the others */
  culprits: readonly string[] = [],
): ImportState {
  const have = splitStores(image.stores);
  const importing = splitStores(image.os_glance_importing_to_stores);
  const failed = splitStores(image.os_glance_failed_import);
  const stores = requested.length ? requested : [...new Set([...have, ...importing, ...failed])];
  const taskDone = task ? TASK_DONE.has(task.status) : false;
  const taskFailed = task?.status === 'failure';
  let seenImporting = false;
  const flowStarted = stores.some((st) => importing.includes(st) || failed.includes(st));
  const rows: StoreRow[] = stores.map((store) => {
    let state: StoreState;
    if (failed.includes(store)) state = taskFailed && culprits.length && !culprits.includes(store) ? 'reverted' : 'failed';
    else if (have.includes(store) && !(importing.includes(store) && !taskDone)) state = 'active';
    else if (taskDone) state = taskFailed ? 'reverted' : 'failed';
    else if (importing.includes(store)) {
      state = seenImporting || task?.status === 'pending' ? 'pending' : 'importing';
      seenImporting = true;
    } else if (flowStarted && task?.status === 'processing') {
      // the flow lists every target as importing when it starts and drops each one once written
      state = 'active';
    } else state = 'pending';
    return { store, state };
  });
  const failedStores = rows.filter((r) => r.state === 'failed').map((r) => r.store);
  const allSettled = rows.every((r) => r.state === 'active' || r.state === 'failed' || r.state === 'reverted');
  let outcome: ImportOutcome = 'running';
  let reason: string | undefined;
  if (['killed', 'deleted', 'pending_delete'].includes(image.status)) {
    outcome = 'failed';
    reason = `the image is ${image.status}`;
  } else if (taskFailed) {
    outcome = 'failed';
    reason = task?.message || 'the import task failed';
  } else if (task?.status === 'success' || (!task && allSettled && importing.length === 0 && rows.length > 0)) {
    if (image.status !== 'active') {
      // a task that "succeeded" but left no data (every store failed under allow-failure)
      outcome = image.status === 'importing' ? 'running' : 'failed';
      if (outcome === 'failed') reason = task?.message || `the image is ${image.status}`;
    } else {
      outcome = failedStores.length ? 'partial' : 'ok';
    }
  }
  if (!task && outcome === 'running' && image.status === 'queued' && failed.length && !importing.length) {
    outcome = 'failed';
    reason = `the import failed in ${failed.join(', ')}`;
  }
  return {
    imageId: image.id,
    name: image.name ?? null,
    status: image.status,
    stores: rows,
    task: task ? { id: task.id, status: task.status, message: task.message ?? '' } : undefined,
    outcome,
    failedStores,
    reason,
  };
}
