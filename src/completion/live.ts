/**
 * Live completion values fetched from Glance: image names and IDs, store ids, import methods,
 * task ids and metadef namespaces. Each is one or two small GETs; no spinner, no table.
 */
import type { GlanceClient } from '../glance/client.js';
import { listImages } from '../glance/images.js';
import type { Candidate } from './cache.js';
import type { LiveKind } from './model.js';

/** More than this many images is a list nobody pages through at a TAB. */
export const MAX_IMAGES = 2000;

async function images(client: GlanceClient): Promise<Candidate[]> {
  const rows: { id: string; name?: string | null }[] = [];
  for await (const image of listImages(client, { pageSize: 1000, limit: MAX_IMAGES })) {
    rows.push({ id: image.id, name: image.name as string | null | undefined });
  }
  const count = new Map<string, number>();
  for (const r of rows) if (r.name) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  const out: Candidate[] = [];
  // an ambiguous name would fail in the command: offer only the IDs for it
  for (const r of rows) if (r.name && count.get(r.name) === 1) out.push({ value: r.name, description: r.id });
  for (const r of rows) out.push({ value: r.id, description: r.name ?? '' });
  return out;
}

async function stores(client: GlanceClient): Promise<Candidate[]> {
  const res = await client.json<{ stores?: { id: string; description?: string; default?: unknown }[] }>('GET', '/v2/info/stores');
  return (res?.stores ?? []).map((s) => {
    const isDefault = (s.default === true || s.default === 'true') && !/\(default\)/.test(s.description ?? '');
    return { value: s.id, description: [s.description, isDefault ? '(default)' : ''].filter(Boolean).join(' ') };
  });
}

async function importMethods(client: GlanceClient): Promise<Candidate[]> {
  const res = await client.json<{ 'import-methods'?: { value?: string[] } }>('GET', '/v2/info/import');
  return (res?.['import-methods']?.value ?? []).map((value) => ({ value }));
}

async function tasks(client: GlanceClient): Promise<Candidate[]> {
  const res = await client.json<{ tasks?: { id: string; type?: string; status?: string }[] }>('GET', '/v2/tasks?limit=200');
  return (res?.tasks ?? []).map((t) => ({ value: t.id, description: [t.type, t.status].filter(Boolean).join(' ') }));
}

async function namespaces(client: GlanceClient): Promise<Candidate[]> {
  const res = await client.json<{ namespaces?: { namespace: string; display_name?: string }[] }>(
    'GET',
    '/v2/metadefs/namespaces?limit=1000',
  );
  return (res?.namespaces ?? []).map((n) => ({ value: n.namespace, description: n.display_name ?? '' }));
}

const FETCHERS: Record<LiveKind, (client: GlanceClient) => Promise<Candidate[]>> = {
  images,
  stores,
  'import-methods': importMethods,
  tasks,
  namespaces,
};

export function fetchLive(kind: LiveKind, client: GlanceClient): Promise<Candidate[]> {
  return FETCHERS[kind](client);
}
