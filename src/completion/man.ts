/**
 * tsglance(1) in roff (man macros), generated from the command model: every visible command with
 * its arguments, options and examples, the global options, every OS_* variable the code declares
 * (AUTH_ENV_VARS and each option's `env`), the files, the exit statuses (ExitCode) and the
 * guides' workflows — each shown only once the commands it uses exist in the tree.
 */
import { AUTH_ENV_VARS } from '../auth/settings.js';
import { VERSION } from '../cli.js';
import { ExitCode } from '../errors.js';
import { allCommands, offeredOptions, type ArgModel, type CommandModel, type OptionModel } from './model.js';
import { CACHE_TTL_S } from './cache.js';

/** Text safe on a roff text line: backslashes, hyphen-minus (so options copy-paste), leading dots. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

const b = (s: string) => `\\fB${roff(s)}\\fR`;
const i = (s: string) => `\\fI${roff(s)}\\fR`;

function argSynopsis(a: ArgModel): string {
  const inner = `${i(a.name)}${a.variadic ? ' ...' : ''}`;
  return a.optional ? `[${inner}]` : inner;
}

function optionTag(o: OptionModel): string {
  const words = o.words.map(b).join(', ');
  if (o.arg === 'none') return words;
  const name = (o.metavar ?? '<VALUE>').replace(/^[<[]|[>\]]$/g, '');
  return o.arg === 'optional' ? `${words} [${i(name)}]` : `${words} ${i(name)}`;
}

function optionText(o: OptionModel): string {
  let text = roff(o.description);
  if (o.value.kind === 'values' && !/True\|False/.test(o.metavar ?? '') && o.value.values.length) {
    text += ` One of: ${o.value.values.map(b).join(', ')}.`;
  }
  if (o.env) text += ` Default from ${b(o.env)}.`;
  return text;
}

function optionList(options: OptionModel[]): string[] {
  const out: string[] = [];
  for (const o of options) out.push('.TP', optionTag(o), optionText(o));
  return out;
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .flatMap((p) => ['.PP', roff(p)]);
}

function example(lines: string[]): string[] {
  return ['.PP', '.RS 4', '.nf', ...lines.map(roff), '.fi', '.RE'];
}

function commandSection(c: CommandModel): string[] {
  const title = ['tsglance', ...c.path].join(' ');
  const synopsis = [b(title)];
  if (c.subcommands.length) synopsis.push(i('command'));
  const own = offeredOptions(c).filter((o) => !o.global && o.long !== '--help');
  if (own.length) synopsis.push(`[${i('options')}]`);
  synopsis.push(...c.args.map(argSynopsis));
  const out = ['.SS ' + `"${roff(c.path.join(' '))}"`, synopsis.join(' '), '.br', roff(c.summary)];
  if (c.description) out.push(...paragraphs(c.description));
  const args = c.args.filter((a) => a.description);
  for (const a of args) out.push('.TP', i(a.name), roff(a.description));
  out.push(...optionList(own));
  if (c.subcommands.length) {
    out.push('.PP', `Commands: ${c.subcommands.map((s) => b(s.name)).join(', ')}.`);
  }
  if (c.examples.length) out.push('.PP', 'Examples:', ...example(c.examples));
  return out;
}

/** What each exit status means (keys of ExitCode; the README has the same table). */
const EXIT_MEANINGS: Record<string, string> = {
  ok: 'Success.',
  error:
    'Error: an HTTP error, bad credentials, an image not found, a failed import, and the like; also an import watch with nothing to watch (no import task pending or processing, no store importing).',
  usage: 'Usage error (unknown option, bad value, an unknown store or import method), found before any request that changes anything.',
  partial:
    'Import watch: the image went active but some of the requested stores failed (with --allow-failure true); they are named.',
  timeout:
    'Import watch: --watch-timeout ran out, or nothing changed for --stall-timeout seconds (default 1800; the task and its last message are named). The import goes on in Glance.',
  hangup:
    'SIGHUP (a closed terminal or ssh session): handled like Ctrl-C: a record this command created is deleted, one line is printed. A second signal exits at once.',
  interrupted:
    'Interrupted (Ctrl-C, SIGINT): a record this command created is deleted, a watch stops. An import already accepted by Glance goes on. A second Ctrl-C exits at once.',
  terminated: 'SIGTERM (kill, timeout(1), systemd, CI runners): handled like Ctrl-C. A second signal exits at once.',
};

/** Variables read outside the --os-* options, described here; the rest take their option's text. */
const ENV_NOTES: Record<string, string> = {
  OS_CLIENT_CONFIG_FILE: 'Path of clouds.yaml, instead of the usual locations (see FILES).',
  OS_CLIENT_SECURE_FILE: 'Path of secure.yaml, merged over clouds.yaml.',
  OS_IDENTITY_API_VERSION: 'Only 3 is supported (Keystone v3).',
  OS_AUTH_PLUGIN: 'Alias of OS_AUTH_TYPE.',
  OS_USER_NAME: 'Alias of OS_USERNAME.',
  OS_TIMEOUT: 'Time limit in seconds (as --timeout; default 600): the whole exchange of each API call, idle time for image data.',
};

