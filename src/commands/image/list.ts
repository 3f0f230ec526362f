import { UsageError } from '../../errors.js';
import type { Image, ImageListQuery } from '../../glance/images.js';
import { listImagePages } from '../../glance/listing.js';
import type { Column } from '../../output/format.js';
import { defineCommand } from '../types.js';

export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
export const SORT_DIRS = ['asc', 'desc'] as const;
export const VISIBILITIES = ['public', 'private', 'community', 'shared', 'all'] as const;
export const MEMBER_STATUSES = ['accepted', 'pending', 'rejected', 'all'] as const;

export interface ImageListOptions {
  query: ImageListQuery;
  includeStores: boolean;
}

/** KEY=VALUE pairs, split at the first '='; `what` names the option in the error. */
export function parseKeyValues(pairs: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`Argument ${what} expected properties in the format KEY=VALUE, not '${p}'`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function validateSort(flags: { sort?: string; sortKey?: string[]; sortDir?: string[] }): Pick<ImageListQuery, 'sort' | 'sortKeys' | 'sortDirs'> {
  const keys = flags.sortKey ?? [];
  const dirs = flags.sortDir ?? [];
  if (flags.sort !== undefined) {
    if (keys.length || dirs.length) throw new UsageError('--sort cannot be combined with --sort-key or --sort-dir');
    for (const part of flags.sort.split(',')) {
      const [key, dir, extra] = part.split(':');
      if (!(SORT_KEYS as readonly string[]).includes(key) || extra !== undefined) {
        throw new UsageError(`--sort: '${key}' is not a sort key; use one of ${SORT_KEYS.join(', ')}`);
      }
      if (dir !== undefined && !(SORT_DIRS as readonly string[]).includes(dir)) {
        throw new UsageError(`--sort: '${dir}' is not a sort direction; use asc or desc`);
      }
    }
    return { sort: flags.sort };
  }
  if (dirs.length > 1 && dirs.length !== keys.length) {
    throw new UsageError('Give one --sort-dir for all keys, or one per --sort-key');
  }
  if (!keys.length && !dirs.length) return { sortKeys: ['name'], sortDirs: ['asc'] };
  return { sortKeys: keys, sortDirs: dirs };
}

export const imageList = defineCommand<ImageListOptions>({
  name: 'image-list',
  summary: 'List images you can access.',
  options: [
    { flags: '--limit <LIMIT>', description: 'Maximum number of images to get.', type: 'int' },
    { flags: '--page-size <SIZE>', description: 'Number of images to request in each paginated request.', type: 'int' },
    { flags: '--visibility <VISIBILITY>', description: 'The visibility of the images to display.', choices: VISIBILITIES },
    { flags: '--member-status <MEMBER_STATUS>', description: 'The status of images to display.', choices: MEMBER_STATUSES },
    { flags: '--owner <OWNER>', description: 'Display images owned by <OWNER>.' },
    {
      flags: '--property-filter <KEY=VALUE>',
      description: 'Filter images by a user-defined image property.',
      repeatable: true,
    },
    { flags: '--checksum <CHECKSUM>', description: 'Displays images that match the MD5 checksum.' },
    { flags: '--hash <HASH_VALUE>', description: 'Displays images that match the specified hash value.' },
    { flags: '--tag <TAG>', description: 'Filter images by a user-defined tag.', repeatable: true },
    {
      flags: '--sort-key <SORT_KEY>',
      description: 'Sort image list by specified fields. May be used multiple times.',
      repeatable: true,
      choices: SORT_KEYS,
    },
    {
      flags: '--sort-dir <SORT_DIR>',
      description: 'Sort image list in specified directions.',
      repeatable: true,
      choices: SORT_DIRS,
    },
    { flags: '--sort <key>[:<direction>]', description: 'Comma-separated list of sort keys and directions, e.g. name:asc,size:desc.' },
    { flags: '--hidden [True|False]', description: 'Filter images by their visibility to users (os_hidden).', type: 'bool' },
    { flags: '--include-stores [True|False]', description: 'Print backend store id.', type: 'bool' },
  ],
  examples: ['tsglance image-list --property-filter os_distro=cirros -v', 'tsglance image-list -f value -c id --tag golden'],
  parse({ flags }) {
    const filters: Record<string, string> = {};
    if (flags.visibility) filters.visibility = String(flags.visibility);
    if (flags.memberStatus) filters.member_status = String(flags.memberStatus);
    if (flags.owner) filters.owner = String(flags.owner);
    if (flags.checksum) filters.checksum = String(flags.checksum);
    if (flags.hash) filters.os_hash_value = String(flags.hash);
    if (flags.hidden !== undefined) filters.os_hidden = flags.hidden ? 'true' : 'false';
    Object.assign(filters, parseKeyValues((flags.propertyFilter as string[]) ?? [], '--property-filter'));
    return {
      query: {
        filters,
        tags: flags.tag as string[] | undefined,
        pageSize: flags.pageSize as number | undefined,
        limit: flags.limit as number | undefined,
        ...validateSort(flags as { sort?: string; sortKey?: string[]; sortDir?: string[] }),
      },
      includeStores: !!flags.includeStores,
    };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const columns: Column<Image>[] = [
      { label: 'ID', key: 'id' },
      { label: 'Name', key: 'name' },
    ];
    if (deps.globals.verbose) {
      columns.push(
        { label: 'Disk_format', key: 'disk_format' },
        { label: 'Container_format', key: 'container_format' },
        { label: 'Size', key: 'size' },
        { label: 'Status', key: 'status' },
        { label: 'Owner', key: 'owner' },
      );
    }
    if (opts.includeStores) columns.push({ label: 'Stores', key: 'stores' });
    // only the shown fields are kept of each row: 50,000 rows stay a few MB (bench/list)
    const keys = deps.output.listKeys(columns);
    const keep = keys ? (image: Image) => Object.fromEntries(keys.map((k) => [k, image[k]])) as Image : undefined;
    const streams = Number(deps.env.TSGLANCE_LIST_STREAMS ?? 2) || 2;
    await deps.output.listStream(columns, listImagePages(client, opts.query, { keep, streams, debug: deps.debug }));
  },
});
