/**
 * Drives the generated completion scripts in real shells: bash (source the script, set
 * COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT, call _tsglance, read COMPREPLY) and zsh (an
 * interactive zsh in a zpty, compinit with the script on $fpath, TAB typed, the matches that
 * reach compadd captured). Not a test file itself: the completion-*.test.ts files use it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cleanEnv, type RunOpts } from './helpers/run.js';

export const BASH_SCRIPT = join(ROOT, 'completions', 'tsglance.bash');
export const ZSH_DIR = join(ROOT, 'completions');

/** A directory with `tsglance` in it, as an installed package would put on PATH. */
const binDir = mkdtempSync(join(tmpdir(), 'tsglance-complete-bin-'));
symlinkSync(BIN, join(binDir, 'tsglance'));

export interface TabResult {
  candidates: string[];
  stdout: string;
  stderr: string;
  ms: number;
  code: number;
}

export interface TabOpts extends Pick<RunOpts, 'as' | 'env'> {
  /** a private XDG_CACHE_HOME (default: a new one per call) */
  cache?: string;
  /** leave tsglance off PATH (proves a warm TAB reads the cache without starting it) */
  noBinary?: boolean;
}

export function newCacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsglance-complete-cache-'));
}

function env(opts: TabOpts): Record<string, string> {
  const e = cleanEnv({ as: opts.as, env: opts.env });
  e.XDG_CACHE_HOME = opts.cache ?? newCacheDir();
  e.PATH = opts.noBinary ? e.PATH : `${binDir}:${e.PATH}`;
  e.HOME = e.HOME ?? tmpdir();
  return e;
}

function run(cmd: string, args: string[], e: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: e, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: Date.now() - started });
    });
  });
}

const BASH_DRIVER = `
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=\${#COMP_LINE}
COMPREPLY=()
start=$EPOCHREALTIME
_tsglance
end=$EPOCHREALTIME
printf '%s\\n' "\${COMPREPLY[@]}" >"$TAB_OUT"
echo "$(( (\${end/./} - \${start/./}) / 1000 ))" >"$TAB_OUT.ms"
`;

/**
 * bash: the words of the line, the last one being the word under the cursor ('' for a fresh word).
 * What the function itself prints (nothing, ever) is in stdout/stderr; COMPREPLY in candidates.
 */
export async function bashTab(words: string[], opts: TabOpts = {}): Promise<TabResult> {
  const e = env(opts);
  const dir = mkdtempSync(join(tmpdir(), 'tsglance-tab-'));
  const driver = join(dir, 'driver.bash');
  writeFileSync(driver, BASH_DRIVER);
  e.TAB_OUT = join(dir, 'out');
  const res = await run('bash', ['--norc', '--noprofile', driver, BASH_SCRIPT, ...words], e);
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(e.TAB_OUT, 'utf8');
  return {
    candidates: text.split('\n').filter(Boolean),
    stdout: res.stdout,
    stderr: res.stderr,
    ms: Number(readFileSync(`${e.TAB_OUT}.ms`, 'utf8')),
    code: res.code,
  };
}

/** Set up inside the zpty: compinit with completions/ on $fpath, compadd recording its matches. */
const ZSH_SETUP = `
PROMPT='' RPROMPT=''
fpath=("$TAB_FPATH" $fpath)
autoload -U compinit
compinit -u -d "$TAB_DIR/zcompdump"
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
    builtin compadd "$@"
    return $?
  fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rl -- "\${(@)__hits}" >>"$TAB_OUT"
  builtin compadd "$@"
}
__tab_done() { print -r -- __TAB_DONE__ >>"$TAB_OUT"; }
comppostfuncs=(__tab_done)
print -r -- __READY__ >>"$TAB_OUT"
`;

/** Types the line into an interactive zsh, presses TAB and waits for the completion to finish. */
const ZSH_CAPTURE = `
zmodload zsh/zpty
zmodload zsh/datetime
zpty tab zsh -f -i
zpty -w tab "source \${(q)TAB_DIR}/setup.zsh"
wait_for() {
  local deadline=$(( EPOCHREALTIME + 60 ))
  while (( EPOCHREALTIME < deadline )); do
    [[ -f $TAB_OUT ]] && grep -q "$1" "$TAB_OUT" && return 0
    zpty -r -t tab junk 2>/dev/null
    sleep 0.05
  done
  return 1
}
wait_for __READY__ || { echo 'zsh setup did not finish' >&2; exit 2; }
start=$EPOCHREALTIME
zpty -w -n tab "$1"$'\\t'
wait_for __TAB_DONE__ || { echo 'completion did not finish' >&2; exit 3; }
print -r -- $(( (EPOCHREALTIME - start) * 1000 )) >"$TAB_OUT.ms"
zpty -d tab
`;

export async function zshTab(line: string, opts: TabOpts = {}): Promise<TabResult> {
  const e = env(opts);
  const dir = mkdtempSync(join(tmpdir(), 'tsglance-ztab-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'setup.zsh'), ZSH_SETUP);
  writeFileSync(join(dir, 'capture.zsh'), ZSH_CAPTURE);
  e.TAB_DIR = dir;
  e.TAB_FPATH = ZSH_DIR;
  e.TAB_OUT = join(dir, 'out');
  const res = await run('zsh', ['-f', join(dir, 'capture.zsh'), line], e);
  const { readFileSync, existsSync } = await import('node:fs');
  const text = existsSync(e.TAB_OUT) ? readFileSync(e.TAB_OUT, 'utf8') : '';
  const after = text.split('__READY__\n')[1] ?? '';
  return {
    candidates: after.split('\n').filter((l) => l && l !== '__TAB_DONE__'),
    stdout: res.stdout,
    stderr: res.stderr,
    ms: existsSync(`${e.TAB_OUT}.ms`) ? Number(readFileSync(`${e.TAB_OUT}.ms`, 'utf8')) : NaN,
    code: res.code,
  };
}

export const FISH_SCRIPT = join(ROOT, 'completions', 'tsglance.fish');

/**
 * fish: the generated script sourced into a fish without config, and `complete -C LINE` (what
 * fish would offer for that command line, the cursor at its end). Candidates without descriptions.
 */
export async function fishTab(line: string, opts: TabOpts = {}): Promise<TabResult & { descriptions: string[] }> {
  const e = env(opts);
  e.TAB_LINE = line;
  e.TAB_SCRIPT = FISH_SCRIPT;
  const res = await run('fish', ['--no-config', '-c', 'source $TAB_SCRIPT; complete -C "$TAB_LINE"'], e);
  const rows = res.stdout.split('\n').filter(Boolean);
  return {
    candidates: rows.map((r) => r.split('\t')[0]),
    descriptions: rows.map((r) => r.split('\t')[1] ?? ''),
    stdout: res.stdout,
    stderr: res.stderr,
    ms: res.ms,
    code: res.code,
  };
}
