/**
 * The metadata definitions catalog (/v2/metadefs): namespaces, resource types and their
 * associations, properties, objects and tags. Updates follow glanceclient: read the current
 * definition, apply the changes, PUT the whole of it, then read it back under its (new) name.
 */
import { NAMESPACE_PAGE } from './shapes.js';
import type { GlanceClient } from './client.js';

export type Json = Record<string, unknown>;

export const NAMESPACE_PAGE_SIZE = 20;

const enc = encodeURIComponent;
const nsPath = (ns: string) => `/v2/metadefs/namespaces/${enc(ns)}`;

function dropSelf<T extends Json>(body: T): T {
  const { self: _self, ...rest } = body;
  return rest as T;
}

function without(body: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));
}

// ---- namespaces

export interface NamespaceListQuery {
  resourceTypes?: string[];
  visibility?: string;
  pageSize?: number;
}

export function namespaceListPath(q: NamespaceListQuery): string {
  const params = new URLSearchParams();
  if (q.resourceTypes?.length) params.append('resource_types', q.resourceTypes.join(','));
  if (q.visibility !== undefined) params.append('visibility', q.visibility);
  params.append('limit', String(q.pageSize || NAMESPACE_PAGE_SIZE));
  return `/v2/metadefs/namespaces?${params.toString()}`;
}

export async function* listNamespaces(client: GlanceClient, q: NamespaceListQuery = {}): AsyncGenerator<Json> {
  let path: string | undefined = namespaceListPath(q);
  while (path) {
    const page = (await client.json('GET', path, { shape: NAMESPACE_PAGE })) as { namespaces: Json[]; next?: string };
    for (const ns of page.namespaces) yield dropSelf(ns);
    // the server's `next` is relative to the API root, e.g. /v2/metadefs/namespaces?marker=x&limit=20
    path = page.next;
  }
}

export async function getNamespace(client: GlanceClient, ns: string, resourceType?: string): Promise<Json> {
  const query = resourceType ? `?${new URLSearchParams({ resource_type: resourceType }).toString()}` : '';
  return dropSelf(await client.json<Json>('GET', `${nsPath(ns)}${query}`));
}

export async function createNamespace(client: GlanceClient, body: Json): Promise<Json> {
  return dropSelf(await client.json<Json>('POST', '/v2/metadefs/namespaces', { json: body }));
}

export async function updateNamespace(client: GlanceClient, ns: string, changes: Json): Promise<Json> {
  const current = await getNamespace(client, ns);
  const body = without({ ...current, ...changes }, ['schema', 'updated_at', 'created_at']);
  await client.send('PUT', nsPath(ns), { json: body });
  return getNamespace(client, String(body.namespace ?? ns));
}

export async function deleteNamespace(client: GlanceClient, ns: string): Promise<void> {
  await client.send('DELETE', nsPath(ns));
}

/** DELETE .../properties, .../objects or .../tags: everything of that kind in the namespace. */
export async function deleteAllIn(client: GlanceClient, ns: string, kind: 'properties' | 'objects' | 'tags'): Promise<void> {
  await client.send('DELETE', `${nsPath(ns)}/${kind}`);
}

/**
 * What md-namespace-show/-create/-update/-import print: properties, objects, tags and resource
 * type associations flattened to their names (glanceclient's _namespace_show).
 */
export function namespaceView(ns: Json): Json {
  const out: Json = { ...ns };
  if ('properties' in out) out.properties = Object.keys((out.properties as Json) ?? {});
  if ('resource_type_associations' in out) {
    out.resource_type_associations = ((out.resource_type_associations as Json[]) ?? []).map((a) => a.name);
  }
  if ('objects' in out) out.objects = ((out.objects as Json[]) ?? []).map((o) => o.name);
  if ('tags' in out) out.tags = ((out.tags as Json[]) ?? []).map((t) => t.name);
  return out;
}

// ---- resource types

export async function listResourceTypes(client: GlanceClient): Promise<Json[]> {
  return (await client.json<{ resource_types: Json[] }>('GET', '/v2/metadefs/resource_types')).resource_types;
}

export async function listNamespaceResourceTypes(client: GlanceClient, ns: string): Promise<Json[]> {
  return (await client.json<{ resource_type_associations: Json[] }>('GET', `${nsPath(ns)}/resource_types`))
    .resource_type_associations;
}

export async function associateResourceType(client: GlanceClient, ns: string, body: Json): Promise<Json> {
  return dropSelf(await client.json<Json>('POST', `${nsPath(ns)}/resource_types`, { json: body }));
}

