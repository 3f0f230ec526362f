/**
 * The token cache in a real OS keychain: each test runs tsglance inside its own `dbus-run-session`
 * with gnome-keyring (Secret Service) in a temporary HOME, and inspects the keyring with
 * secret-tool. tsglance's token requests are counted in Keystone's log (by its User-Agent) inside the
 * script.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { uniqueName } from './helpers/run.js';
import { stackState } from './helpers/stack.js';
import { inKeyring, sections } from './helpers/token.js';

// one image of this file's own: the listings compared between runs change only if this file changes them
const suite = uniqueName('tk');
const LIST = `image-list --property-filter suite=${suite}`;
let fixture = '';
beforeAll(async () => {
  fixture = await glanceImage(['--name', suite, '--property', `suite=${suite}`]);
});
afterAll(async () => {
  await deleteImages([fixture]);
});
const env = { KSLOG: join(stackState(), 'logs', 'keystone.log') };

/**
 * Shell helpers for the scripts: `posts` (tsglance's token requests so far, once the count has held
 * still: uWSGI logs after responding), `posts_after BASE N` (the same, after waiting up to 20 s for
 * N more than BASE), `key` (the one cache key), `lock`.
 */
const PRELUDE = `
count() { grep -cE ' POST /v3/auth/tokens .*ua="tsglance\\b' "$KSLOG"; }
posts() { a=$(count); while sleep 0.3; b=$(count); [ "$a" != "$b" ]; do a=$b; done; echo "$b"; }
posts_after() { i=0; while [ $(( $(count) - $1 )) -lt "$2" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; posts; }
# the token cache's files (entries, locks, temporary files), not the other caches' directories
token_files() { find "$XDG_CACHE_HOME/tsglance" -mindepth 1 -maxdepth 1 ! -type d -printf '%f\n'; }
key() { basename "$(ls "$XDG_CACHE_HOME"/tsglance/*.json | head -1)" .json; }
lock() { dbus-send --session --dest=org.freedesktop.secrets --type=method_call --print-reply \\
  /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null; }
`;

const num = (s: string | undefined) => Number((s ?? '').trim());

