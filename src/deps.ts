/**
 * Builds the real dependencies a command runs with: settings from flags/env/clouds.yaml, one HTTP
 * client, a lazily authenticated session and the output formatter. Tests build their own.
 */
import { loadCloud } from './auth/clouds.js';
import { AuthSession } from './auth/session.js';
import { MissingPasswordError, resolveAuthSettings, type AuthSettings, type Env } from './auth/settings.js';
import { openTokenStore } from './auth/token-store.js';
import { systemClock, type Clock } from './clock.js';
import type { Deps, GlobalOptions } from './commands/types.js';
import { GlanceClient } from './glance/client.js';
import { HttpClient } from './http.js';
import { Output, type OutputOptions } from './output/format.js';
import type { IO } from './output/io.js';
import { askSecret, canAsk, promptTimeout } from './output/prompt.js';

export interface DepsInit {
  io: IO;
  env: Env;
  globals: GlobalOptions;
  signal: AbortSignal;
  clock?: Clock;
  /** an undici dispatcher for tests (MockAgent, fault proxy) */
  dispatcher?: unknown;
}

export async function resolveSettings(globals: GlobalOptions, env: Env, io?: IO): Promise<AuthSettings> {
  const cloudName = globals.osCloud ?? env.OS_CLOUD;
  const cloud = cloudName ? await loadCloud(cloudName, env) : undefined;
  try {
    return resolveAuthSettings(globals, env, cloud);
  } catch (err) {
    // at a terminal, ask for the password like glanceclient ("OS Password: "); never elsewhere
    if (!(err instanceof MissingPasswordError) || !io || !canAsk(io)) throw err;
    const password = await askSecret(io, 'OS Password: ', promptTimeout(env));
    if (!password) throw err;
    return resolveAuthSettings({ ...globals, osPassword: password }, env, cloud);
  }
}

/**
 * The formatter's options from the global flags. A table is fitted to --max-width N (0: not at all),
 * else with --fit-width or TSGLANCE_FIT_WIDTH=1 to stdout's terminal width (off a terminal: as is).
 */
export function outputOptions(globals: GlobalOptions, env: Env, io: IO): OutputOptions {
  const fit = globals.fitWidth || /^(1|true|yes)$/i.test(env.TSGLANCE_FIT_WIDTH ?? '');
  const width = globals.maxWidth !== undefined ? globals.maxWidth : fit ? io.stdoutColumns : undefined;
  return {
    format: globals.format ?? 'table',
    columns: globals.column ?? [],
    sortColumns: globals.sortColumn ?? [],
    noIndent: !!globals.noindent,
    tableWidth: width || undefined,
  };
}

export interface Resources {
  deps: Deps;
  /** release sockets so the process can exit at once */
  close(): Promise<void>;
}

export function createDeps(init: DepsInit): Resources {
  const { io, env, globals, signal } = init;
  const clock = init.clock ?? systemClock;
  const debug = (line: string) => {
    if (globals.debug) io.stderr.write(`DEBUG ${line}\n`);
  };
  let http: HttpClient | undefined;
  let client: Promise<GlanceClient> | undefined;
  const deps: Deps = {
    io,
    env,
    clock,
    globals,
    signal,
    output: new Output(io, outputOptions(globals, env, io)),
    debug,
    warn: (line) => io.stderr.write(`${line}\n`),
    glance: () => {
      client ??= (async () => {
        const settings = await resolveSettings(globals, env, io);
        http = new HttpClient({
          timeout: settings.timeout,
          insecure: settings.insecure,
          cacert: settings.cacert,
          cert: settings.cert,
          key: settings.key,
          debug: globals.debug ? debug : undefined,
          clock,
          dispatcher: init.dispatcher,
          signal,
        });
        const cacheOff = globals.tokenCache === false || /^(1|true|yes)$/i.test(env.OS_NO_CACHE ?? '');
        const store = await openTokenStore(env, { disabled: cacheOff, debug });
        debug(`token cache: ${store.description}`);
        return new GlanceClient(http, new AuthSession(settings, http, store, clock));
      })();
      return client;
    },
  };
  return {
    deps,
    close: async () => {
      await http?.close();
    },
  };
}
