/**
 * clouds.yaml / secure.yaml, found in openstacksdk's order: OS_CLIENT_CONFIG_FILE first, then
 * ./, ~/.config/openstack (XDG_CONFIG_HOME aware), /etc/openstack — each as .yaml, .yml, .json.
 * The first existing file wins; secure.* is deep-merged over it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Env } from './settings.js';

export interface CloudConfig {
  name: string;
  auth?: Record<string, unknown>;
  auth_type?: string;
  region_name?: string;
  interface?: string;
  endpoint_type?: string;
  identity_api_version?: string | number;
  image_api_version?: string;
  image_endpoint_override?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  verify?: boolean;
  api_timeout?: number;
  /** the files the entry came from, for messages and --debug */
  files: string[];
  [key: string]: unknown;
}

export function configDirs(env: Env, cwd: string): string[] {
  const home = env.SNAP_REAL_HOME ?? env.HOME ?? homedir();
  const xdg = env.XDG_CONFIG_HOME ?? join(home, '.config');
  const dirs = [cwd, join(xdg, 'openstack'), join(home, '.config', 'openstack'), '/etc/xdg/openstack', '/etc/openstack'];
  return [...new Set(dirs)];
}

function findFile(base: string, override: string | undefined, env: Env, cwd: string): string | undefined {
  if (override) {
    if (!existsSync(override)) throw new ConfigError(`${base === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'} points at a missing file: ${override}`);
    return override;
  }
  for (const dir of configDirs(env, cwd)) {
    for (const ext of ['yaml', 'yml', 'json']) {
      const f = join(dir, `${base}.${ext}`);
      if (existsSync(f)) return f;
    }
  }
  return undefined;
}

async function parseFile(file: string): Promise<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8');
  try {
    if (file.endsWith('.json')) return (JSON.parse(text) ?? {}) as Record<string, unknown>;
    const { parse } = await import('yaml');
    return (parse(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`Cannot parse ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export async function loadCloud(name: string, env: Env, cwd = process.cwd()): Promise<CloudConfig> {
  const cloudsFile = findFile('clouds', env.OS_CLIENT_CONFIG_FILE, env, cwd);
  if (!cloudsFile) {
    throw new ConfigError(
      `OS_CLOUD is '${name}' but no clouds.yaml was found (looked in ./, ~/.config/openstack, /etc/openstack; or set OS_CLIENT_CONFIG_FILE)`,
    );
  }
  const secureFile = findFile('secure', env.OS_CLIENT_SECURE_FILE, env, cwd);
  const files = [cloudsFile, ...(secureFile ? [secureFile] : [])];
  const clouds = ((await parseFile(cloudsFile)).clouds ?? {}) as Record<string, Record<string, unknown>>;
  const secure = secureFile ? (((await parseFile(secureFile)).clouds ?? {}) as Record<string, Record<string, unknown>>) : {};
  const entry = clouds[name];
  if (!entry) {
    const known = Object.keys(clouds);
    throw new ConfigError(
      `Cloud '${name}' (OS_CLOUD) is not in ${cloudsFile}${known.length ? `; known clouds: ${known.join(', ')}` : ''}`,
    );
  }
  const merged = secure[name] ? deepMerge(entry, secure[name]) : entry;
  return { ...merged, name, files } as CloudConfig;
}
