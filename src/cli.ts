/**
 * Builds the commander tree from the command definitions. The wiring only parses flags; all
 * behaviour lives in each command's `run`. The same tree feeds completions and the man page.
 */
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { parseBool } from './auth/settings.js';
import { ConfigError, UsageError } from './errors.js';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import type { CommandDef, GlobalOptions, OptionDef, ParsedInput } from './commands/types.js';

import { VERSION } from './version.js';

export { VERSION };

export const HELP_WIDTH = 80;

/**
 * The headings commands are listed under in the program's help, first match wins. Every visible
 * command must match one (a test checks): a new command is placed deliberately.
 */
export const HELP_GROUPS: [heading: string, names: RegExp][] = [
  ['Images:', /^image-(create|update|list|show|delete|deactivate|reactivate|tag-update|tag-delete|tasks)$/],
  ['Image data:', /^image-(upload|download|stage)$/],
  ['Import and stores:', /^(image-create-via-import|image-import|image-watch|import-info|stores-info|stores-delete)$/],
  ['Cache:', /^(cache-|glance-cache-manage$)/],
  ['Sharing and locations:', /^(member-|location-|add-location$)/],
  ['Tasks:', /^task-/],
  ['Metadata definitions:', /^md-/],
  ['Schemas and quotas:', /^(explain|usage)$/],
  ['Shell and tokens:', /^(completion|bash-completion|token-cache|help)$/],
];

export function helpGroupOf(name: string): string | undefined {
  return HELP_GROUPS.find(([, re]) => re.test(name))?.[0];
}

/** Terms wider than this go on a line of their own (as argparse does), so descriptions can wrap. */
const MAX_TERM_WIDTH = 32;

const defaultHelp = new Help();

/**
 * Help that fits in HELP_WIDTH columns: commands listed by name (their arguments are in their own
 * help), the term column capped so that descriptions always wrap, a longer term on its own line.
 */
const helpConfig: Partial<Help> = {
  subcommandTerm: (cmd) => cmd.name(),
  // the usage line folds too ('Usage: ' is 7 columns), continuing under the command
  commandUsage(cmd) {
    const usage = defaultHelp.commandUsage.call(this, cmd);
    return defaultHelp.boxWrap(`${' '.repeat(7)}${usage}`, HELP_WIDTH).replace(/^ {7}/, '').replace(/\n/g, `\n${' '.repeat(7)}`);
  },
  padWidth: (cmd, helper) => Math.min(MAX_TERM_WIDTH, defaultHelp.padWidth.call(helper, cmd, helper)),
  formatItem(term, termWidth, description, helper) {
    const text =
      !description || helper.displayWidth(term) <= termWidth
        ? defaultHelp.formatItem.call(this, term, termWidth, description, helper)
        : `  ${term}\n${defaultHelp.formatItem.call(this, '', termWidth, description, helper)}`;
    // a word longer than the description column (a URL) moves left rather than past the edge
    return text
      .split('\n')
      .map((l) => (l.length > HELP_WIDTH ? `    ${l.trim()}` : l))
      .join('\n');
  },
};

/**
 * A description's lines joined into paragraphs and wrapped: a line break stays only after a
 * sentence (. or :) or before a list item, where the author meant one.
 */
function wrapText(text: string): string {
  const joined = text.replace(/([^.:\n])\n(?![-*\n ])/g, '$1 ');
  return defaultHelp.boxWrap(joined, HELP_WIDTH);
}

const GLOBAL_HINT = '\nGlobal options (--os-*, -f/--format, -c/--column, --debug...): tsglance --help';

export type Invoke = (def: CommandDef, input: ParsedInput, globals: GlobalOptions) => Promise<void>;

/** Commander's attribute name for an option (what `.opts()` keys it by). */
export function attributeName(def: OptionDef): string {
  return new Option(def.flags).attributeName();
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`'${value}' is not a non-negative integer.`);
  }
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${value}' is not a number.`);
  return n;
}

