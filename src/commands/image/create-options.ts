/**
 * The image-create option set (shared with image-create-via-import) and the code that turns the
 * parsed flags into the POST /v2/images body, validated against the server's image schema before
 * any image request.
 *
 * `--tags`: like glanceclient, `--tags a b c` takes several values (until the next option); it may
 * also be repeated (`--tags a --tags b`). Values are taken literally — `--tags a,b` is ONE tag "a,b",
 * as in glanceclient — and duplicates are dropped. Because the values run until the next option, put
 * `--tags` last or follow it by another option.
 *
 * Old-guide options: `--is-public True|False` maps to `--visibility public|private` and
 * `--is-protected` to `--protected`, each with a one-line notice on stderr naming the new option.
 */
import { UsageError } from '../../errors.js';
import { checkEnum, readOnlyProperties, type JsonSchema } from '../../glance/schema.js';
import type { GlanceClient } from '../../glance/client.js';
import type { Deps, OptionDef } from '../types.js';
import type { DataSource } from './data-source.js';
import { parseBool } from '../../auth/settings.js';

/** Values TAB offers (glanceclient's built-in schema); the server's schema decides validity. */
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] as const;
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker'] as const;
export const IMAGE_VISIBILITIES = ['public', 'private', 'community', 'shared'] as const;

interface SchemaOption {
  key: string;
  def: OptionDef;
  /** left out of image-update (glanceclient omits id and tags there) */
  createOnly?: boolean;
}

/** glanceclient's schema-generated options, in its help order. */
const SCHEMA_OPTIONS: SchemaOption[] = [
  {
    key: 'architecture',
    def: {
      flags: '--architecture <ARCHITECTURE>',
      description:
        'Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
    },
  },
  { key: 'protected', def: { flags: '--protected [True|False]', description: 'If true, image will not be deletable.', type: 'bool' } },
  { key: 'name', def: { flags: '--name <NAME>', description: 'Descriptive name for the image' } },
  {
    key: 'instance_uuid',
    def: {
      flags: '--instance-uuid <INSTANCE_UUID>',
      description:
        'Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)',
    },
  },
  {
    key: 'min_disk',
    def: { flags: '--min-disk <MIN_DISK>', description: 'Amount of disk space (in GB) required to boot image.', type: 'int' },
  },
  {
    key: 'visibility',
    def: {
      flags: '--visibility <VISIBILITY>',
      description: 'Scope of image accessibility Valid values: public, private, community, shared',
      complete: { values: IMAGE_VISIBILITIES },
    },
  },
  {
    key: 'kernel_id',
    def: {
      flags: '--kernel-id <KERNEL_ID>',
      description: 'ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.',
      complete: 'images',
    },
  },
  {
    key: 'tags',
    createOnly: true,
    def: {
      flags: '--tags <TAGS...>',
      description: 'List of strings related to the image (several values, or repeat the option; a comma is part of a tag)',
      repeatable: true,
    },
  },
  { key: 'os_version', def: { flags: '--os-version <OS_VERSION>', description: 'Operating system version as specified by the distributor' } },
  {
    key: 'disk_format',
    def: {
      flags: '--disk-format <DISK_FORMAT>',
      description: `Format of the disk Valid values: None, ${DISK_FORMATS.join(', ')}`,
      complete: { values: DISK_FORMATS },
    },
  },
  {
    key: 'os_distro',
    def: {
      flags: '--os-distro <OS_DISTRO>',
      description:
        'Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html',
    },
  },
  { key: 'id', createOnly: true, def: { flags: '--id <ID>', description: 'An identifier for the image' } },
  { key: 'owner', def: { flags: '--owner <OWNER>', description: 'Owner of the image' } },
  {
    key: 'ramdisk_id',
    def: {
      flags: '--ramdisk-id <RAMDISK_ID>',
      description: 'ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.',
      complete: 'images',
    },
  },
  { key: 'min_ram', def: { flags: '--min-ram <MIN_RAM>', description: 'Amount of ram (in MB) required to boot image.', type: 'int' } },
  {
    key: 'container_format',
    def: {
      flags: '--container-format <CONTAINER_FORMAT>',
      description: `Format of the container Valid values: None, ${CONTAINER_FORMATS.join(', ')}`,
      complete: { values: CONTAINER_FORMATS },
    },
  },
];