const OTHER_ENV: [string, string][] = [
  ['XDG_CACHE_HOME', 'Where the token cache and the completion cache live (default ~/.cache), under tsglance/.'],
  ['XDG_CONFIG_HOME', 'Where clouds.yaml is looked for (default ~/.config), under openstack/.'],
  ['TSGLANCE_DEBUG', 'When set, as --debug for errors raised before the options are parsed.'],
  ['TSGLANCE_TOKEN_STORE', 'file: keep tokens in the file cache under $XDG_CACHE_HOME/tsglance, never in the OS keychain.'],
  ['TSGLANCE_LIST_STREAMS', '1: image-list pages one request after another instead of walking a long listing from both ends of the sort order at once (default 2).'],
  ['TSGLANCE_COMPLETE_TIMEOUT', 'Seconds a TAB waits for live values from Glance (default 2).'],
  ['TSGLANCE_PROMPT_TIMEOUT', 'Seconds a question at the terminal waits for its answer (default 300): no answer to [y/N] is no, no password is an error.'],
  ['NO_COLOR', 'When set to a non-empty value, no colour (an empty NO_COLOR changes nothing).'],
  ['FORCE_COLOR', 'Colour even off a terminal; 0 or false: never colour. Wins over the other colour variables.'],
  ['CLICOLOR_FORCE', 'When set and not 0, colour even off a terminal and over NO_COLOR.'],
];

function environment(root: CommandModel): string[] {
  const described = new Map<string, string>();
  const options = [...root.options, ...allCommands(root).flatMap((c) => c.options)];
  for (const o of options) {
    if (o.env && !described.has(o.env)) {
      const flag = o.long ?? o.short ?? '';
      described.set(o.env, `${o.description}${o.description.endsWith('.') ? '' : '.'} (${flag})`);
    }
  }
  const names = [...new Set<string>([...AUTH_ENV_VARS, ...described.keys(), ...Object.keys(ENV_NOTES)])].sort();
  const out = ['.SH ENVIRONMENT', 'Flags win over variables, variables over clouds.yaml.'];
  for (const n of names) {
    out.push('.TP', b(n), roff(ENV_NOTES[n] ?? described.get(n) ?? 'Read by authentication, as openstacksdk reads it.'));
  }
  for (const [n, text] of OTHER_ENV) out.push('.TP', b(n), roff(text));
  return out;
}

/** The deployment guides' workflows; one is printed when every command it uses exists. */
export const WORKFLOWS: { title: string; commands: string[]; lines: string[] }[] = [
  {
    title: 'Upload a local image file:',
    commands: ['image-create'],
    lines: ['tsglance image-create --name cirros --disk-format qcow2 --container-format bare \\', '    --visibility public --file cirros.qcow2 --progress'],
  },
  {
    title: 'Import from a URL into several stores and watch each store until it is done:',
    commands: ['image-create-via-import'],
    lines: [
      'tsglance image-create-via-import --name rhel9 --disk-format qcow2 --container-format bare \\',
      '    --import-method web-download --uri https://example.com/rhel9.qcow2 \\',
      '    --stores central,dcn0,dcn1 --allow-failure false --wait',
    ],
  },
  {
    title: 'Watch an import already under way:',
    commands: ['image-watch'],
    lines: ['tsglance image-watch rhel9'],
  },
  {
    title: 'Copy an active image to every store:',
    commands: ['image-import'],
    lines: ['tsglance image-import rhel9 --import-method copy-image --all-stores true'],
  },
  {
    title: 'Pre-cache an image on every controller, then check each node:',
    commands: ['glance-cache-manage queue-image', 'glance-cache-manage list-cached'],
    lines: [
      'tsglance glance-cache-manage -H ctrl0 -H ctrl1 -H ctrl2 queue-image rhel9',
      'tsglance glance-cache-manage -H ctrl0 -H ctrl1 -H ctrl2 list-cached',
    ],
  },
  {
    title: 'Hide an old image from image lists (it still boots by ID):',
    commands: ['image-update'],
    lines: ['tsglance image-update --hidden True rhel9-old'],
  },
  {
    title: 'Machine-readable output:',
    commands: ['image-list'],
    lines: ['tsglance image-list -f value -c id --tag golden', "tsglance image-show cirros -f json | jq -r .status"],
  },
];

export function shownWorkflows(root: CommandModel): typeof WORKFLOWS {
  const names = new Set(allCommands(root).map((c) => c.path.join(' ')));
  return WORKFLOWS.filter((w) => w.commands.every((c) => names.has(c)));
}

