/**
 * The npm package as a user gets it: a clean clone of HEAD, `npm ci`, `npm pack` (prepack builds),
 * then `npm install -g --prefix` of the tarball. Slow (a minute or more), so the result is kept
 * in node_modules/.cache (wiped by every `npm ci`), keyed by the commit and the Node version; the
 * clone's node_modules are kept too, keyed by package.json and package-lock.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.js';

export interface PackedInstall {
  tarball: string;
  prefix: string;
  /** what each step took, or 'cached' */
  timings: Record<string, string>;
}

const CACHE = join(ROOT, 'node_modules', '.cache', 'tsglance-package-test');

/** Run a tool; throws with its output when it fails. npm_* variables of `npm test` are left out. */
function sh(cmd: string, args: string[], cwd: string, timeoutMs = 600_000): number {
  const env: Record<string, string> = {};
  // the npm that runs `npm test` exports its config (npm_config_local_prefix=ROOT among it):
  // an npm started in the clone must not inherit it
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ''}\n${r.stdout}\n${r.stderr}`);
  }
  return Date.now() - started;
}

const hash = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};

export function headCommit(): string {
  return spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
}

export function packAndInstall(): PackedInstall {
  const commit = headCommit();
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`git rev-parse HEAD in ${ROOT} gave ${JSON.stringify(commit)}`);
  const dir = join(CACHE, `${commit.slice(0, 12)}-node${process.version}`);
  const prefix = join(dir, 'prefix');
  const done = join(dir, 'done.json');
  if (existsSync(done)) {
    const saved = JSON.parse(readFileSync(done, 'utf8')) as { tarball: string };
    return { tarball: join(dir, saved.tarball), prefix, timings: { all: 'cached' } };
  }
  // earlier commits' results and dependency sets are of no more use
  const depsKey = hash(readFileSync(join(ROOT, 'package.json')), readFileSync(join(ROOT, 'package-lock.json')));
  for (const old of existsSync(CACHE) ? readdirSync(CACHE) : []) {
    if (old !== `node_modules-${depsKey}`) rmSync(join(CACHE, old), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const timings: Record<string, string> = {};
  const clone = join(dir, 'clone');
  const ms = (n: number) => `${(n / 1000).toFixed(1)} s`;

  timings.clone = ms(sh('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], dir));
  sh('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit], clone);

  // npm ci: the clone's dependencies, kept between runs while the manifest and lockfile stay
  const cloneDepsKey = hash(readFileSync(join(clone, 'package.json')), readFileSync(join(clone, 'package-lock.json')));
  const keptModules = join(CACHE, `node_modules-${cloneDepsKey}`);
  if (existsSync(keptModules)) {
    symlinkSync(keptModules, join(clone, 'node_modules'), 'dir');
    timings['npm ci'] = 'cached';
  } else {
    timings['npm ci'] = ms(sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone));
    renameSync(join(clone, 'node_modules'), keptModules);
    symlinkSync(keptModules, join(clone, 'node_modules'), 'dir');
  }

  timings['npm pack'] = ms(sh('npm', ['pack', '--silent', '--pack-destination', dir], clone));
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
  timings['npm install -g'] = ms(
    sh('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], dir),
  );
  rmSync(clone, { recursive: true, force: true });
  writeFileSync(done, JSON.stringify({ tarball, timings }));
  return { tarball: join(dir, tarball), prefix, timings };
}

/** The files of a tarball, without the leading package/. */
export function tarballFiles(tarball: string): string[] {
  const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -tzf ${tarball}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''))
    .sort();
}
