/**
 * The committed completion scripts and man page are exactly what the built tree generates
 * (`npm run build` regenerates them), and the model they come from covers every command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { allCommands, buildModel } from '../src/completion/model.js';
import { ROOT, tsglance } from './helpers/run.js';

describe('committed copies are current (run `npm run build` when this fails)', () => {
  for (const [args, file] of [
    [['completion', 'bash'], 'completions/tsglance.bash'],
    [['completion', 'zsh'], 'completions/_tsglance'],
    [['__manpage'], 'man/tsglance.1'],
  ] as const) {
    test(file, async () => {
      const r = await tsglance([...args], { as: 'none' });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(readFileSync(join(ROOT, file), 'utf8') === r.stdout, `${file} is stale: run npm run build`).toBe(true);
    });
  }
});

describe('the model comes from the command tree', () => {
  const model = buildModel(COMMANDS);
  const paths = allCommands(model).map((c) => c.path.join(' '));
  const bash = readFileSync(join(ROOT, 'completions/tsglance.bash'), 'utf8');

  test('every visible command is in it, internal ones are not', () => {
    for (const def of COMMANDS) {
      if (def.hidden) expect(paths).not.toContain(def.name);
      else expect(paths).toContain(def.name);
    }
  });

  test('every command and every option a command accepts is completed by the bash script', () => {
    for (const c of allCommands(model)) {
      expect(bash).toContain(`'${c.path.join(' ')}')`);
      for (const o of c.options.filter((x) => !x.hidden && x.long)) {
        const node = bash.split('\n').find((l) => l.startsWith(`    '${c.path.join(' ')}')`))!;
        expect(node.includes(o.long!) || (o.global && node.includes('$__tsglance_g')), `${c.path.join(' ')} ${o.long}`).toBe(true);
      }
    }
  });

  test('declared choices and completions become the values offered', () => {
    const withValues = allCommands(model).flatMap((c) => c.options.filter((o) => o.def?.choices?.length && o.arg !== 'none'));
    expect(withValues.length).toBeGreaterThan(0);
    for (const o of withValues) {
      if (o.value.kind === 'values') expect(o.value.values).toEqual(expect.arrayContaining([...(o.def!.complete && typeof o.def!.complete === 'object' ? o.def!.complete.values : o.def!.choices!)]));
    }
    const imageArgs = allCommands(model).filter((c) => c.def?.args?.some((a) => a.complete === 'images'));
    expect(imageArgs.length).toBeGreaterThan(0);
    for (const c of imageArgs) expect(c.args.some((a) => a.value.kind === 'live' && a.value.live === 'images')).toBe(true);
  });
});