const HIDDEN_OPTION: OptionDef = {
  flags: '--hidden [True|False]',
  description: 'If true, image will not appear in default image list response.',
  type: 'bool',
};
const PROPERTY_OPTION: OptionDef = {
  flags: '--property <key=value>',
  description: 'Arbitrary property to associate with image. May be used multiple times.',
  repeatable: true,
};
const LEGACY_OPTIONS: OptionDef[] = [
  { flags: '--is-public <True|False>', description: 'Old-guide spelling of --visibility public|private.', hidden: true },
  { flags: '--is-protected <True|False>', description: 'Old-guide spelling of --protected.', hidden: true },
];

/** Data options of image-create (and image-create-via-import). */
export const DATA_OPTIONS: OptionDef[] = [
  {
    flags: '--file <FILE>',
    description:
      "Local file that contains disk image to be uploaded during creation ('-' for stdin). Alternatively, the image data can be passed via a pipe or redirect on stdin.",
    complete: 'files',
  },
  {
    flags: '--size <IMAGE_SIZE>',
    description: 'Size in bytes of the image data; needed to show percent and ETA for a pipe, checked against the data.',
    type: 'int',
  },
  ...progressOptions('upload'),
  { flags: '--store <STORE>', description: 'Backend store to upload image to.', env: 'OS_IMAGE_STORE', complete: 'stores' },
];

export const KEEP_ON_FAILURE_OPTION: OptionDef = {
  flags: '--keep-on-failure',
  description: 'Keep the image record when the upload fails or is interrupted (default: delete it).',
};

/**
 * --progress / --no-progress: a transfer shows its progress on stderr at a terminal by default;
 * --progress shows it elsewhere too (a line every few seconds), --no-progress nowhere.
 */
export function progressOptions(what: 'upload' | 'download'): OptionDef[] {
  return [
    { flags: '--progress', description: `Show ${what} progress (bytes, rate, ETA) on stderr, also off a terminal.` },
    { flags: '--no-progress', description: `No ${what} progress, not even at a terminal (where it is on by default).` },
  ];
}

/** Schema options + --hidden + --property + old-guide aliases, for create or update. */
export function imageFieldOptions(mode: 'create' | 'update'): OptionDef[] {
  const schema = SCHEMA_OPTIONS.filter((o) => mode === 'create' || !o.createOnly).map((o) => o.def);
  const extra: OptionDef[] = [HIDDEN_OPTION, PROPERTY_OPTION];
  if (mode === 'update') {
    extra.push({ flags: '--remove-property <key>', description: 'Name of arbitrary property to remove from the image.', repeatable: true });
  }
  return [...schema, ...extra, ...LEGACY_OPTIONS];
}

/** The full image-create option list. */
export const CREATE_OPTIONS: OptionDef[] = [...imageFieldOptions('create'), ...DATA_OPTIONS];

/** commander attribute name (camelCase) for a schema key. */
const attr = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export interface ImageFields {
  /** schema attributes, os_hidden and --property values, in the order they will be sent */
  fields: Record<string, unknown>;
  /** keys that came from --property (named so in error messages) */
  propertyKeys?: string[];
  /** --remove-property keys (update only) */
  remove: string[];
  /** one line per old-guide option used */
  notices: string[];
}

function legacyBool(value: unknown, flag: string): boolean {
  try {
    return parseBool(String(value), flag);
  } catch {
    throw new UsageError(`${flag}: '${String(value)}' is not True or False`);
  }
}

/**
 * Flags → fields, with the checks that need no server: KEY=VALUE syntax, old-guide aliases and
 * their conflicts. Throws UsageError.
 */
