/**
 * Listing images: glance's rows in glance's order, page by page, and — for a large listing — from
 * both ends of the sort order at once.
 *
 * Marker paging is one request after another, and Glance's time per page is almost all per-row
 * work (bench/list), so a sequential client cannot go faster than the server serves one stream.
 * Glance serves several requests at once, though. Walking the same order from the front (exactly
 * the requests plain paging makes) and from the back (every sort direction flipped, the implicit
 * created_at/id tie-breakers spelled out so that the reverse is exact) splits the work in two with
 * nothing to compare locally: the two walks meet at a row both have seen, and the result is the
 * front walk up to that row followed by the back walk reversed. Rows the front walk has passed
 * are written at once (they are final: anything later comes after them).
 *
 * Plain paging is kept for what splitting cannot do exactly or does not help: one page answers,
 * `--limit` (a prefix), a sort glance would reject or that names a key twice, and the one place
 * where glance's own marker comparison disagrees with its ORDER BY — a nullable sort key holding
 * both NULL and its substitute ('' or 0); that is checked on the rows once the walks meet, and
 * then the back walk is dropped and the front walk simply continues.
 *
 * `next` links are never followed to another host: plain paging takes only a path on the same
 * endpoint's /v2/images, refuses a marker it has seen before (a looping server), and stops after
 * MAX_LIST_PAGES pages (or as many pages as --limit rows could need).
 */
import { CliError } from '../errors.js';
import type { GlanceClient } from './client.js';
import type { Image, ImageListQuery } from './images.js';
import { IMAGE_PAGE } from './shapes.js';

/** Rows per request after the first page (Glance's default api_limit_max). */
export const BULK_PAGE_SIZE = 1000;
/** The first page: small listings answer in one quick request, larger ones start splitting sooner. */
export const FIRST_PAGE_SIZE = 200;
/**
 * A listing that pages on past this many pages is stopped with an error: 10,000 pages is ten
 * million images at the bulk page size, and a server that keeps inventing pages must not exhaust
 * memory or time. --limit bounds it tighter (a page must bring at least one new row).
 */
export const MAX_LIST_PAGES = 10_000;
/** The same for rows: what a table must hold in memory stays bounded (~150 MB at this cap). */
export const MAX_LIST_ROWS = 1_000_000;
/** Rows of the id-ordered sample that sizes the last requests of the two walks. */
const SAMPLE_SIZE = 100;

export interface ListingOptions {
  /** 1 = plain paging only; 2 (default) = both ends once the first page shows there is more */
  streams?: number;
  /** applied to each row as it arrives: what is kept of rows held until the walks meet */
  keep?: (image: Image) => Image;
  /** a --debug line */
  debug?: (line: string) => void;
}

interface Page {
  images: Image[];
  next?: string;
}

async function fetchPage(client: GlanceClient, path: string, signal?: AbortSignal): Promise<Page> {
  return (await client.json('GET', path, { shape: IMAGE_PAGE, signal })) as Page;
}

/** The parameters of a list request: filters, tags, sort and limit (a marker is added per page). */
function listParams(q: ImageListQuery, limit: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q.filters ?? {})) params.append(k, v);
  params.append('limit', String(limit));
  for (const t of q.tags ?? []) params.append('tag', t);
  if (q.sort) params.append('sort', q.sort);
  for (const k of q.sortKeys ?? []) params.append('sort_key', k);
  for (const d of q.sortDirs ?? []) params.append('sort_dir', d);
  return params;
}

function withMarker(params: URLSearchParams, limit: number, marker: string | undefined): string {
  const p = new URLSearchParams(params);
  p.set('limit', String(limit));
  if (marker !== undefined) p.set('marker', marker);
  return `/v2/images?${p.toString()}`;
}

/**
 * The path to request for a `next` link: only a path (no scheme, no host) to /v2/images on the
 * endpoint already in use, so that the token never goes anywhere else.
 */
export function nextPath(next: string, from: string): string {
  let url: URL;
  try {
    url = new URL(next, 'http://endpoint.invalid');
  } catch {
    throw new CliError(`Glance's next link '${next}' is not a URL (after GET ${from})`);
  }
  if (url.origin !== 'http://endpoint.invalid' || next.startsWith('//')) {
    throw new CliError(`Glance's next link points at another place (${url.origin}); not following it with the token (after GET ${from})`);
  }
  if (!/^\/v2\/images\/?$/.test(url.pathname)) {
    throw new CliError(`Glance's next link '${url.pathname}' is not the image list (after GET ${from})`);
  }
  return `/v2/images${url.search}`;
}

