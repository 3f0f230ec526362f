/**
 * The completion model: a plain description of the command tree (commands, options, what each
 * value takes) built from the same commander tree that parses arguments, plus the CommandDefs
 * for what commander does not know (`complete`, `type: 'bool'`, `env`). The bash and zsh
 * generators and the man page read only this, so nothing is ever listed by hand.
 */
import { Help, type Command, type Option } from 'commander';
import { buildProgram } from '../cli.js';
import { GLOBAL_OPTIONS } from '../commands/global-options.js';
import type { ArgDef, CommandDef, Completion, OptionDef } from '../commands/types.js';

/** What a live value kind is called on the `__complete` command line. */
export const LIVE_KINDS = ['images', 'stores', 'import-methods', 'tasks', 'namespaces'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export type ValueKind =
  | { kind: 'none' }
  | { kind: 'files' }
  | { kind: 'values'; values: string[] }
  | { kind: 'live'; live: LiveKind; /** a comma-separated list of them (--stores a,b) */ list?: boolean }
  | { kind: 'commands' };

export interface OptionModel {
  /** every spelling: ['-H', '--host'] */
  words: string[];
  long?: string;
  short?: string;
  /** 'none' for a switch; 'required' <VALUE>; 'optional' [VALUE] */
  arg: 'none' | 'required' | 'optional';
  metavar?: string;
  value: ValueKind;
  description: string;
  env?: string;
  global: boolean;
  /** shown nowhere (aliases); still understood when parsing a line */
  hidden: boolean;
  def?: OptionDef;
}

export interface ArgModel {
  name: string;
  description: string;
  variadic: boolean;
  optional: boolean;
  value: ValueKind;
}

export interface CommandModel {
  /** words after `tsglance`: [] for the program, ['glance-cache-manage', 'list-cached'] */
  path: string[];
  name: string;
  summary: string;
  description?: string;
  examples: string[];
  options: OptionModel[];
  args: ArgModel[];
  subcommands: CommandModel[];
  def?: CommandDef;
}

function fromCompletion(c: Completion | undefined, metavar?: string): ValueKind | undefined {
  if (!c) return undefined;
  if (typeof c === 'object') return { kind: 'values', values: [...c.values] };
  if (c === 'files') return { kind: 'files' };
  const plural = !!metavar && /S>?\]?$|LIST/i.test(metavar) && c === 'stores';
  return { kind: 'live', live: c, ...(plural ? { list: true } : {}) };
}

/**
 * What a value is when its definition does not say: the file options, the image arguments and
 * the store/method options every engineer names the same way. A declared `complete` always wins.
 */
function inferred(long: string | undefined, metavar: string | undefined): ValueKind | undefined {
  const m = (metavar ?? '').replace(/[<>[\].]/g, '').toUpperCase();
  if (long === '--file' || /^(FILE|FILEPATH|PATH|FILENAME)$/.test(m)) return { kind: 'files' };
  if (long === '--stores' || long === '--prefer') return { kind: 'live', live: 'stores', list: true };
  if (long === '--store' || /^STORE(_ID)?$/.test(m)) return { kind: 'live', live: 'stores' };
  if (long === '--import-method') return { kind: 'live', live: 'import-methods' };
  if (/^IMAGE(_ID)?$/.test(m)) return { kind: 'live', live: 'images' };
  return undefined;
}

function metavarOf(flags: string): string | undefined {
  return /[<[][^>\]]*[>\]]/.exec(flags)?.[0];
}