export function manPage(root: CommandModel): string {
  const commands = allCommands(root);
  const globals = offeredOptions(root);
  const out: string[] = [
    `.\\" Generated by \`tsglance __manpage\` from the command tree; do not edit.`,
    `.TH TSGLANCE 1 "" "tsglance ${VERSION}" "User Commands"`,
    '.SH NAME',
    `tsglance \\- ${roff('command-line client for the OpenStack Image service (Glance), compatible with python-glanceclient')}`,
    '.SH SYNOPSIS',
    `${b('tsglance')} [${i('global-options')}] ${i('command')} [${i('options')}] [${i('arguments')}]`,
    '.br',
    `${b('tsglance help')} [${i('command')}]`,
    '.br',
    `${b('tsglance completion')} ${b('bash')}|${b('zsh')}|${b('fish')}`,
    '.SH DESCRIPTION',
    roff(
      'tsglance manages images in OpenStack Glance with python-glanceclient\'s v2 command names, options and tables, ' +
        'plus the legacy glance-cache-manage tool. It authenticates once per run against Keystone v3 (reusing a cached ' +
        'token when it can), takes the image endpoint from the token\'s catalog, and prints tables, or JSON, YAML or bare ' +
        'values with -f. Every image argument takes a name or an ID.',
    ),
    '.PP',
    roff('Global options may be given before the command or after it. Data goes to standard output; messages, progress and errors go to standard error.'),
    '.SH GLOBAL OPTIONS',
    ...optionList(globals),
    '.SH COMMANDS',
    ...commands.flatMap(commandSection),
    ...environment(root),
    '.SH FILES',
    '.TP',
    i('./clouds.yaml'),
    '.PD 0',
    '.TP',
    i('$XDG_CONFIG_HOME/openstack/clouds.yaml'),
    '.TP',
    i('~/.config/openstack/clouds.yaml'),
    '.TP',
    i('/etc/xdg/openstack/clouds.yaml'),
    '.TP',
    i('/etc/openstack/clouds.yaml'),
    '.PD',
    roff(
      'Cloud definitions for OS_CLOUD and --os-cloud, looked up in this order (the first that exists wins; .yml and .json are ' +
        'accepted too), unless OS_CLIENT_CONFIG_FILE names one. secure.yaml in the same places is merged over it (passwords).',
    ),
    '.TP',
    i('$XDG_CACHE_HOME/tsglance/'),
    roff(
      'The token cache: Keystone tokens (never passwords) kept between runs, in the OS keychain (Secret Service, macOS ' +
        'Keychain, Windows Credential Manager) when one is available, else in a file here readable only by you. ' +
        'Each token is kept with a salted scrypt hash of the password or application credential secret that obtained it ' +
        '(never the secret itself): a run with another secret does not use it and asks Keystone, so a wrong or changed ' +
        'password gets Keystone\'s answer. --no-token-cache or OS_NO_CACHE=1 turns it off.',
    ),
    '.TP',
    i('$XDG_CACHE_HOME/tsglance/compile-cache/'),
    roff('V8\'s compiled code of tsglance itself, kept between runs so that a command starts faster. Safe to delete.'),
    '.TP',
    i('$XDG_CACHE_HOME/tsglance/complete/'),
    roff(
      `Live completion values (image names and IDs, store ids, import methods), kept ${CACHE_TTL_S} seconds so that TAB answers at once.`,
    ),
    '.TP',
    i('completions/tsglance.bash, completions/_tsglance, completions/tsglance.fish'),
    roff(
      'In the package: bash, zsh and fish completion. Copy them to ~/.local/share/bash-completion/completions/tsglance, to a ' +
        'directory of $fpath as _tsglance and to ~/.config/fish/completions/tsglance.fish, or load them with ' +
        'source <(tsglance completion bash|zsh) or tsglance completion fish | source.',
    ),
    '.SH EXIT STATUS',
    ...Object.entries(ExitCode)
      .sort((x, y) => x[1] - y[1])
      .flatMap(([name, code]) => ['.TP', b(String(code)), roff(EXIT_MEANINGS[name] ?? name)]),
    '.SH EXAMPLES',
    roff('With the usual OpenStack variables set (an openrc file) or OS_CLOUD naming a clouds.yaml entry:'),
    ...shownWorkflows(root).flatMap((w) => ['.PP', roff(w.title), ...example(w.lines)]),
    '.SH SEE ALSO',
    `${b('glance')}(1), ${b('openstack')}(1), ${b('glance-cache-manage')}(1), ${b('bash')}(1), ${b('zsh')}(1), ${b('fish')}(1)`,
    '.PP',
    roff('https://docs.openstack.org/glance/latest/ and https://docs.openstack.org/python-glanceclient/latest/'),
  ];
  return out.join('\n') + '\n';
}