function bool(value: string): boolean {
  try {
    return parseBool(value, 'value');
  } catch {
    throw new InvalidArgumentError(`'${value}' is not True or False.`);
  }
}

export function toCommanderOption(def: OptionDef, hidden = false, applyEnv = false): Option {
  // a command's env default is applied (and shown) by commander's .env(); a global's env is read by
  // auth/settings.ts, so only the help text mentions it
  const opt = new Option(def.flags, def.description + (def.env && !applyEnv ? ` (env ${def.env})` : ''));
  if (def.env && applyEnv) opt.env(def.env);
  if (def.choices) opt.choices(def.choices as string[]);
  const convert = def.type === 'int' ? positiveInt : def.type === 'number' ? number : def.type === 'bool' ? bool : undefined;
  // our own parser replaces the one .choices() installed, so it checks the choices itself
  const parse = (v: string): unknown => {
    if (def.choices && !def.choices.includes(v)) {
      throw new InvalidArgumentError(`Allowed choices are ${def.choices.join(', ')}.`);
    }
    return convert ? convert(v) : v;
  };
  if (def.repeatable) {
    opt.argParser((v: string, previous: unknown) => [...(Array.isArray(previous) ? previous : []), parse(v)]);
  } else if (convert) {
    opt.argParser(parse);
  }
  if (def.default !== undefined) opt.default(def.default);
  if (def.hidden || hidden) opt.hideHelp();
  return opt;
}

/** A shell command line folded at spaces with ` \\` continuations, so that it still pastes as one command. */
export function foldCommand(line: string, width: number): string {
  const indent = line.match(/^ */)![0];
  const out: string[] = [];
  let current = '';
  for (const word of line.trimStart().split(' ')) {
    const next = current ? `${current} ${word}` : word;
    const lead = out.length ? `${indent}    ` : indent;
    if (current && lead.length + next.length + 2 > width) {
      out.push(`${lead}${current} \\`);
      current = word;
    } else current = next;
  }
  out.push(`${out.length ? `${indent}    ` : indent}${current}`);
  return out.join('\n');
}

function flagWords(flags: string): string[] {
  return flags.split(/[ ,|]+/).filter((w) => w.startsWith('-'));
}

/**
 * Global options are accepted before the command (on the program) and after it (hidden copies on
 * every command), except where a command uses the same flag for itself (glance-cache-manage -f).
 */
function addGlobalCopies(cmd: Command, own: OptionDef[]): string[] {
  const taken = new Set(own.flatMap((o) => flagWords(o.flags)));
  const added: string[] = [];
  for (const g of GLOBAL_OPTIONS) {
    const words = flagWords(g.flags);
    if (words.some((w) => w.startsWith('--') && taken.has(w))) continue;
    const flags = words.some((w) => taken.has(w)) ? g.flags.replace(/^-\w, /, '') : g.flags;
    cmd.addOption(toCommanderOption({ ...g, flags }, true));
    added.push(attributeName({ ...g, flags }));
  }
  return added;
}

function argSyntax(a: { name: string; variadic?: boolean; optional?: boolean }): string {
  const inner = `${a.name}${a.variadic ? '...' : ''}`;
  return a.optional ? `[${inner}]` : `<${inner}>`;
}

/**
 * The command named by the first words joined with '-' (longest first): `image show` is
 * `image-show`, `image create via import` is `image-create-via-import` (the openstack CLI's habit).
 */
export function joinedCommand(words: string[], names: Iterable<string>): string | undefined {
  const known = new Set(names);
  for (let n = Math.min(words.length, 4); n >= 2; n--) {
    const joined = words.slice(0, n).join('-');
    if (known.has(joined)) return joined;
  }
  return undefined;
}

export function unknownCommandLine(word: string, joined: string): string {
  return `error: unknown command '${word}'. Did you mean '${joined}'?`;
}