export function parseImageFields(flags: Record<string, unknown>, mode: 'create' | 'update'): ImageFields {
  const fields: Record<string, unknown> = {};
  const notices: string[] = [];
  for (const o of SCHEMA_OPTIONS) {
    if (mode === 'update' && o.createOnly) continue;
    const v = flags[attr(o.key)];
    if (v === undefined || v === null) continue;
    if (o.key === 'tags') {
      const tags = [...new Set(v as string[])];
      for (const t of tags) if (t === '') throw new UsageError('--tags: empty tag');
      fields.tags = tags;
    } else {
      fields[o.key] = v;
    }
  }
  if (flags.isPublic !== undefined) {
    if (fields.visibility !== undefined) throw new UsageError('--is-public cannot be combined with --visibility');
    fields.visibility = legacyBool(flags.isPublic, '--is-public') ? 'public' : 'private';
    notices.push(`--is-public is an old option: use --visibility ${fields.visibility as string}`);
  }
  if (flags.isProtected !== undefined) {
    if (fields.protected !== undefined) throw new UsageError('--is-protected cannot be combined with --protected');
    fields.protected = legacyBool(flags.isProtected, '--is-protected');
    notices.push(`--is-protected is an old option: use --protected ${fields.protected ? 'True' : 'False'}`);
  }
  if (flags.hidden !== undefined) fields.os_hidden = flags.hidden;
  const propertyKeys: string[] = [];
  for (const p of (flags.property as string[] | undefined) ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--property: expected KEY=VALUE, not '${p}'`);
    fields[p.slice(0, i)] = p.slice(i + 1);
    propertyKeys.push(p.slice(0, i));
  }
  const remove = [...new Set((flags.removeProperty as string[] | undefined) ?? [])];
  for (const key of remove) {
    if (!key) throw new UsageError('--remove-property: empty key');
    if (key in fields) throw new UsageError(`--remove-property ${key}: the same key is also being set`);
  }
  return { fields, propertyKeys, remove, notices };
}

/**
 * Check fields against the server's image schema: enum values (disk_format, container_format,
 * visibility, ...) and read-only attributes. Throws UsageError naming the option.
 */
export function validateImageFields(fields: Record<string, unknown>, schema: JsonSchema, propertyKeys: string[] = []): void {
  const readOnly = new Set(readOnlyProperties(schema));
  for (const key of Object.keys(fields)) {
    if (readOnly.has(key) || key === 'size') {
      throw new UsageError(
        key === 'size'
          ? "--property size: the size is set by the upload; use --size to give the data's size"
          : `--property ${key}: '${key}' is read-only (set by Glance)`,
      );
    }
  }
  for (const [key, value] of Object.entries(fields)) {
    if (schema.properties?.[key]?.enum || schema.properties?.[key]?.items?.enum) {
      const viaProperty = propertyKeys.includes(key) || !SCHEMA_OPTIONS.some((o) => o.key === key);
      checkEnum(schema, key, value, viaProperty ? `--property ${key}` : undefined);
    }
  }
}

/** The POST /v2/images body from parsed fields, validated against the schema. */
export function buildCreateBody(parsed: ImageFields, schema: JsonSchema): Record<string, unknown> {
  validateImageFields(parsed.fields, schema, parsed.propertyKeys);
  return { ...parsed.fields };
}

/**
 * glanceclient's on_data_require_fields: data (or a source Glance fetches it from) needs both
 * formats. `via` names where it comes from: --file, stdin, --uri, or an import method.
 */
export function requireFormatsForData(fields: Record<string, unknown>, via: string): void {
  const missing = ['container_format', 'disk_format'].filter((k) => fields[k] === undefined || fields[k] === null);
  if (missing.length) {
    const names = missing.map((k) => `--${k.replace(/_/g, '-')}`).join(', ');
    const hint = via === 'stdin' ? " (a pipe or file on stdin is image data; redirect stdin from /dev/null to create a record without data)" : '';
    throw new UsageError(`Must provide ${names} when using ${via}.${hint}`);
  }
}

/**
 * What image-create and image-create-via-import check once they know whether there is image
 * data, before any request: --size needs data, data needs both formats.
 */
export function checkDataRules(parsed: ImageFields, data: DataSource | undefined, size: number | undefined): void {
  if (size !== undefined && !data) throw new UsageError('--size option should only be provided with --file option or stdin.');
  if (data) requireFormatsForData(parsed.fields, data.kind === 'file' ? '--file' : 'stdin');
}

/** The POST /v2/images body, validated against the server's image schema (cached on disk). */
export async function createBody(client: GlanceClient, parsed: ImageFields, deps: Pick<Deps, 'env' | 'debug'>): Promise<Record<string, unknown>> {
  const { getSchema } = await import('../../glance/schema.js');
  return buildCreateBody(parsed, await getSchema(client, 'image', { env: deps.env, debug: deps.debug }));
}
