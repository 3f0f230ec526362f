/**
 * The shape every command takes (GitHub CLI style): a declarative definition that the commander
 * tree, completions and the man page are generated from; a `parse` that turns flags into the
 * command's own options type; and a `run` that receives everything it depends on.
 */
import type { AuthFlags, Env } from '../auth/settings.js';
import type { Clock } from '../clock.js';
import type { GlanceClient } from '../glance/client.js';
import type { Format, Output } from '../output/format.js';
import type { IO } from '../output/io.js';

/** What TAB offers for a value. Live kinds are fetched (and cached briefly) by the completion helper. */
export type Completion =
  | 'images'
  | 'stores'
  | 'import-methods'
  | 'files'
  | 'tasks'
  | 'namespaces'
  | { values: readonly string[] };

export interface OptionDef {
  /** commander flags, e.g. '-H, --host <ADDRESS>' or '--hidden [True|False]' */
  flags: string;
  description: string;
  /** every occurrence is collected into an array */
  repeatable?: boolean;
  choices?: readonly string[];
  /** value parser: positive int, float, or glanceclient's strict True/False */
  type?: 'int' | 'number' | 'bool';
  default?: string | boolean | number | string[];
  /** environment variable that supplies the default (shown in help and the man page) */
  env?: string;
  hidden?: boolean;
  complete?: Completion;
  /**
   * Nested commands only: also accepted on the parent group, between the group word and the
   * subcommand (`glance-cache-manage -H node1 list-cached`); merged into this command's flags.
   */
  groupLevel?: boolean;
}

export interface ArgDef {
  name: string;
  description?: string;
  variadic?: boolean;
  optional?: boolean;
  complete?: Completion;
}

export interface ParsedInput {
  /** positionals in declaration order; a variadic one is an array */
  args: (string | string[] | undefined)[];
  /** this command's own flags (camelCase attribute names), env defaults applied */
  flags: Record<string, unknown>;
}

export interface CommandDef<O = unknown> {
  /** one word ('image-list') or a path of words for nested commands ('glance-cache-manage list-cached') */
  name: string;
  /** for a nested command: the one-line summary of its group, shown in the parent's help */
  groupSummary?: string;
  summary: string;
  description?: string;
  args?: ArgDef[];
  options?: OptionDef[];
  examples?: string[];
  /** left out of help, completions and the man page (internal helpers such as `__complete`) */
  hidden?: boolean;
  /** flags → options; throws UsageError for what is wrong before any request */
  parse(input: ParsedInput): O;
  run(opts: O, deps: Deps): Promise<number | void>;
}

/** Options shared by every command (the --os-* family plus output and debugging switches). */
export interface GlobalOptions extends AuthFlags {
  debug?: boolean;
  verbose?: boolean;
  format?: Format;
  column?: string[];
  sortColumn?: string[];
  noindent?: boolean;
  maxWidth?: number;
  fitWidth?: boolean;
  /** commander's --no-token-cache gives tokenCache === false */
  tokenCache?: boolean;
}

export interface Deps {
  io: IO;
  env: Env;
  clock: Clock;
  globals: GlobalOptions;
  output: Output;
  /** the authenticated Glance client; authentication happens on first call only */
  glance(): Promise<GlanceClient>;
  /** aborted on Ctrl-C */
  signal: AbortSignal;
  /** a line on stderr when --debug is on (already redacted by the caller) */
  debug(line: string): void;
  /** a message for the operator on stderr */
  warn(line: string): void;
}

export function defineCommand<O>(def: CommandDef<O>): CommandDef<O> {
  return def;
}