/** An unknown first word that, joined to the next ones, names a command: that command, in one line. */
function suggestJoinedCommands(cmd: Command): void {
  cmd.on('command:*', (operands: string[]) => {
    const joined = joinedCommand(operands, cmd.commands.map((c) => c.name()));
    // commander's own answer (with its spelling suggestion) when no joined name fits; the method
    // is what commander calls when nothing listens, but its typings leave it out
    if (!joined) return (cmd as unknown as { unknownCommand(): void }).unknownCommand();
    cmd.error(unknownCommandLine(operands[0], joined), { code: 'commander.unknownCommand' });
  });
}

export interface BuildOptions {
  /** called with the parsed input when a command is chosen; absent when only the tree is wanted */
  invoke?: Invoke;
  /**
   * Add each command's options only when the command is dispatched to (what a run needs, and
   * what keeps `--help` fast). Without it the whole tree is built, as completions and the man
   * page need.
   */
  lazy?: boolean;
}

export function buildProgram(commands: CommandDef[], opts: BuildOptions = {}): Command {
  const program = new Command('tsglance');
  program
    .description('Command-line client for the OpenStack Image service (Glance), compatible with glanceclient v2.')
    .optionsGroup('Global options:')
    .version(VERSION, '--version', 'Print the version and exit.')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .commandsGroup(helpGroupOf('help')!)
    .helpCommand(true)
    .helpOption('-h, --help', 'Show this help.')
    .exitOverride()
    .configureHelp(helpConfig)
    // a fixed width, so that the help rendered at build time (dist/help.txt) is the same text
    .configureOutput({ getOutHelpWidth: () => HELP_WIDTH, getErrHelpWidth: () => HELP_WIDTH });
  // commands are added in name order below, not with commander's sortSubcommands: its
  // localeCompare initialises a collator that costs ~20 ms of start-up
  for (const g of GLOBAL_OPTIONS) program.addOption(toCommanderOption(g));
  program.addHelpText('after', `\nRun 'tsglance help COMMAND' for the options of a command.`);
  suggestJoinedCommands(program);

  const groups = new Map<string, Command>();
  // group → its groupLevel options (see OptionDef.groupLevel)
  const groupShared = new Map<Command, OptionDef[]>();
  const pending = new Map<Command, () => void>();
  // in help-group order (commander lists the groups in the order their first command was added)
  const groupIndex = (d: CommandDef) => HELP_GROUPS.findIndex(([, re]) => re.test(d.name.split(' ')[0]));
  const byName = [...commands].sort((a, b) => groupIndex(a) - groupIndex(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const def of byName) {
    const words = def.name.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      const key = `${parent.name()} ${word}`;
      let group = groups.get(key);
      if (!group) {
        // its own help command: the inherited one is the program's object, listed under the program's heading
        group = parent
          .command(word)
          .enablePositionalOptions()
          .exitOverride()
          .commandsGroup('Commands:')
          .helpCommand('help [command]', 'display help for command');
        if (parent === program) group.helpGroup(helpGroupOf(word) ?? 'Commands:');
        group.helpOption('-h, --help', 'Show this help.');
        group.addHelpText('after', GLOBAL_HINT);
        suggestJoinedCommands(group);
        groups.set(key, group);
      }
      parent = group;
    }
    if (def.groupSummary && parent !== program) parent.description(def.groupSummary);
    const cmd = parent
      .command(words[words.length - 1], def.hidden ? { hidden: true } : {})
      .description(def.summary)
      .helpOption('-h, --help', 'Show this help.')
      .exitOverride();
    if (parent === program) cmd.helpGroup(helpGroupOf(def.name) ?? 'Commands:');
    if (def.description) cmd.addHelpText('after', `\n${wrapText(def.description)}`);
    for (const a of def.args ?? []) cmd.argument(argSyntax(a), a.description ?? '');
    const own = def.options ?? [];
    let globalKeys = new Set<string>();
    const ownKeys = own.map(attributeName);
    // Options cost: commander registers a listener per option. A run only needs those of the
    // command it dispatches to, so with `lazy` they are added just before that dispatch.
    const materialize = () => {
      for (const o of own) {
        cmd.addOption(toCommanderOption(o, false, true));
        if (o.groupLevel && parent !== program) {
          const shared = groupShared.get(parent) ?? [];
          if (!shared.some((s) => s.flags === o.flags)) {
            shared.push(o);
            parent.addOption(toCommanderOption(o));
          }
          groupShared.set(parent, shared);
        }
      }
      globalKeys = new Set(addGlobalCopies(cmd, own));
    };
    pending.set(cmd, materialize);
    if (def.examples?.length) cmd.addHelpText('after', `\nExamples:\n${def.examples.map((e) => foldCommand(`  ${e}`, HELP_WIDTH)).join('\n')}`);
    cmd.addHelpText('after', GLOBAL_HINT);
    cmd.action(async (...actionArgs: unknown[]) => {
      if (!opts.invoke) return;
      const self = actionArgs[actionArgs.length - 1] as Command;
      const all = self.opts();
      const flags: Record<string, unknown> = {};
      for (const k of ownKeys) flags[k] = all[k];
      mergeGroupFlags(self, own, flags);
      // globals: program-level values, then any given after the command name
      const globals: Record<string, unknown> = { ...collectGlobals(self) };
      for (const k of globalKeys) if (self.getOptionValueSource(k) === 'cli') globals[k] = all[k];
      await opts.invoke(def, { args: self.processedArgs as ParsedInput['args'], flags }, globals as GlobalOptions);
    });
  }
  const groupsWithCopies = new Set<Command>();
  /** Add the options of `cmd` and everything under it (idempotent). */
  const materializeTree = (cmd: Command) => {
    const stack = [cmd];
    while (stack.length) {
      const c = stack.pop()!;
      pending.get(c)?.();
      pending.delete(c);
      stack.push(...c.commands);
    }
    // a group with groupLevel options takes the global options there too (hidden copies, as on commands)
    for (const [group, shared] of groupShared) {
      if (!groupsWithCopies.has(group)) addGlobalCopies(group, shared);
      groupsWithCopies.add(group);
    }
  };
  if (opts.lazy) program.hook('preSubcommand', (_self, sub) => materializeTree(sub));
  else materializeTree(program);
  return program;
}

