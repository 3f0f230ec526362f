/**
 * `tsglance completion bash|zsh`: prints the completion script, generated from the same command
 * tree that parses arguments (the copies in completions/ are this output, made by `npm run build`).
 */
import { UsageError } from '../../errors.js';
import { defineCommand } from '../types.js';

export const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

export const completion = defineCommand<{ shell: Shell }>({
  name: 'completion',
  summary: 'Print the bash or zsh completion script.',
  description:
    'Load it for this shell with `source <(tsglance completion bash)` (bash) or `source <(tsglance completion zsh)` (zsh), ' +
    'or install it once: bash-completion looks in ~/.local/share/bash-completion/completions/tsglance, zsh in any ' +
    'directory of $fpath as _tsglance. Image names, store ids and import methods are fetched from Glance on TAB and ' +
    'cached for a minute under $XDG_CACHE_HOME/tsglance/complete.',
  args: [{ name: 'SHELL', description: 'bash or zsh.', complete: { values: SHELLS } }],
  examples: [
    'tsglance completion bash > ~/.local/share/bash-completion/completions/tsglance',
    'tsglance completion zsh > "${fpath[1]}/_tsglance"',
  ],
  parse({ args }) {
    const shell = args[0] as string;
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`SHELL must be bash or zsh, not '${shell}'`);
    return { shell: shell as Shell };
  },
  async run(opts, deps) {
    const { COMMANDS } = await import('../index.js');
    const { buildModel } = await import('../../completion/model.js');
    const model = buildModel(COMMANDS);
    if (opts.shell === 'bash') {
      const { bashScript } = await import('../../completion/bash.js');
      deps.io.stdout.write(bashScript(model));
    } else {
      const { zshScript } = await import('../../completion/zsh.js');
      deps.io.stdout.write(zshScript(model));
    }
  },
});

/** `tsglance __manpage`: the roff source of tsglance(1) (man/tsglance.1 is this output). */
export const manpage = defineCommand<Record<string, never>>({
  name: '__manpage',
  summary: 'Internal: print the tsglance(1) man page (roff).',
  hidden: true,
  parse: () => ({}),
  async run(_opts, deps) {
    const { COMMANDS } = await import('../index.js');
    const { buildModel } = await import('../../completion/model.js');
    const { manPage } = await import('../../completion/man.js');
    deps.io.stdout.write(manPage(buildModel(COMMANDS)));
  },
});
