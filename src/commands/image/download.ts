/**
 * image-download: streamed, verified, and never a corrupt file under the target name.
 * With --file the data goes to a temporary file beside the target (same directory, so the final
 * rename is atomic), is hashed on the way, and is renamed into place only when the hash matches.
 * On mismatch, truncation, error or Ctrl-C the temporary file is removed and the target is
 * untouched.
 */
import { CliError, InterruptedError, UsageError } from '../../errors.js';
import type { Writable } from 'node:stream';
import { defineCommand } from '../types.js';

export interface ImageDownloadOptions {
  image: string;
  file?: string;
  progress: boolean;
  allowMd5Fallback: boolean;
  prefer?: string[];
}

export const imageDownload = defineCommand<ImageDownloadOptions>({
  name: 'image-download',
  summary: 'Download a specific image.',
  description:
    'The data is verified with os_hash_value/os_hash_algo (MD5 checksum only when the image has no os_hash, or with\n' +
    '--allow-md5-fallback when the hash algorithm is unavailable). With --file, the data is written to a temporary file\n' +
    'beside FILE and renamed into place only once verified; binary data is never written to a terminal.',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image to download.', complete: 'images' }],
  options: [
    {
      flags: '--allow-md5-fallback',
      description:
        'If the os_hash_algo of the image is not available on the client, verify the data with the legacy MD5 checksum.',
      env: 'OS_IMAGE_ALLOW_MD5_FALLBACK',
    },
    {
      flags: '--file <FILE>',
      description: "Local file to save downloaded image data to ('-' for stdout). Without it, stdout must be redirected.",
      complete: 'files',
    },
    { flags: '--progress', description: 'Show download progress (bytes, rate, ETA) on stderr.' },
    { flags: '--prefer <STORES>', description: 'Comma-separated stores to download from first.', complete: 'stores' },
  ],
  examples: ['tsglance image-download cirros --file cirros.img --progress', 'tsglance image-download cirros | qemu-img info /dev/stdin'],
  parse({ args, flags }) {
    const prefer = flags.prefer === undefined ? undefined : String(flags.prefer).split(',').map((s) => s.trim());
    if (prefer?.some((s) => !s)) throw new UsageError(`--prefer: '${String(flags.prefer)}' is not a comma-separated list of stores`);
    const md5 = flags.allowMd5Fallback;
    return {
      image: args[0] as string,
      file: flags.file === '-' ? undefined : (flags.file as string | undefined),
      progress: !!flags.progress,
      // glanceclient: the environment variable set to any value turns it on
      allowMd5Fallback: md5 !== undefined && md5 !== false,
      prefer,
    };
  },
  async run(opts, deps) {
    const { dirname, basename, join, resolve } = await import('node:path');
    const fs = await import('node:fs/promises');
    if (!opts.file && deps.io.stdoutIsTTY) {
      throw new UsageError(
        'No redirection or local file specified for downloaded image data. Please specify a local file with --file to save downloaded image or redirect output to another source.',
      );
    }
    let dir: string | undefined;
    if (opts.file) {
      const target = resolve(opts.file);
      dir = dirname(target);
      const st = await fs.stat(target).catch(() => undefined);
      if (st?.isDirectory()) throw new UsageError(`--file ${opts.file}: is a directory`);
      try {
        await fs.access(dir, fs.constants.W_OK);
      } catch {
        throw new UsageError(`--file ${opts.file}: directory ${dir} does not exist or is not writable`);
      }
    }

    const client = await deps.glance();
    const { findImage } = await import('../../glance/images.js');
    const { chooseVerification, downloadImageData } = await import('../../glance/data.js');
    const image = await findImage(client, opts.image);
    const verification = chooseVerification(image, opts.allowMd5Fallback);
    const hashes = [verification?.algo ?? 'md5'];

    const { startProgress } = await import('../../output/progress.js');
    let view: Awaited<ReturnType<typeof startProgress>> | undefined;
    const progressStart = async (total?: number) => {
      view = await startProgress({ io: deps.io, label: 'Downloading', total, enabled: opts.progress });
    };

    let tmp: string | undefined;
    try {
      let sink: NodeJS.WritableStream;
      if (opts.file && dir) {
        const { randomBytes } = await import('node:crypto');
        tmp = join(dir, `.${basename(opts.file)}.${randomBytes(4).toString('hex')}.tsglance-part`);
        const { createWriteStream } = await import('node:fs');
        // flush: fsync before close, so that the renamed file is on disk, not just in the page cache
        const ws = createWriteStream(tmp, { flags: 'wx', mode: 0o666, flush: true, highWaterMark: 1024 * 1024 });
        await new Promise<void>((res, rej) => ws.once('open', () => res()).once('error', rej));
        sink = ws;
      } else {
        sink = deps.io.stdout;
      }
      await progressStart(image.size ?? undefined);
      const result = await downloadImageData(client, image.id, sink as Writable, {
        prefer: opts.prefer,
        hashes,
        signal: deps.signal,
        onProgress: (n) => view?.update(n),
      });
      let check = verification;
      if (!check && result.contentMd5 && /^[0-9a-f]{32}$/i.test(result.contentMd5)) {
        check = { algo: 'md5', expected: result.contentMd5.toLowerCase(), source: 'content-md5' };
      }
      if (check) {
        const got = result.digests[check.algo];
        if (got !== check.expected) {
          throw new CliError(
            `Corrupt image download: checksum mismatch for image ${image.id} (${check.algo} expected ${check.expected}, got ${got})` +
              (opts.file ? `; ${opts.file} was left untouched` : '; the data written to stdout is not the image'),
          );
        }
      } else {
        deps.warn(`Image ${image.id} has no checksum: the download could not be verified`);
      }
      if (tmp && opts.file) {
        await fs.rename(tmp, opts.file);
        tmp = undefined;
      }
      view?.done();
    } catch (err) {
      view?.fail();
      if (deps.signal.aborted) {
        throw new InterruptedError(`Download interrupted${opts.file ? `; ${opts.file} was left untouched` : ''}`);
      }
      throw err;
    } finally {
      if (tmp) await fs.unlink(tmp).catch(() => undefined);
    }
  },
});