/**
 * groupLevel options given on a parent group (before the subcommand word) count as the leaf's
 * unless the leaf got them on its own part of the line; repeatable ones are concatenated.
 */
function mergeGroupFlags(cmd: Command, own: OptionDef[], flags: Record<string, unknown>): void {
  for (const o of own.filter((d) => d.groupLevel)) {
    const k = attributeName(o);
    for (let g = cmd.parent; g?.parent; g = g.parent) {
      if (g.getOptionValueSource(k) !== 'cli') continue;
      const v = g.opts()[k];
      if (cmd.getOptionValueSource(k) !== 'cli') flags[k] = v;
      else if (o.repeatable) flags[k] = [...(v as unknown[]), ...(flags[k] as unknown[])];
    }
  }
}

/** Program-level global values, then any given on a group (only those typed there: no defaults). */
function collectGlobals(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd.parent; c; c = c.parent) chain.unshift(c);
  const globalKeys = GLOBAL_OPTIONS.map(attributeName);
  return Object.assign(
    {},
    ...chain.map((c) =>
      c.parent ? Object.fromEntries(globalKeys.filter((k) => c.getOptionValueSource(k) === 'cli').map((k) => [k, c.opts()[k]])) : c.opts(),
    ),
  );
}

/** Commander's own errors (unknown option, missing argument) as our usage errors. */
export function fromCommanderError(err: CommanderError): UsageError | ConfigError | undefined {
  if (['commander.helpDisplayed', 'commander.version', 'commander.help', 'commander.executeSubCommandAsync'].includes(err.code)) {
    return undefined;
  }
  return new UsageError(err.message.replace(/^error: /, ''));
}