/** Pages of plain marker paging, following Glance's `next` links (safely: see nextPath). */
export async function* plainPages(client: GlanceClient, q: ImageListQuery, pageSize: number): AsyncGenerator<Image[]> {
  const limit = q.limit;
  let path: string | undefined = withMarker(listParams(q, pageSize), limit !== undefined && limit < pageSize ? limit : pageSize, undefined);
  const maxPages = limit !== undefined ? Math.min(limit + 1, MAX_LIST_PAGES) : MAX_LIST_PAGES;
  const markers = new Set<string>();
  let rows = 0;
  for (let pages = 1; path; pages++) {
    if (pages > maxPages) {
      throw new CliError(`Stopped after ${maxPages} pages of the image list: Glance keeps sending next links (use --limit to list fewer)`);
    }
    const page = await fetchPage(client, path);
    const images = page.images;
    if (limit !== undefined && rows + images.length >= limit) {
      yield images.slice(0, limit - rows);
      return;
    }
    rows += images.length;
    if (rows > MAX_LIST_ROWS) throw rowsExceeded();
    yield images;
    if (!page.next) return;
    if (!images.length) throw new CliError(`Glance returned an empty page of images with a next link (GET ${path})`);
    const nextP = nextPath(page.next, path);
    const marker = new URL(nextP, 'http://x').searchParams.get('marker');
    if (marker === null || markers.has(marker)) {
      throw new CliError(`Glance's next link repeats an earlier page (marker ${marker ?? 'missing'}); stopped (GET ${path})`);
    }
    markers.add(marker);
    path = nextP;
  }
}

type Dir = 'asc' | 'desc';

/**
 * The complete order Glance applies: its defaults (created_at desc), one direction repeated for
 * every key, and the created_at/id tie-breakers it appends in the "default" direction (the single
 * given direction, else desc). Undefined when it cannot be stated exactly.
 */
export function effectiveOrder(q: ImageListQuery): { keys: string[]; dirs: Dir[] } | undefined {
  let keys: string[];
  let dirs: string[];
  if (q.sort) {
    keys = [];
    dirs = [];
    for (const part of q.sort.split(',')) {
      const [key, dir] = part.split(':');
      keys.push(key.trim());
      dirs.push((dir ?? 'desc').trim() || 'desc');
    }
  } else {
    keys = [...(q.sortKeys ?? [])];
    dirs = [...(q.sortDirs ?? [])];
  }
  if (!keys.length) keys = ['created_at'];
  if (!dirs.length) dirs = ['desc'];
  let fallback: string = 'desc';
  if (dirs.length === 1) {
    fallback = dirs[0];
    dirs = keys.map(() => fallback);
  }
  if (dirs.length !== keys.length || new Set(keys).size !== keys.length) return undefined;
  const isDir = (d: string): d is Dir => d === 'asc' || d === 'desc';
  if (!dirs.every(isDir) || !isDir(fallback)) return undefined;
  const full: Dir[] = [...dirs];
  for (const k of ['created_at', 'id']) {
    if (!keys.includes(k)) {
      keys.push(k);
      full.push(fallback);
    }
  }
  return { keys, dirs: full };
}

/** Sort keys whose NULLs glance's marker comparison replaces by a value that real rows can have. */
const NULL_SUBSTITUTE: Record<string, unknown> = { name: '', disk_format: '', container_format: '', size: 0 };

/**
 * Watches the rows for the case where glance's marker comparison (NULL read as '' or 0) and its
 * ORDER BY (NULL before everything) disagree: a nullable sort key holding both NULL and the
 * substitute (or any NULL updated_at). Only then can a walk that starts elsewhere differ.
 */
class MarkerOrderCheck {
  private readonly keys: string[];
  private readonly sawNull = new Set<string>();
  private readonly sawSubstitute = new Set<string>();
  ambiguous = false;

  constructor(sortKeys: string[]) {
    this.keys = sortKeys.filter((k) => k in NULL_SUBSTITUTE || k === 'updated_at');
  }

  see(row: Image): void {
    for (const k of this.keys) {
      const v = row[k];
      if (v === null || v === undefined) {
        this.sawNull.add(k);
        if (k === 'updated_at') this.ambiguous = true;
      } else if (v === NULL_SUBSTITUTE[k]) this.sawSubstitute.add(k);
      if (this.sawNull.has(k) && this.sawSubstitute.has(k)) this.ambiguous = true;
    }
  }
}

