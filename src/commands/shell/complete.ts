/**
 * `tsglance __complete KIND --key K`: the live values behind TAB (image names and IDs, store ids,
 * import methods, task ids, namespaces), one `value<TAB>description` per line, from the cache
 * under $XDG_CACHE_HOME/tsglance/complete or from Glance. The completion scripts call it only on
 * a cache miss (a warm TAB reads the cache file itself). It never prints an error, never reads
 * stdin (the scripts give it /dev/null), and gives the shell its answer — possibly none — by a
 * hard deadline; after that it may finish the fetch quietly to fill the cache for the next TAB.
 */
import { closeSync, openSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import {
  CACHE_TTL_S,
  NEGATIVE_TTL_S,
  cacheFile,
  readCache,
  validKey,
  writeCache,
  type Candidate,
} from '../../completion/cache.js';
import { LIVE_KINDS, type LiveKind } from '../../completion/model.js';
import { defineCommand } from '../types.js';

/** From process start: the shell gets its answer (or nothing) by then. */
export const DEFAULT_DEADLINE_S = 2;
/** After the deadline the fetch may go on this long, to fill the cache for the next TAB. */
export const BACKGROUND_LIMIT_MS = 15_000;

interface CompleteOptions {
  kind: LiveKind;
  key?: string;
}

function lines(candidates: Candidate[]): string {
  return candidates.map((c) => (c.description ? `${c.value}\t${c.description}` : c.value)).join('\n') + (candidates.length ? '\n' : '');
}

/** Let go of the shell: fd 1 becomes /dev/null, so the pipe the shell reads sees EOF. */
function releaseStdout(): void {
  try {
    closeSync(1);
    openSync('/dev/null', 'w'); // takes the lowest free descriptor: 1
  } catch {
    // nothing more can be done quietly
  }
}

export const complete = defineCommand<CompleteOptions>({
  name: '__complete',
  summary: 'Internal: live completion values for the bash and zsh scripts.',
  hidden: true,
  args: [{ name: 'KIND', description: LIVE_KINDS.join(', ') }],
  options: [{ flags: '--key <KEY>', description: 'Cache key computed by the completion script.' }],
  parse({ args, flags }) {
    const kind = args[0] as string;
    if (!(LIVE_KINDS as readonly string[]).includes(kind)) throw new UsageError(`KIND must be one of ${LIVE_KINDS.join(', ')}`);
    const key = flags.key as string | undefined;
    return { kind: kind as LiveKind, key: validKey(key) ? key : undefined };
  },
  async run(opts, deps) {
    const nowS = Math.floor(deps.clock.now() / 1000);
    const file = opts.key ? cacheFile(deps.env, opts.key, opts.kind) : undefined;
    const cached = file ? readCache(file, nowS) : undefined;
    if (cached) {
      deps.io.stdout.write(lines(cached));
      return 0;
    }
    const limit = Number(deps.env.TSGLANCE_COMPLETE_TIMEOUT);
    const deadlineMs = (Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_DEADLINE_S) * 1000;
    let answered = false;
    const giveUp = setTimeout(
      () => {
        answered = true;
        if (file) writeCache(file, [], nowS + NEGATIVE_TTL_S, deps.env);
        releaseStdout();
        setTimeout(() => process.exit(0), BACKGROUND_LIMIT_MS).unref();
      },
      Math.max(50, deadlineMs - performance.now()),
    );
    giveUp.unref();
    try {
      const client = await deps.glance();
      const { fetchLive } = await import('../../completion/live.js');
      const candidates = await fetchLive(opts.kind, client);
      if (file) writeCache(file, candidates, nowS + CACHE_TTL_S, deps.env);
      if (!answered) deps.io.stdout.write(lines(candidates));
    } catch {
      // no credentials, no network, no such API: TAB shows nothing (briefly remembered)
      if (file) writeCache(file, [], nowS + NEGATIVE_TTL_S, deps.env);
    } finally {
      clearTimeout(giveUp);
      answered = true;
    }
    return 0;
  },
});
