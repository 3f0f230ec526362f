/**
 * image-create-via-import: create → (stage, with progress) → import → follow, with glanceclient's
 * options and rules (do_image_create_via_import). Every rule that needs no server is checked
 * first, then the two GETs (/v2/info/stores, /v2/info/import), and only then is the image created.
 */
import { UsageError } from '../../errors.js';
import { getImage } from '../../glance/images.js';
import { startImport, targetStores, type ImportRequest } from '../../glance/import.js';
import type { StoreInfo } from '../../glance/info.js';
import { printImage } from '../../output/image-view.js';
import { DATA_OPTIONS, imageFieldOptions, KEEP_ON_FAILURE_OPTION, parseImageFields, type ImageFields } from '../image/create-options.js';
import type { DataSource } from '../image/data-source.js';
import { defineCommand } from '../types.js';
import { checkServerSide, createImportRequest, importFlags, importMethodOption, IMPORT_TARGET_OPTIONS, type ImportFlags } from './rules.js';
import { DEFAULT_STALL_SECONDS, parseWatchFlags, shouldWatch, watchImport, WATCH_OPTIONS, type WatchFlags } from './watch-loop.js';

export interface CreateViaImportOptions {
  parsed: ImageFields;
  importFlags: ImportFlags;
  file?: string;
  size?: number;
  progress?: boolean;
  keepOnFailure: boolean;
  watch: WatchFlags;
}

/** Methods whose data is not read from --file or stdin. */
const REMOTE_METHODS = ['web-download', 'glance-download', 'copy-image'];

export const imageCreateViaImport = defineCommand<CreateViaImportOptions>({
  name: 'image-create-via-import',
  summary: 'Create a new image via image import, and follow the import to the end.',
  description:
    'glance-direct (inferred from --file or data on stdin) stages the data then imports it; web-download needs --uri;\n' +
    'glance-download needs --remote-region and --remote-image-id. Without a method or data, a queued record is created\n' +
    '(with a warning when stdin was an empty pipe; with --size or --progress that is exit 1 and nothing is created).\n' +
    'On a terminal the import is followed with a live per-store view (--wait elsewhere, --no-wait to return at once).\n' +
    'Exit status: 0 every store succeeded, 1 the import failed (or nothing is left to wait for), 3 active but some stores\n' +
    'failed (--allow-failure true), 124 --watch-timeout ran out or nothing changed for --stall-timeout (default\n' +
    `${DEFAULT_STALL_SECONDS} s; the import goes on, resume with image-watch), 130 interrupted.`,
  options: [
    ...imageFieldOptions('create'),
    ...DATA_OPTIONS.filter((o) => !o.flags.startsWith('--store ')),
    importMethodOption(),
    ...IMPORT_TARGET_OPTIONS,
    ...WATCH_OPTIONS,
    KEEP_ON_FAILURE_OPTION,
  ],
  examples: [
    'tsglance image-create-via-import --name cirros --disk-format qcow2 --container-format bare --file cirros.qcow2 --stores dcn0,dcn1',
    'tsglance image-create-via-import --name cirros --disk-format qcow2 --container-format bare --import-method web-download --uri https://example.org/cirros.qcow2 --all-stores true --allow-failure false',
  ],
  parse({ flags }) {
    return {
      parsed: parseImageFields(flags, 'create'),
      importFlags: importFlags(flags),
      file: (flags.file as string | undefined) ?? undefined,
      size: flags.size as number | undefined,
      progress: flags.progress as boolean | undefined,
      keepOnFailure: !!flags.keepOnFailure,
      watch: parseWatchFlags(flags),
    };
  },
  async run(opts, deps) {
    const { checkEmptyStdin, resolveDataSource, writerWaitSeconds } = await import('../image/data-source.js');
    const { checkDataRules, createBody, requireFormatsForData } = await import('../image/create-options.js');
    for (const n of opts.parsed.notices) deps.warn(n);

    // stdin is never probed for a method that takes no data (an idle pipe must not hang the command)
    const method = opts.importFlags.importMethod;
    const readsStdin = !(method && REMOTE_METHODS.includes(method));
    let data: DataSource | undefined;
    if (readsStdin || (opts.file !== undefined && opts.file !== '-')) {
      data = await resolveDataSource({ file: opts.file, size: opts.size, writerWaitS: writerWaitSeconds(deps.globals, deps.env), signal: deps.signal }, deps.io);
    } else if (opts.file === '-') {
      throw new UsageError(`You cannot pass data via stdin with the ${method} import method.`);
    }
    const emptyStdin = readsStdin
      ? checkEmptyStdin({ file: opts.file, size: opts.size, progress: opts.progress, fields: opts.parsed.fields }, data, deps.io)
      : undefined;
    const request: ImportRequest | undefined = createImportRequest(opts.importFlags, {
      file: data?.kind === 'file' ? data.name : undefined,
      stdin: data?.kind === 'stdin',
    });
    checkDataRules(opts.parsed, data, opts.size);
    // Glance refuses to import an image without both formats (409): say so before creating it
    if (request?.method === 'web-download') requireFormatsForData(opts.parsed.fields, '--uri');
    else if (request && request.method !== 'glance-direct') {
      requireFormatsForData(opts.parsed.fields, `--import-method ${request.method}`);
    }

    const client = await deps.glance();
    const body = await createBody(client, opts.parsed, deps);
    let available: StoreInfo[] | undefined;
    if (request) available = await checkServerSide(client, request);

    const { createImageRecord } = await import('../image/transfer.js');
    const created = await createImageRecord(client, body, deps);
    if (!request) {
      await printImage(deps.output, created);
      emptyStdin?.warnCreated(created, deps.warn);
      return;
    }
    const watching = shouldWatch(opts.watch, deps);
    const { transferData, cleanupAfterFailedUpload } = await import('../image/transfer.js');
    let step = 'Staging';
    try {
      if (data) {
        await transferData(client, created.id, data, { target: 'stage', progress: opts.progress ?? (watching || undefined) }, deps);
      }
      step = 'Import request';
      await startImport(client, created.id, request);
    } catch (err) {
      const failure = await cleanupAfterFailedUpload(client, created.id, err, {
        keep: opts.keepOnFailure,
        interrupted: deps.signal.aborted,
        what: step,
      });
      if (opts.keepOnFailure) await printImage(deps.output, await getImage(client, created.id).catch(() => created));
      throw failure;
    }
    const after = await getImage(client, created.id);
    if (!watching) {
      await printImage(deps.output, after);
      return;
    }
    return watchImport(deps, client, {
      imageId: created.id,
      stores: targetStores(request, available, after),
      taskId: after.os_glance_import_task,
      timeoutSeconds: opts.watch.watchTimeout,
      stallSeconds: opts.watch.stallTimeout,
      createdByCommand: true,
    });
  },
});
