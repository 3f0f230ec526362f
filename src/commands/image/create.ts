import { UsageError } from '../../errors.js';
import { defineCommand } from '../types.js';
import { CREATE_OPTIONS, KEEP_ON_FAILURE_OPTION, parseImageFields, type ImageFields } from './create-options.js';

export interface ImageCreateOptions {
  parsed: ImageFields;
  file?: string;
  size?: number;
  progress?: boolean;
  store?: string;
  keepOnFailure: boolean;
}

export const imageCreate = defineCommand<ImageCreateOptions>({
  name: 'image-create',
  summary: 'Create a new image.',
  description:
    'Image data comes from --file PATH, --file - (stdin), or a pipe/redirect on stdin; a terminal, /dev/null or a closed\n' +
    'stdin is never read. If the upload fails or is interrupted, the new record is deleted (--keep-on-failure keeps it).\n' +
    'A pipe that ends before any byte (a failed `curl -f ... |`) is an error with --size or --progress (exit 1,\n' +
    'no image is created); otherwise the record is created without data and a warning says so, as it does for\n' +
    '/dev/null when --disk-format/--container-format were given. --progress without --file or stdin data is exit 2.',
  options: [...CREATE_OPTIONS, KEEP_ON_FAILURE_OPTION],
  examples: [
    'tsglance image-create --name cirros --disk-format qcow2 --container-format bare --file cirros.img --progress',
    'curl -sL https://example.org/img.qcow2 | tsglance image-create --name img --disk-format qcow2 --container-format bare --size 21430272',
    'tsglance image-create --name x --disk-format raw --container-format bare --file x.raw --tags golden linux --property os_distro=cirros',
  ],
  parse({ flags }) {
    return {
      parsed: parseImageFields(flags, 'create'),
      file: flags.file as string | undefined,
      size: flags.size as number | undefined,
      progress: flags.progress as boolean | undefined,
      store: (flags.store as string | undefined) || undefined,
      keepOnFailure: !!flags.keepOnFailure,
    };
  },
  async run(opts, deps) {
    const { checkEmptyStdin, resolveDataSource, writerWaitSeconds } = await import('./data-source.js');
    const { checkDataRules, createBody } = await import('./create-options.js');
    for (const n of opts.parsed.notices) deps.warn(n);
    const data = await resolveDataSource({ file: opts.file, size: opts.size, writerWaitS: writerWaitSeconds(deps.globals, deps.env), signal: deps.signal }, deps.io);
    const emptyStdin = checkEmptyStdin({ file: opts.file, size: opts.size, progress: opts.progress, fields: opts.parsed.fields }, data, deps.io);
    if (opts.store && !data) throw new UsageError('--store option should only be provided with --file option or stdin.');
    if (opts.progress && !data) throw new UsageError('--progress option should only be provided with --file option or stdin.');
    checkDataRules(opts.parsed, data, opts.size);

    const client = await deps.glance();
    const body = await createBody(client, opts.parsed, deps);
    const { printImage } = await import('../../output/image-view.js');
    if (opts.store) {
      const { validateStore } = await import('./transfer.js');
      await validateStore(client, opts.store);
    }

    const { createImageRecord } = await import('./transfer.js');
    const created = await createImageRecord(client, body, deps);
    if (!data) {
      await printImage(deps.output, created);
      emptyStdin.warnCreated(created, deps.warn);
      return;
    }
    const { transferData, cleanupAfterFailedUpload } = await import('./transfer.js');
    try {
      await transferData(client, created.id, data, { target: 'file', store: opts.store, progress: opts.progress }, deps);
    } catch (err) {
      const failure = await cleanupAfterFailedUpload(client, created.id, err, {
        keep: opts.keepOnFailure,
        interrupted: deps.signal.aborted,
      });
      if (opts.keepOnFailure) await printImage(deps.output, created).catch(() => undefined);
      throw failure;
    }
    const { getImage } = await import('../../glance/images.js');
    const uploaded = await getImage(client, created.id);
    await printImage(deps.output, uploaded);
    emptyStdin.warnCreated(uploaded, deps.warn);
  },
});
