/**
 * image-list from both ends of the sort order (listing.ts) against the real stack: the merged
 * listing is glance's, byte for byte, for the default sort, --sort-key/--sort-dir combinations,
 * --sort, and the filters; and images created and deleted while it runs never appear twice.
 * Small pages (--page-size) make a few dozen records a listing of many pages from each end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { rest, stackEnv } from './helpers/stack.js';

const suite = uniqueName('par');
const ids: string[] = [];
let auth: Record<string, string>;
let glanceUrl: string;

async function token(): Promise<string> {
  const env = stackEnv('admin');
  const res = await rest('POST', `${env.OS_AUTH_URL.replace(/\/+$/, '')}/auth/tokens`, {
    json: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: env.OS_USERNAME, domain: { id: 'default' }, password: env.OS_PASSWORD } } },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { id: 'default' } } },
      },
    },
  });
  return String(res.headers['x-subject-token']);
}

/** A record (no data) made over REST: fast enough for dozens. */
async function record(body: Record<string, unknown>): Promise<string> {
  const res = await rest('POST', `${glanceUrl}/v2/images`, { headers: auth, json: { disk_format: 'raw', container_format: 'bare', suite, ...body } });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  const id = (JSON.parse(res.text) as { id: string }).id;
  ids.push(id);
  return id;
}

beforeAll(async () => {
  glanceUrl = stackEnv('admin').GLANCE_STACK_GLANCE_URL;
  auth = { 'x-auth-token': await token() };
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i < 36; i++) {
    bodies.push({
      // repeated names (ties broken by created_at, id), mixed formats and statuses, some tagged
      name: `${suite}-${String(i % 11).padStart(2, '0')}`,
      disk_format: ['raw', 'qcow2', 'iso'][i % 3],
      container_format: i % 4 ? 'bare' : 'ovf',
      tags: i % 3 ? ['par-even'] : ['par-odd', 'par-even'],
      ...(i % 5 === 0 ? { flavour: 'five' } : {}),
      visibility: i % 6 === 0 ? 'community' : i % 7 === 0 ? 'public' : 'private',
    });
  }
  for (let i = 0; i < bodies.length; i += 6) await Promise.all(bodies.slice(i, i + 6).map(record));
}, 180_000);

afterAll(async () => {
  await deleteImages(ids);
}, 120_000);

/**
 * tsglance (from both ends, as its --debug says) and glance print the same bytes. Glance pages
 * with its own page size (20), so only the order, never the page boundaries, can agree.
 */
async function sameFromBothEnds(args: string[]) {
  const full = ['image-list', '--property-filter', `suite=${suite}`, ...args];
  const [ours, theirs] = await Promise.all([tsglance(['--debug', ...full, '--page-size', '4']), glance(full)]);
  expect(theirs.code, theirs.stderr).toBe(0);
  expect(ours.code, ours.stderr).toBe(0);
  expect(ours.stderr, full.join(' ')).toMatch(/the walks met after \d+ \+ \d+ pages/);
  expect(ours.stdout, full.join(' ')).toBe(theirs.stdout);
  return ours.stdout;
}

describe('image-list from both ends is glance’s listing', () => {
  it('default sort (name asc, with the created_at/id tie-breakers) and -f json ids in the same order', async () => {
    const table = await sameFromBothEnds([]);
    const tableIds = [...table.matchAll(/^\| ([0-9a-f-]{36}) \|/gm)].map((m) => m[1]);
    expect(tableIds.length).toBe(36); // community images of our own project are listed too
    const json = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '--page-size', '4', '-f', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((i) => i.id)).toEqual(tableIds);
    const value = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '--page-size', '4', '-f', 'value', '-c', 'ID']);
    expect(value.stdout.trim().split('\n')).toEqual(tableIds);
  });

  it('--sort-key/--sort-dir combinations and --sort', async () => {
    await sameFromBothEnds(['--sort-key', 'name', '--sort-dir', 'desc']);
    await sameFromBothEnds(['--sort-key', 'status', '--sort-key', 'name', '--sort-dir', 'asc', '--sort-dir', 'desc']);
    await sameFromBothEnds(['--sort-key', 'disk_format', '--sort-key', 'container_format']);
    await sameFromBothEnds(['--sort-key', 'created_at', '--sort-dir', 'asc']);
    await sameFromBothEnds(['--sort', 'disk_format:desc,name:asc']);
    await sameFromBothEnds(['--sort', 'updated_at']);
  }, 240_000);

  it('filters: --property-filter, --visibility, --tag, --include-stores, -v', async () => {
    await sameFromBothEnds(['--visibility', 'all']);
    await sameFromBothEnds(['--visibility', 'community', '--sort-key', 'id']);
    await sameFromBothEnds(['--tag', 'par-odd', '--tag', 'par-even', '--sort-dir', 'desc']);
    await sameFromBothEnds(['--tag', 'par-even', '--include-stores']);
    await sameFromBothEnds(['--property-filter', 'disk_format=qcow2', '--visibility', 'private']);
  }, 240_000);
});

describe('while images are created and deleted', () => {
  it('no image twice, every image that stayed is there, in glance’s order', async () => {
    const churn = uniqueName('churn');
    let stop = false;
    const created: string[] = [];
    const deleted = new Set<string>();
    // keep changing the listing: a create and a delete at a time, names spread over the sort order
    const changer = (async () => {
      for (let i = 0; !stop && i < 200; i++) {
        const id = await record({ name: `${suite}-${String((i * 7) % 11).padStart(2, '0')}-${churn}` });
        created.push(id);
        if (created.length > 2) {
          const victim = created[created.length - 3];
          await rest('DELETE', `${glanceUrl}/v2/images/${victim}`, { headers: auth });
          deleted.add(victim);
        }
      }
    })();
    const listings: string[][] = [];
    try {
      for (let round = 0; round < 4; round++) {
        const res = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '--page-size', '3', '-f', 'value', '-c', 'ID']);
        expect(res.code, res.stderr).toBe(0);
        listings.push(res.stdout.trim().split('\n'));
      }
    } finally {
      stop = true;
      await changer;
    }
    const after = await glance(['image-list', '--property-filter', `suite=${suite}`, '--sort-key', 'name', '--sort-dir', 'asc']);
    const finalOrder = [...after.stdout.matchAll(/^\| ([0-9a-f-]{36}) \|/gm)].map((m) => m[1]);
    const untouched = new Set(ids.filter((id) => !created.includes(id)));
    const stable = finalOrder.filter((id) => untouched.has(id));
    expect(stable.length).toBe(36);
    expect(created.length).toBeGreaterThan(2);
    for (const listing of listings) {
      expect(new Set(listing).size).toBe(listing.length);
      // every image that existed throughout is listed, in the order glance lists them
      expect(listing.filter((id) => untouched.has(id))).toEqual(stable);
    }
  }, 300_000);
});
