/**
 * `tsglance completion bash|zsh|fish`: prints the completion script, generated from the same command
 * tree that parses arguments (the copies in completions/ are this output, made by `npm run build`).
 */
import { UsageError } from '../../errors.js';
import { defineCommand } from '../types.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

export const completion = defineCommand<{ shell: Shell }>({
  name: 'completion',
  summary: 'Print the bash, zsh or fish completion script.',
  description:
    'Load it for this shell with `source <(tsglance completion bash)` (bash), `source <(tsglance completion zsh)` (zsh) ' +
    'or `tsglance completion fish | source` (fish), or install it once: bash-completion looks in ' +
    '~/.local/share/bash-completion/completions/tsglance, zsh in any directory of $fpath as _tsglance, fish in ' +
    '~/.config/fish/completions/tsglance.fish. Image names, store ids and import methods are fetched from Glance on TAB and ' +
    'cached for a minute under $XDG_CACHE_HOME/tsglance/complete.',
  args: [{ name: 'SHELL', description: 'bash, zsh or fish.', complete: { values: SHELLS } }],
  examples: [
    'tsglance completion bash > ~/.local/share/bash-completion/completions/tsglance',
    'tsglance completion zsh > "${fpath[1]}/_tsglance"',
    'tsglance completion fish > ~/.config/fish/completions/tsglance.fish',
  ],
  parse({ args }) {
    const shell = args[0] as string;
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`SHELL must be bash, zsh or fish, not '${shell}'`);
    return { shell: shell as Shell };
  },
  async run(opts, deps) {
    const { COMMANDS } = await import('../index.js');
    const { buildModel } = await import('../../completion/model.js');
    const model = buildModel(COMMANDS);
    if (opts.shell === 'bash') {
      const { bashScript } = await import('../../completion/bash.js');
      deps.io.stdout.write(bashScript(model));
    } else if (opts.shell === 'zsh') {
      const { zshScript } = await import('../../completion/zsh.js');
      deps.io.stdout.write(zshScript(model));
    } else {
      const { fishScript } = await import('../../completion/fish.js');
      deps.io.stdout.write(fishScript(model));
    }
  },
});

/**
 * `tsglance bash-completion`: glanceclient's word list (every command and every option of the
 * commands, space-separated on one line), which some shell set-ups call for their own completion.
 */
export const bashCompletion = defineCommand<Record<string, never>>({
  name: 'bash-completion',
  summary: "Print every command and option word on one line (glanceclient's bash-completion).",
  parse: () => ({}),
  async run(_opts, deps) {
    const { COMMANDS } = await import('../index.js');
    const { buildModel, allCommands } = await import('../../completion/model.js');
    const commands = allCommands(buildModel(COMMANDS)).filter((c) => c.path.length === 1);
    const words = new Set<string>(commands.map((c) => c.name));
    for (const c of commands) for (const o of c.options) if (!o.global && !o.hidden) for (const w of o.words) words.add(w);
    words.delete('bash-completion');
    deps.io.stdout.write(`${[...words].sort().join(' ')}\n`);
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
