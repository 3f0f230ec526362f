/**
 * Every v2 command of python-glanceclient 4.11 (66, reference §1.1) must exist in tsglance under
 * the same name. Walks the commander tree built from COMMANDS.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';

export const GLANCECLIENT_V2_COMMANDS = [
  'image-create', 'image-create-via-import', 'image-update', 'image-list', 'image-show', 'image-tasks',
  'image-download', 'image-upload', 'image-stage', 'image-import', 'image-delete', 'image-deactivate',
  'image-reactivate', 'image-tag-update', 'image-tag-delete',
  'location-add', 'location-delete', 'location-update', 'add-location',
  'member-list', 'member-get', 'member-create', 'member-update', 'member-delete',
  'import-info', 'stores-info', 'stores-delete', 'usage', 'explain',
  'task-list', 'task-show', 'task-create',
  'cache-list', 'cache-queue', 'cache-delete', 'cache-clear',
  'md-namespace-create', 'md-namespace-import', 'md-namespace-update', 'md-namespace-show', 'md-namespace-list',
  'md-namespace-delete', 'md-namespace-properties-delete', 'md-namespace-objects-delete', 'md-namespace-tags-delete',
  'md-namespace-resource-type-list', 'md-resource-type-associate', 'md-resource-type-deassociate', 'md-resource-type-list',
  'md-property-create', 'md-property-update', 'md-property-show', 'md-property-delete', 'md-property-list',
  'md-object-create', 'md-object-update', 'md-object-show', 'md-object-property-show', 'md-object-delete', 'md-object-list',
  'md-tag-create', 'md-tag-create-multiple', 'md-tag-update', 'md-tag-show', 'md-tag-delete', 'md-tag-list',
] as const;

describe("glanceclient's v2 command surface", () => {
  it('the reference list has the 66 commands', () => {
    expect(new Set(GLANCECLIENT_V2_COMMANDS).size).toBe(66);
  });

  it('every glanceclient v2 command name is a tsglance command', () => {
    const program = buildProgram(COMMANDS);
    const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
    const missing = GLANCECLIENT_V2_COMMANDS.filter((n) => !names.has(n));
    expect(missing, `missing: ${missing.join(', ')}`).toEqual([]);
  });

  it('the commands this issue adds declare their arguments in code, with help text', () => {
    const mine = COMMANDS.filter((c) => /^(md-|member-|location-|task-|add-location$|usage$|explain$)/.test(c.name));
    expect(mine).toHaveLength(30 + 5 + 4 + 1 + 3 + 2);
    for (const c of mine) {
      expect(c.summary, c.name).not.toBe('');
      for (const o of c.options ?? []) expect(o.description, `${c.name} ${o.flags}`).not.toBe('');
    }
  });
});
