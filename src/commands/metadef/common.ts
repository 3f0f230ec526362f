import type { ArgDef, OptionDef } from '../types.js';

export const NS_ARG = (description = 'Name of namespace.'): ArgDef => ({ name: 'NAMESPACE', description, complete: 'namespaces' });

export const MAX_WIDTH_OPTION: OptionDef = {
  flags: '--max-column-width <integer>',
  description: 'The max column width of the printed table.',
  type: 'int',
  default: 80,
};

/** glanceclient prints with the default 80 when the width given is 0. */
export const maxWidth = (flags: Record<string, unknown>): number => (flags.maxColumnWidth as number) || 80;

export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
