import { UsageError } from '../../errors.js';
import { defineCommand, type Deps } from '../types.js';
import { progressOptions } from './create-options.js';

export interface ImageUploadOptions {
  image: string;
  file?: string;
  size?: number;
  /** undefined: on at a terminal (see progressOptions) */
  progress?: boolean;
  store?: string;
}

const FILE_OPTION = {
  flags: '--file <FILE>',
  description:
    "Local file that contains disk image to be uploaded ('-' for stdin). Alternatively, images can be passed via a pipe or redirect on stdin.",
  complete: 'files' as const,
};
const SIZE_OPTION = {
  flags: '--size <IMAGE_SIZE>',
  description:
    'Size in bytes of image to be uploaded. Default is to get size from provided data object but this is supported in case where size cannot be inferred.',
  type: 'int' as const,
};

async function run(target: 'file' | 'stage', opts: ImageUploadOptions, deps: Deps): Promise<void> {
  const { resolveDataSource, describeNoData, writerWaitSeconds } = await import('./data-source.js');
  const data = await resolveDataSource({ file: opts.file, size: opts.size, writerWaitS: writerWaitSeconds(deps.globals, deps.env), signal: deps.signal }, deps.io);
  if (!data) {
    throw new UsageError(`No image data: give --file PATH, or pipe or redirect the data on stdin (${describeNoData(deps.io)})`);
  }
  const client = await deps.glance();
  const { validateStore, transferData } = await import('./transfer.js');
  if (opts.store) await validateStore(client, opts.store);
  const { resolveImageId } = await import('../../glance/images.js');
  const id = await resolveImageId(client, opts.image);
  try {
    await transferData(client, id, data, { target, store: opts.store, progress: opts.progress }, deps);
  } catch (err) {
    if (deps.signal.aborted) {
      const { InterruptedError } = await import('../../errors.js');
      throw new InterruptedError(`${target === 'stage' ? 'Staging' : 'Upload'} interrupted; Glance puts image ${id} back to its previous state`);
    }
    throw err;
  }
}

function parseUpload({ args, flags }: { args: unknown[]; flags: Record<string, unknown> }): ImageUploadOptions {
  return {
    image: args[0] as string,
    file: flags.file as string | undefined,
    size: flags.size as number | undefined,
    progress: flags.progress as boolean | undefined,
    store: (flags.store as string | undefined) || undefined,
  };
}

export const imageUpload = defineCommand<ImageUploadOptions>({
  name: 'image-upload',
  summary: 'Upload data for a specific image.',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image to upload data to.', complete: 'images' }],
  options: [
    FILE_OPTION,
    SIZE_OPTION,
    ...progressOptions('upload'),
    { flags: '--store <STORE>', description: 'Backend store to upload image to.', env: 'OS_IMAGE_STORE', complete: 'stores' },
  ],
  examples: ['tsglance image-upload myimage --file disk.qcow2 --progress', 'xz -dc disk.raw.xz | tsglance image-upload myimage --size 2147483648'],
  parse: parseUpload,
  run: (opts, deps) => run('file', opts, deps),
});

export const imageStage = defineCommand<ImageUploadOptions>({
  name: 'image-stage',
  summary: 'Upload data for a specific image to staging.',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image to upload data to.', complete: 'images' }],
  options: [FILE_OPTION, SIZE_OPTION, ...progressOptions('upload')],
  examples: ['tsglance image-stage myimage --file disk.qcow2 --progress && tsglance image-import myimage'],
  parse: parseUpload,
  run: (opts, deps) => run('stage', opts, deps),
});