/** Estimated number of rows from the first ids in id order (uuid4 ids are uniform). */
function estimateCount(ids: string[], complete: boolean): number | undefined {
  if (complete) return ids.length;
  const last = ids[ids.length - 1];
  const hex = last?.replace(/-/g, '').slice(0, 12);
  if (!hex || !/^[0-9a-f]{12}$/i.test(hex)) return undefined;
  const fraction = parseInt(hex, 16) / 16 ** 12;
  return fraction > 0 ? Math.round(ids.length / fraction) : undefined;
}

/**
 * Every image matching the query, in glance's order, in batches (each batch can be written at
 * once). `--limit` and `--page-size` keep glanceclient's meaning.
 */
export async function* listImagePages(client: GlanceClient, q: ImageListQuery = {}, opts: ListingOptions = {}): AsyncGenerator<Image[]> {
  const keep = opts.keep ?? ((i: Image) => i);
  const debug = opts.debug ?? (() => undefined);
  const order = effectiveOrder(q);
  const streams = opts.streams ?? 2;
  if (q.limit !== undefined || streams < 2 || !order) {
    if (streams >= 2) debug(`image list: plain paging (${q.limit !== undefined ? '--limit' : 'the sort cannot be reversed exactly'})`);
    for await (const page of plainPages(client, q, q.pageSize ?? BULK_PAGE_SIZE)) yield page.map(keep);
    return;
  }
  // a request still in flight when the walks meet is not waited for
  const stop = new AbortController();
  try {
    yield* bothEnds(client, q, order, keep, debug, stop.signal);
  } finally {
    stop.abort();
  }
}

interface Walk {
  params: URLSearchParams;
  /** what is kept of each row, in this walk's order */
  rows: Image[];
  /** id → index in rows */
  ids: Map<string, number>;
  /** rows this walk should fetch in all (from the estimate), undefined until there is one */
  target?: number;
  done: boolean;
  inflight?: Promise<Page>;
  /** the request in flight */
  path: string;
  pages: number;
  /** the size of the request after the target was reached (grows: the estimate was low) */
  extra: number;
}

const rowsExceeded = () =>
  new CliError(`Stopped at ${MAX_LIST_ROWS} images: the image list is longer than tsglance lists at once (use --limit, or filters)`);

const pagesExceeded = () =>
  new CliError(`Stopped after ${MAX_LIST_PAGES} pages of the image list: Glance keeps sending next links (use --limit to list fewer)`);

