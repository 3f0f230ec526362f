import { redactUrl } from '../../http.js';
import type { CacheListing } from '../../auth/token-store.js';
import type { Column } from '../../output/format.js';
import { defineCommand } from '../types.js';
import { currentKey, openCache } from './common.js';

type Row = Record<string, unknown>;

const COLUMNS: Column<Row>[] = [
  { label: 'Key', key: 'key', cell: (r) => String(r.key).slice(0, 12) },
  { label: 'Store', key: 'store' },
  { label: 'Auth URL', key: 'auth_url' },
  { label: 'User', key: 'user' },
  { label: 'Project', key: 'project' },
  { label: 'Region', key: 'region' },
  { label: 'Interface', key: 'interface' },
  { label: 'Expires', key: 'expires_at' },
  { label: 'Status', key: 'status' },
  { label: 'Current', key: 'current', cell: (r) => (r.current ? '*' : '') },
];

function toRow(e: CacheListing, current: string | undefined): Row {
  const id = e.identity;
  const withDomain = (name?: string, domain?: string) => (name ? (domain ? `${name} (${domain})` : name) : '');
  return {
    key: e.key,
    store: e.store,
    auth_url: redactUrl(id?.authUrl ?? ''),
    auth_type: id?.authType ?? '',
    user: withDomain(id?.user || id?.applicationCredential, id?.userDomain),
    project: withDomain(id?.project, id?.projectDomain),
    region: id?.region ?? '',
    interface: id?.interface ?? '',
    expires_at: e.expiresAt,
    cached_at: e.cachedAt,
    status: e.status,
    current: e.key === current,
  };
}

export const tokenCacheShow = defineCommand<Record<string, never>>({
  name: 'token-cache show',
  groupSummary: 'Show or clear the cached Keystone tokens.',
  summary: 'List the cached tokens: whose, where, until when (never the token itself).',
  description:
    'Tokens are cached in the OS keychain when one is reachable and unlocked, else in files under\n' +
    '$XDG_CACHE_HOME/tsglance (0600). "Current" marks the entry of the credentials now configured.',
  examples: ['tsglance token-cache show', 'tsglance token-cache show -f json'],
  parse: () => ({}),
  async run(_opts, deps) {
    const store = await openCache(deps);
    const [entries, current] = await Promise.all([store.list(), currentKey(deps)]);
    deps.warn(`Token cache: ${store.description}`);
    await deps.output.list(
      COLUMNS,
      entries.map((e) => toRow(e, current)),
      { emptyMessage: 'No cached tokens.' },
    );
  },
});