export async function deassociateResourceType(client: GlanceClient, ns: string, rt: string): Promise<void> {
  await client.send('DELETE', `${nsPath(ns)}/resource_types/${enc(rt)}`);
}

// ---- properties

const propPath = (ns: string, p: string) => `${nsPath(ns)}/properties/${enc(p)}`;

export async function listProperties(client: GlanceClient, ns: string): Promise<Json[]> {
  const body = await client.json<{ properties: Record<string, Json> }>('GET', `${nsPath(ns)}/properties`);
  return Object.entries(body.properties ?? {}).map(([name, p]) => ({ ...p, name }));
}

export async function getProperty(client: GlanceClient, ns: string, name: string): Promise<Json> {
  return { ...dropSelf(await client.json<Json>('GET', propPath(ns, name))), name };
}

export async function createProperty(client: GlanceClient, ns: string, body: Json): Promise<Json> {
  return dropSelf(await client.json<Json>('POST', `${nsPath(ns)}/properties`, { json: body }));
}

export async function updateProperty(client: GlanceClient, ns: string, name: string, changes: Json): Promise<Json> {
  const body = { ...(await getProperty(client, ns, name)), ...changes };
  await client.send('PUT', propPath(ns, name), { json: body });
  return getProperty(client, ns, String(body.name));
}

export async function deleteProperty(client: GlanceClient, ns: string, name: string): Promise<void> {
  await client.send('DELETE', propPath(ns, name));
}

// ---- objects

const objPath = (ns: string, o: string) => `${nsPath(ns)}/objects/${enc(o)}`;

export async function listObjects(client: GlanceClient, ns: string): Promise<Json[]> {
  return (await client.json<{ objects: Json[] }>('GET', `${nsPath(ns)}/objects`)).objects;
}

export async function getObject(client: GlanceClient, ns: string, name: string): Promise<Json> {
  return dropSelf(await client.json<Json>('GET', objPath(ns, name)));
}

export async function createObject(client: GlanceClient, ns: string, body: Json): Promise<Json> {
  return dropSelf(await client.json<Json>('POST', `${nsPath(ns)}/objects`, { json: body }));
}

export async function updateObject(client: GlanceClient, ns: string, name: string, changes: Json): Promise<Json> {
  const body = without({ ...(await getObject(client, ns, name)), ...changes }, ['schema', 'updated_at', 'created_at']);
  await client.send('PUT', objPath(ns, name), { json: body });
  return getObject(client, ns, String(body.name));
}

export async function deleteObject(client: GlanceClient, ns: string, name: string): Promise<void> {
  await client.send('DELETE', objPath(ns, name));
}

/** md-object-show's view: the object's properties flattened to their names. */
export function objectView(obj: Json): Json {
  const out: Json = { ...obj };
  if ('properties' in out) out.properties = Object.keys((out.properties as Json) ?? {});
  return out;
}

// ---- tags

const tagPath = (ns: string, t: string) => `${nsPath(ns)}/tags/${enc(t)}`;

export async function listTags(client: GlanceClient, ns: string): Promise<Json[]> {
  return (await client.json<{ tags: Json[] }>('GET', `${nsPath(ns)}/tags`)).tags;
}

export async function getTag(client: GlanceClient, ns: string, name: string): Promise<Json> {
  return dropSelf(await client.json<Json>('GET', tagPath(ns, name)));
}

export async function createTag(client: GlanceClient, ns: string, name: string): Promise<Json> {
  return dropSelf(await client.json<Json>('POST', tagPath(ns, name)));
}

export async function createTags(client: GlanceClient, ns: string, names: string[], append: boolean): Promise<Json[]> {
  const body = await client.json<{ tags: Json[] }>('POST', `${nsPath(ns)}/tags`, {
    json: { tags: names.map((name) => ({ name })) },
    headers: append ? { 'x-openstack-append': 'True' } : {},
  });
  return body.tags;
}

export async function updateTag(client: GlanceClient, ns: string, name: string, newName: string): Promise<Json> {
  const body = without({ ...(await getTag(client, ns, name)), name: newName }, ['updated_at', 'created_at']);
  await client.send('PUT', tagPath(ns, name), { json: body });
  return getTag(client, ns, newName);
}

export async function deleteTag(client: GlanceClient, ns: string, name: string): Promise<void> {
  await client.send('DELETE', tagPath(ns, name));
}
