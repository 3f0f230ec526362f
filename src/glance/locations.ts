/**
 * Image locations: the JSON-patch way (PATCH /v2/images/{id} on /locations, needs the server's
 * show_multiple_locations) and the Locations API of Glance 2024.2+ (POST/GET
 * /v2/images/{id}/locations, API v2.17).
 */
import { CliError } from '../errors.js';
import { HttpError } from '../http.js';
import type { GlanceClient } from './client.js';
import { getImage, type Image } from './images.js';

export interface Location {
  url: string;
  metadata: Record<string, unknown>;
  validation_data?: Record<string, unknown>;
  [key: string]: unknown;
}

export const HASH_ALGOS = ['sha512', 'sha256', 'sha1', 'md5'] as const;
const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

/** What glanceclient prints when the image carries no `locations` field. */
export const LOCATIONS_HIDDEN =
  'The administrator has disabled API access to image locations (Glance option show_multiple_locations is off)';

const imagePath = (id: string) => `/v2/images/${encodeURIComponent(id)}`;

async function patch(client: GlanceClient, id: string, ops: unknown[]): Promise<void> {
  await client.send('PATCH', imagePath(id), { json: ops, headers: { 'content-type': PATCH_TYPE } });
}

function locationsOf(image: Image): Location[] {
  if (!Array.isArray(image.locations)) throw new CliError(LOCATIONS_HIDDEN);
  return image.locations as Location[];
}

/** location-add: append one location; validation data only when given, as glanceclient. */
export async function addLocation(
  client: GlanceClient,
  id: string,
  url: string,
  metadata: Record<string, unknown>,
  validationData: Record<string, string>,
): Promise<Image> {
  const value: Record<string, unknown> = { url, metadata };
  if (Object.keys(validationData).length) value.validation_data = validationData;
  await patch(client, id, [{ op: 'add', path: '/locations/-', value }]);
  return getImage(client, id);
}

/** location-delete: remove every given URL, highest index first; unknown URLs fail before the PATCH. */
export async function deleteLocations(client: GlanceClient, image: Image, urls: string[]): Promise<void> {
  const current = locationsOf(image).map((l) => l.url);
  const wanted = [...new Set(urls)];
  const missing = wanted.filter((u) => !current.includes(u));
  if (missing.length) throw new CliError(`Unknown URL(s): ${missing.join(', ')}`);
  const indices = wanted.map((u) => current.indexOf(u)).sort((a, b) => b - a);
  await patch(client, image.id, indices.map((i) => ({ op: 'remove', path: `/locations/${i}` })));
}

/** location-update: replace the metadata of one location (no request when it is unchanged). */
export async function updateLocation(
  client: GlanceClient,
  image: Image,
  url: string,
  metadata: Record<string, unknown>,
): Promise<Image> {
  const locations = locationsOf(image);
  const hit = locations.find((l) => l.url === url);
  if (!hit) throw new CliError(`Unknown URL: ${url}, the URL must be one of existing locations of current image`);
  if (JSON.stringify(hit.metadata) === JSON.stringify(metadata)) return image;
  const value = locations.map((l) => (l.url === url ? { ...l, metadata } : l));
  await patch(client, image.id, [{ op: 'replace', path: '/locations', value }]);
  return getImage(client, image.id);
}

/** Does GET /versions list this API version? */
export async function hasVersion(client: GlanceClient, version: string): Promise<boolean> {
  const base = (await client.endpoint()).replace(/\/+$/, '').replace(/\/v2(\.\d+)?$/, '');
  const res = await client.request('GET', `${base}/versions`, { accept: [300] });
  const body = (await res.body.json()) as { versions?: { id: string }[] };
  return (body.versions ?? []).some((v) => v.id === version);
}

const NO_LOCATIONS_API =
  'This Glance does not offer the Locations API (API v2.17, Glance 2024.2 or later); location-add (JSON patch) needs show_multiple_locations on the server';

/** add-location: POST /v2/images/{id}/locations (queued images only), then the image. */
export async function addImageLocation(
  client: GlanceClient,
  id: string,
  url: string,
  validationData: Record<string, string>,
): Promise<Image> {
  try {
    await client.send('POST', `${imagePath(id)}/locations`, { json: { url, validation_data: validationData } });
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 405) && !(await hasVersion(client, 'v2.17'))) {
      throw new CliError(NO_LOCATIONS_API);
    }
    throw err;
  }
  return getImage(client, id);
}

/**
 * The image's locations: its `locations` field when the server shows it, else the Locations API
 * (GET /v2/images/{id}/locations, v2.17, which policy normally keeps to service users).
 */
export async function listLocations(client: GlanceClient, image: Image): Promise<Location[]> {
  if (Array.isArray(image.locations)) return image.locations as Location[];
  try {
    return await client.json<Location[]>('GET', `${imagePath(image.id)}/locations`);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 405) && !(await hasVersion(client, 'v2.17'))) {
      throw new CliError(
        `${LOCATIONS_HIDDEN}, and this Glance has no Locations API (v2.17) to ask instead`,
      );
    }
    throw err;
  }
}