function optionModel(o: Option, def: OptionDef | undefined, global: boolean): OptionModel {
  const metavar = metavarOf(o.flags);
  const arg = o.required ? 'required' : o.optional ? 'optional' : 'none';
  let value: ValueKind = { kind: 'none' };
  if (arg !== 'none') {
    value =
      fromCompletion(def?.complete, metavar) ??
      (o.argChoices?.length ? { kind: 'values', values: [...o.argChoices] } : undefined) ??
      (def?.choices?.length ? { kind: 'values', values: [...def.choices] } : undefined) ??
      (def?.type === 'bool' || /True\|False/.test(metavar ?? '') ? { kind: 'values', values: ['True', 'False'] } : undefined) ??
      inferred(o.long, metavar) ?? { kind: 'none' };
  }
  return {
    words: [o.short, o.long].filter((w): w is string => !!w),
    long: o.long,
    short: o.short,
    arg,
    metavar,
    value,
    description: def?.description ?? o.description.replace(/ \(env [A-Z_]+\)$/, ''),
    env: def?.env ?? o.envVar,
    global,
    hidden: def ? !!def.hidden : o.hidden,
    def,
  };
}

const help = new Help();

function helpOption(cmd: Command): Option | undefined {
  // commander's implicit -h, --help (visibleOptions appends it)
  return help.visibleOptions(cmd).find((o) => o.long === '--help');
}

function argModel(a: { name(): string; variadic: boolean; required: boolean; description: string }, def: ArgDef | undefined, isHelp: boolean): ArgModel {
  const name = def?.name ?? a.name();
  return {
    name,
    description: def?.description ?? a.description ?? '',
    variadic: a.variadic,
    optional: !a.required,
    value: isHelp ? { kind: 'commands' } : fromCompletion(def?.complete) ?? inferred(undefined, name) ?? { kind: 'none' },
  };
}

function walk(cmd: Command, path: string[], defs: Map<string, CommandDef>, globalsByLong: Map<string, OptionDef>): CommandModel {
  const def = defs.get(path.join(' '));
  const own = new Map((def?.options ?? []).map((o) => [longOf(o.flags), o] as const));
  const options: OptionModel[] = [];
  for (const o of cmd.options) {
    const ownDef = o.long ? own.get(o.long) : undefined;
    const globalDef = !ownDef && o.long ? globalsByLong.get(o.long) : undefined;
    // commander's --version lives on the program only
    options.push(optionModel(o, ownDef ?? globalDef, !ownDef && (!!globalDef || path.length === 0)));
  }
  const h = helpOption(cmd);
  if (h && !options.some((o) => o.long === '--help')) options.push(optionModel(h, undefined, false));

  const isHelp = path.length > 0 && path[path.length - 1] === 'help' && !def;
  const args = cmd.registeredArguments.map((a, i) => argModel(a, def?.args?.[i], isHelp));
  const subcommands = help
    .visibleCommands(cmd)
    .map((c) => walk(c, [...path, c.name()], defs, globalsByLong))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    path,
    name: path.length ? path[path.length - 1] : cmd.name(),
    summary: def?.summary ?? cmd.description(),
    description: def?.description,
    examples: def?.examples ?? [],
    options,
    args,
    subcommands,
    def,
  };
}

/** The long flag of an OptionDef's flags ('-H, --host <ADDRESS>' → '--host'). */
function longOf(flags: string): string | undefined {
  return flags.split(/[ ,|]+/).find((w) => w.startsWith('--'));
}

export function buildModel(commands: CommandDef[]): CommandModel {
  const program = buildProgram(commands);
  const defs = new Map(commands.map((d) => [d.name, d] as const));
  const globalsByLong = new Map(GLOBAL_OPTIONS.map((g) => [longOf(g.flags)!, g] as const));
  return walk(program, [], defs, globalsByLong);
}

/** Every command that runs something (leaves and groups), depth first, sorted. */
export function allCommands(root: CommandModel): CommandModel[] {
  const out: CommandModel[] = [];
  const visit = (c: CommandModel) => {
    for (const s of c.subcommands) {
      out.push(s);
      visit(s);
    }
  };
  visit(root);
  return out;
}

/** The options TAB offers on a command: its own visible ones and the visible global ones. */
export function offeredOptions(c: CommandModel): OptionModel[] {
  return c.options.filter((o) => !o.hidden);
}
