import { CliError } from '../errors.js';
import { STORE_LIST } from './shapes.js';
import { HttpError } from '../http.js';
import type { GlanceClient } from './client.js';

export interface ImportInfo {
  'import-methods': { description: string; type: string; value: string[] };
}

export interface StoreInfo {
  id: string;
  description?: string;
  default?: string | boolean;
  'read-only'?: string | boolean;
  type?: string;
  weight?: number;
  properties?: Record<string, unknown>;
}

export async function getImportInfo(client: GlanceClient): Promise<ImportInfo> {
  try {
    return await client.json<ImportInfo>('GET', '/v2/info/import');
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) {
      throw new CliError('Target Glance does not support Image Import workflow');
    }
    throw err;
  }
}

export async function getStores(client: GlanceClient, detail = false): Promise<{ stores: StoreInfo[] }> {
  try {
    return (await client.json('GET', detail ? '/v2/info/stores/detail' : '/v2/info/stores', { shape: STORE_LIST })) as { stores: StoreInfo[] };
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw new CliError('Multi Backend support is not enabled');
    if (err instanceof HttpError && err.status === 403 && detail) {
      throw new CliError(`${err.message} — stores-info --detail is admin only`);
    }
    throw err;
  }
}
