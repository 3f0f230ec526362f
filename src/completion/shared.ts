/**
 * What the bash, zsh and fish generators share: the per-command tables (as shell `case` statements,
 * which both shells read the same way) and the identity the live-value cache is keyed by.
 */
import { AUTH_ENV_VARS } from '../auth/settings.js';
import { allCommands, offeredOptions, type CommandModel, type OptionModel, type ValueKind } from './model.js';

/** A shell word in single quotes. */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Secrets stay out of the cache key (it is a file name); everything that changes who we are is in. */
export const KEY_ENV_VARS = AUTH_ENV_VARS.filter((v) => !/PASSWORD|SECRET/.test(v));

/**
 * Where an endpoint can come from: with none of these set (nor their flags on the line) there is
 * nothing to ask, so TAB does not even start tsglance.
 */
export const ENDPOINT_ENV_VARS = (['OS_CLOUD', 'OS_AUTH_URL', 'OS_IMAGE_URL'] as const).filter((v) =>
  (AUTH_ENV_VARS as readonly string[]).includes(v),
);

/** `[[ -n ${OS_CLOUD-} || ... ]]` plus the matching flags seen on the line. */
export function endpointTest(root: CommandModel, flagsVar: string): string {
  const flags = root.options.filter((o) => o.env && (ENDPOINT_ENV_VARS as readonly string[]).includes(o.env)).map((o) => o.long!);
  const env = ENDPOINT_ENV_VARS.map((v) => `-n \${${v}-}`);
  const line = flags.flatMap((f) => [`" \${${flagsVar}[*]} " == *" ${f} "*`, `" \${${flagsVar}[*]} " == *" ${f}="*`]);
  return `[[ ${[...env, ...line].join(' || ')} ]]`;
}

/** A value kind as the scripts read it: 'v a b' values, 'f' files, 'l KIND'/'L KIND' live (L: comma list), 'c' commands, '-' nothing. */
export function kindCode(v: ValueKind): string {
  switch (v.kind) {
    case 'values':
      return `v ${v.values.join(' ')}`;
    case 'files':
      return 'f';
    case 'live':
      return `${v.list ? 'L' : 'l'} ${v.live}`;
    case 'commands':
      return 'c';
    default:
      return '-';
  }
}

/** 'n' for a switch, 'r KIND' for a required value, 'o KIND' for an optional one. */
export function specCode(o: OptionModel): string {
  return o.arg === 'none' ? 'n' : `${o.arg === 'required' ? 'r' : 'o'} ${kindCode(o.value)}`;
}

export function pathKey(c: CommandModel): string {
  return c.path.join(' ');
}

/** Long spellings offered at `--<TAB>` (short ones only when an option has no long). */
export function offeredWords(c: CommandModel): string[] {
  return offeredOptions(c).map((o) => o.long ?? o.short!).sort();
}

/** The global options every command accepts (offered after the command too). */
export function globalWords(root: CommandModel): string[] {
  return offeredOptions(root)
    .filter((o) => o.global && o.long !== '--version')
    .map((o) => o.long ?? o.short!)
    .sort();
}

/** A command's offered words split into "all the globals" (when it has them all) and the rest. */
export function splitOffered(root: CommandModel, c: CommandModel): { hasGlobals: boolean; rest: string[] } {
  const words = offeredWords(c);
  const globals = globalWords(root);
  const hasGlobals = c !== root && globals.every((g) => words.includes(g));
  return { hasGlobals, rest: hasGlobals ? words.filter((w) => !globals.includes(w)) : words };
}

export function everyNode(root: CommandModel): CommandModel[] {
  return [root, ...allCommands(root)];
}

/**
 * (pattern, spec) pairs mapping `PATH:WORD` (a command path and an option word) to its spec, for a
 * shell's case statement; '*:WORD' for a global option, '*' last. A command's own options come
 * first so they shadow the global ones (glance-cache-manage -f is --force, not --format).
 */