describe('token cache in the keychain (Secret Service via keytar)', () => {
  it('stores the token in the keyring (the directory keeps only a marker), reuses it warm, show and clear manage it', async () => {
    const r = await inKeyring(
      `${PRELUDE}
P0=$(posts); echo "@@ p0"; echo $P0
echo "@@ cold"; $TSGLANCE --debug ${LIST} 2>&1; echo "rc=$?"
P1=$(posts_after $P0 1); echo "@@ p1"; echo $P1
echo "@@ warm"; $TSGLANCE --debug ${LIST} 2>&1; echo "rc=$?"
echo "@@ p2"; posts_after $P1 0
echo "@@ marker"; cat "$XDG_CACHE_HOME/tsglance/$(key).json"; echo
echo "@@ secret"; secret-tool lookup service tsglance account "$(key)"; echo
echo "@@ attrs"; secret-tool search --all service tsglance 2>&1 | grep -v '^secret = '
echo "@@ show"; $TSGLANCE token-cache show 2>&1
K=$(key)
echo "@@ clear"; $TSGLANCE token-cache clear 2>&1
echo "@@ after"; secret-tool lookup service tsglance account "$K"; echo "rc=$?"; token_files
`,
      { env },
    );
    const s = sections(r.stdout);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(s.cold).toMatch(/token stored in the keychain \(keytar\)/);
    expect(s.cold).toMatch(/rc=0/);
    expect(num(s.p1) - num(s.p0)).toBe(1);
    expect(s.warm).toMatch(/token cache hit \(keychain/);
    expect(s.warm).toMatch(/rc=0/);
    expect(num(s.p2) - num(s.p1)).toBe(0);
    const secret = JSON.parse(s.secret) as { token: string; expiresAt: string; catalog: unknown[] };
    expect(secret.token).toMatch(/^gAAAA/);
    expect(secret.catalog.length).toBeGreaterThan(0);
    const marker = JSON.parse(s.marker) as Record<string, unknown>;
    expect(marker).toMatchObject({ store: 'keychain', expiresAt: secret.expiresAt, identity: { user: 'admin' } });
    expect(s.marker).not.toContain(secret.token);
    // the attributes anyone on the bus can read: a hash, no user name, no password
    expect(s.attrs).toMatch(/attribute\.account = [0-9a-f]{64}/);
    expect(s.attrs).not.toMatch(/admin/);
    expect(s.show).toMatch(/\| keychain \| http:\/\/127\.0\.0\.1:\d+\/v3 +\| admin \(default\) .*\| valid +\| \* +\|/);
    expect(s.show).not.toContain(secret.token);
    expect(s.clear).toMatch(/Removed 1 cached token/);
    expect(s.after.trim()).toBe('rc=1'); // nothing in the keyring, nothing in the directory
  });

  it('a locked keyring (null on read, refusal on write) falls back to the file cache silently', async () => {
    const r = await inKeyring(
      `${PRELUDE}
$TSGLANCE ${LIST} >/dev/null 2>&1
lock
P0=$(posts); echo "@@ p0"; echo $P0
echo "@@ locked"; $TSGLANCE ${LIST} 2>&1; echo "rc=$?"
P1=$(posts_after $P0 1); echo "@@ p1"; echo $P1
echo "@@ again"; $TSGLANCE --debug ${LIST} 2>&1; echo "rc=$?"
echo "@@ p2"; posts_after $P1 0
echo "@@ entry"; cat "$XDG_CACHE_HOME/tsglance/$(key).json"; echo
echo "@@ debug"; $TSGLANCE --debug token-cache show -f value -c store -c status 2>&1
`,
      { env },
    );
    const s = sections(r.stdout);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // without --debug not a word about the keychain: the table and rc=0
    expect(s.locked).toMatch(/^\+-+\+-+\+\n\| ID +\| Name +\|/);
    expect(s.locked).not.toMatch(/keychain|locked|DEBUG/i);
    expect(s.locked).toMatch(/rc=0/);
    expect(num(s.p1) - num(s.p0)).toBe(1);
    expect(s.again).toMatch(/token cache hit \(file /);
    expect(num(s.p2) - num(s.p1)).toBe(0);
    expect(JSON.parse(s.entry)).toMatchObject({ store: 'file' });
    expect(s.debug).toMatch(/^file valid$/m);
  });

  it('a D-Bus session without a usable Secret Service falls back to the file cache', async () => {
    // the daemon is running but has no login collection: the keyring directory is not writable
    const r = await inKeyring(
      `${PRELUDE}
echo "@@ run"; $TSGLANCE --debug ${LIST} 2>&1; echo "rc=$?"
echo "@@ entry"; cat "$XDG_CACHE_HOME"/tsglance/*.json; echo
`,
      { env: { ...env, TSGLANCE_TOKEN_STORE: undefined }, keyring: 'none' },
    );
    const s = sections(r.stdout);
    expect(s.run).toMatch(/rc=0/);
    expect(s.run).toMatch(/keychain (refused the token|unavailable)/);
    expect(JSON.parse(s.entry)).toMatchObject({ store: 'file' });
  });

  it('20 cold processes against the keychain: all succeed, one token request or a few, one keyring entry', async () => {
    const r = await inKeyring(
      `${PRELUDE}
P0=$(posts); echo "@@ p0"; echo $P0
i=0; while [ $i -lt 20 ]; do i=$((i+1)); ( $TSGLANCE ${LIST} > "$HOME/out.$i" 2>&1; echo $? > "$HOME/rc.$i" ) & done; wait
echo "@@ p1"; posts_after $P0 1
echo "@@ rcs"; cat "$HOME"/rc.* | sort | uniq -c
echo "@@ outs"; md5sum "$HOME"/out.* | cut -d' ' -f1 | sort -u | wc -l
echo "@@ items"; secret-tool search --all service tsglance 2>&1 | grep -c '^attribute.account'
echo "@@ files"; token_files
`,
      { env },
    );
    const s = sections(r.stdout);
    expect(s.rcs.trim()).toBe('20 0');
    expect(s.outs.trim()).toBe('1');
    const posts = num(s.p1) - num(s.p0);
    expect(posts).toBeGreaterThanOrEqual(1);
    expect(posts).toBeLessThanOrEqual(3);
    expect(s.items.trim()).toBe('1');
    expect(s.files.trim()).toMatch(/^[0-9a-f]{64}\.json$/);
  });
});