async function* bothEnds(
  client: GlanceClient,
  q: ImageListQuery,
  order: { keys: string[]; dirs: Dir[] },
  keep: (i: Image) => Image,
  debug: (line: string) => void,
  signal: AbortSignal,
): AsyncGenerator<Image[]> {
  const bulk = q.pageSize ?? BULK_PAGE_SIZE;
  const check = new MarkerOrderCheck(order.keys);
  const walk = (params: URLSearchParams): Walk => ({ params, rows: [], ids: new Map(), done: false, path: '', pages: 0, extra: Math.ceil(bulk / 16) });
  const front = walk(listParams(q, bulk));
  // the reverse: explicit keys, every direction flipped (classic syntax, one direction per key)
  const back = walk(listParams({ ...q, sort: undefined, sortKeys: order.keys, sortDirs: order.dirs.map((d) => (d === 'asc' ? 'desc' : 'asc')) }, bulk));
  const take = (w: Walk, page: Page, path: string) => {
    w.pages++;
    // the walks make their own marker requests, but a link elsewhere says the server is not to be trusted
    if (page.next) nextPath(page.next, path);
    if (front.rows.length + back.rows.length + page.images.length > MAX_LIST_ROWS) throw rowsExceeded();
    for (const image of page.images) {
      if (w.ids.has(image.id)) throw new CliError(`Glance repeated image ${image.id} within one walk of the list; stopped`);
      check.see(image);
      w.ids.set(image.id, w.rows.push(keep(image)) - 1);
    }
    if (!page.next || !page.images.length) w.done = true;
  };

  const firstPath = withMarker(front.params, q.pageSize ?? Math.min(FIRST_PAGE_SIZE, bulk), undefined);
  take(front, await fetchPage(client, firstPath), firstPath);
  let written = 0;
  /** hand over the front rows not yet written; only their ids stay (the walks meet by id) */
  const writeFront = (upTo = front.rows.length): Image[] => {
    const out = front.rows.slice(written, upTo);
    for (let i = written; i < upTo; i++) front.rows[i] = { id: front.rows[i].id } as Image;
    written = upTo;
    return out;
  };
  yield writeFront();
  if (front.done) return;

  // how many rows there are, roughly, so that each walk asks for about its half instead of a
  // whole page past the meeting point (Glance's cost is per row); the rows after the first page
  // are shared equally, a few more each so that the walks overlap and meet
  const sample = fetchPage(client, withMarker(listParams({ filters: q.filters, tags: q.tags, sortKeys: ['id'], sortDirs: ['asc'] }, SAMPLE_SIZE), SAMPLE_SIZE, undefined), signal)
    .then((page) => {
      const estimate = estimateCount(page.images.map((i) => i.id), !page.next);
      if (estimate === undefined) return;
      const half = Math.ceil(Math.max(0, estimate - written) / 2 + estimate / 100) + 16;
      front.target = written + half;
      back.target = half;
      debug(`image list: about ${estimate} images; walking from both ends`);
    })
    .catch(() => undefined);

  const launch = (w: Walk) => {
    let limit = bulk;
    if (w.target !== undefined) {
      const left = w.target - w.rows.length;
      limit = left > 0 ? Math.min(bulk, left) : Math.min(bulk, (w.extra *= 2));
    }
    const last = w.rows.length ? w.rows[w.rows.length - 1].id : undefined;
    w.path = withMarker(w.params, limit, last);
    w.inflight = fetchPage(client, w.path, signal);
    w.inflight.catch(() => undefined); // awaited below; one still in flight when the walks meet is dropped
  };

  launch(front);
  launch(back);
  let junction: { frontIndex: number; backIndex: number } | undefined;
  while (!junction && !(front.done && back.done)) {
    const racing = [front, back].filter((w) => !w.done && w.inflight);
    const { w, page } = await Promise.race(racing.map((r) => r.inflight!.then((p) => ({ w: r, page: p }))));
    w.inflight = undefined;
    if (front.pages + back.pages > MAX_LIST_PAGES) throw pagesExceeded();
    take(w, page, w.path);
    junction = meeting(front, back);
    if (junction) break;
    if (w === front && front.rows.length > written) {
      // not met yet: every row the front walk has comes before anything the back walk can reach
      yield writeFront();
    }
    if (!w.done) {
      if (w === back && back.pages === 1) await sample;
      launch(w);
    }
  }
  if (!junction) {
    // the walks ended without a common row (the listing changed under them): the front walk
    // reached the end on its own, and that is glance's listing
    if (front.rows.length > written) yield writeFront();
    return;
  }
  if (check.ambiguous) {
    debug('image list: a sort key holds NULL and its substitute; plain paging on from the front walk');
    yield* continueFront(client, q, front, written, bulk, keep);
    return;
  }
  debug(`image list: the walks met after ${front.pages} + ${back.pages} pages`);
  // rows already written stay written (a junction before them means rows deleted meanwhile)
  const upTo = Math.max(junction.frontIndex + 1, written);
  const out = writeFront(upTo);
  for (let i = junction.backIndex - 1; i >= 0; i--) {
    const row = back.rows[i];
    const f = front.ids.get(row.id);
    if (f === undefined || f >= upTo) out.push(row);
  }
  if (out.length) yield out;
}

/**
 * Where the walks meet: the last row of the front walk that the back walk has too (the front's
 * rows up to it, then the back's rows after it, reversed). The front's rows already written are
 * before it: a row becomes common only with the newest page of either walk.
 */
function meeting(front: Walk, back: Walk): { frontIndex: number; backIndex: number } | undefined {
  for (let i = front.rows.length - 1; i >= 0; i--) {
    const b = back.ids.get(front.rows[i].id);
    if (b !== undefined) return { frontIndex: i, backIndex: b };
  }
  return undefined;
}

/** Plain paging on from the front walk's last row (what the front walk would have done alone). */
async function* continueFront(client: GlanceClient, q: ImageListQuery, front: Walk, written: number, bulk: number, keep: (i: Image) => Image): AsyncGenerator<Image[]> {
  if (front.rows.length > written) yield front.rows.slice(written);
  if (front.done) return;
  const seen = new Set(front.ids.keys());
  let marker = front.rows[front.rows.length - 1]?.id;
  for (let pages = front.pages; ; pages++) {
    if (pages > MAX_LIST_PAGES) throw pagesExceeded();
    const path = withMarker(front.params, bulk, marker);
    const page = await fetchPage(client, path);
    if (page.next) nextPath(page.next, path);
    const fresh = page.images.filter((i) => !seen.has(i.id));
    if (page.next && !fresh.length) throw new CliError(`Glance's next link repeats an earlier page (marker ${marker}); stopped`);
    for (const i of fresh) seen.add(i.id);
    yield fresh.map(keep);
    if (!page.next) return;
    marker = page.images[page.images.length - 1].id;
  }
}