export function optionSpecEntries(root: CommandModel): [pattern: string, spec: string][] {
  const entries: [string, string][] = [];
  const globalSpecs = new Map<string, string>();
  for (const c of everyNode(root)) {
    const specific = new Map<string, string>();
    for (const o of c.options) {
      for (const w of o.words) {
        if (o.global) globalSpecs.set(w, specCode(o));
        else specific.set(w, specCode(o));
      }
    }
    // switches are the fallback anyway; list only what takes a value, plus own switches that shadow a global
    for (const [w, spec] of specific) {
      if (spec === 'n' && !root.options.some((g) => g.global && g.words.includes(w))) continue;
      entries.push([`${pathKey(c)}:${w}`, spec]);
    }
  }
  for (const [w, spec] of [...globalSpecs].sort()) {
    if (spec !== 'n') entries.push([`*:${w}`, spec]);
  }
  entries.push(['*', 'n']);
  return entries;
}

/** optionSpecEntries as bash/zsh `case "$1:$2"` lines. */
export function optionSpecCases(root: CommandModel, indent: string): string[] {
  return optionSpecEntries(root).map(([pattern, spec]) => `${indent}${pattern.startsWith('*') ? pattern : sq(pattern)}) REPLY=${pattern === '*' ? spec : sq(spec)} ;;`);
}

/**
 * The body of the loop over the words before the cursor, the same in bash and zsh but for the test
 * of whether a word is a subcommand of the current node (`isSubcommand`, a shell condition on $w).
 * It tracks the command path, positional count, `--`, an option waiting for its value, and the
 * --os-* words the live helper needs.
 */
export function walkWords(isSubcommand: string): string {
  return `    w=\${words[i]}
    if ((osnext)); then
      __tsglance_osargs+=("$w")
      ((keynext)) && __tsglance_keyargs+=("$w")
      osnext=0 keynext=0
    fi
    if [[ $expect == r || ($expect == o && $w != -*) ]]; then
      expect=''
      continue
    fi
    expect=''
    if ((ddash)) || [[ $w != -* || $w == - ]]; then
      if ((!ddash && nargs == 0)) && ${isSubcommand}; then
        cmdpath=\${cmdpath:+$cmdpath }$w
        __tsglance_node "$cmdpath"
      else
        ((nargs++))
      fi
      continue
    fi
    if [[ $w == -- ]]; then
      ddash=1
      continue
    fi
    case $w in
      --os-*=* | --insecure | -k)
        __tsglance_osargs+=("$w")
        [[ $w == *password* || $w == *secret* ]] || __tsglance_keyargs+=("$w")
        ;;
      --os-*)
        __tsglance_osargs+=("$w")
        __tsglance_keyargs+=("$w")
        osnext=1
        [[ $w == *password* || $w == *secret* ]] || keynext=1
        ;;
    esac
    [[ $w == --*=* ]] && continue
    __tsglance_optspec "$cmdpath" "$w"
    case $REPLY in
      r\\ * | o\\ *) expect=\${REPLY%% *} espec=\${REPLY#? } ;;
    esac`;
}

/** The option-spec lookup and the live-cache key functions, the same shell code in bash and zsh. */
export function optionSpecAndKeyFunctions(root: CommandModel, keyVars: string): string {
  return `# __tsglance_optspec PATH WORD: REPLY = n (switch) | r KIND (value) | o KIND (optional value)
__tsglance_optspec() {
  case "$1:$2" in
${optionSpecCases(root, '    ').join('\n')}
  esac
}

# __tsglance_key ARGS...: REPLY = the live-value cache key (cksum of the identity, no secrets)
__tsglance_key() {
  local m
  m=$(printf '%s\\n' ${keyVars} "$@" | cksum 2>/dev/null)
  m=\${m// /-}
  REPLY=\${m:-0}
}
`;
}
