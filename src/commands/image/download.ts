/**
 * image-download: streamed, verified, resumable, and never a corrupt file under the target name.
 * With --file the data goes to a partial file beside the target (partial.ts: same directory, so
 * the final rename is atomic), is hashed on the way (data-writer.ts, on a worker thread), and is
 * renamed into place only when the hash matches. A checksum or size mismatch removes the partial;
 * a cut (reset, timeout, Ctrl-C, kill) keeps it with its record, and the same command then asks
 * only for the missing bytes. The target is untouched in every case but success.
 */
import { CliError, InterruptedError, UsageError } from '../../errors.js';
import type { Writable } from 'node:stream';
import { defineCommand } from '../types.js';
import { progressOptions } from './create-options.js';

export interface ImageDownloadOptions {
  image: string;
  file?: string;
  /** undefined: on at a terminal (see progressOptions) */
  progress?: boolean;
  allowMd5Fallback: boolean;
  prefer?: string[];
}

export const imageDownload = defineCommand<ImageDownloadOptions>({
  name: 'image-download',
  summary: 'Download a specific image.',
  description:
    'The data is verified with os_hash_value/os_hash_algo (MD5 checksum only when the image has no os_hash, or with\n' +
    '--allow-md5-fallback when the hash algorithm is unavailable). With --file, the data is written to .FILE.tsglance-part\n' +
    'beside FILE and renamed into place only once verified; binary data is never written to a terminal.\n' +
    'A body that breaks off is asked for again from where it stopped (HTTP Range), up to 3 times (1, 2, 4 s apart;\n' +
    'logged with --debug). A download to --file that fails or is interrupted keeps the partial file and a record of\n' +
    'its image (.FILE.tsglance-part.json); the same command then fetches only the missing bytes, hashes the whole\n' +
    'again and verifies it. A partial of other image data is discarded (one line says why), a checksum mismatch\n' +
    'removes it (exit 1), and a server that ignores Range sends the image again from its first byte.\n' +
    '--timeout bounds the time without data from the server.',
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
    ...progressOptions('download'),
    { flags: '--prefer <STORES>', description: 'Comma-separated stores to download from first.', complete: 'stores' },
  ],
  examples: ['tsglance image-download cirros --file cirros.img --progress', 'tsglance image-download cirros | qemu-img info /dev/stdin'],
  parse({ args, flags }) {
    const prefer = flags.prefer === undefined ? undefined : String(flags.prefer).split(',').map((s) => s.trim());
    if (prefer?.some((s) => !s)) throw new UsageError(`--prefer: '${String(flags.prefer)}' is not a comma-separated list of stores`);
    // an empty path (an unset variable in `--file "$OUT"`) must not mean stdout
    if (flags.file === '') throw new UsageError("--file: empty path (use --file - for stdout)");
    const md5 = flags.allowMd5Fallback;
    return {
      image: args[0] as string,
      file: flags.file === '-' ? undefined : (flags.file as string | undefined),
      progress: flags.progress as boolean | undefined,
      // glanceclient: the environment variable set to any value turns it on
      allowMd5Fallback: md5 !== undefined && md5 !== false,
      prefer,
    };
  },
  async run(opts, deps) {
    const { dirname, resolve } = await import('node:path');
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
    const { chooseVerification, downloadImageData, SizeMismatchError } = await import('../../glance/data.js');
    const { openDataWriter } = await import('../../data-writer.js');
    const image = await findImage(client, opts.image);
    const verification = chooseVerification(image, opts.allowMd5Fallback);
    const size = typeof image.size === 'number' ? image.size : undefined;

    let partial: import('./partial.js').Partial | undefined;
    if (opts.file) {
      const { openPartial } = await import('./partial.js');
      partial = await openPartial(resolve(opts.file), image, client.http.timeout + 60);
      for (const note of partial.notes) deps.warn(note);
    }
    const offset = partial?.offset ?? 0;
    const writer = openDataWriter({
      algo: verification?.algo ?? 'md5',
      fd: partial?.fd,
      offset,
      stream: partial ? undefined : (deps.io.stdout as Writable),
    });

    const { startProgress } = await import('../../output/progress.js');
    const view = await startProgress({ io: deps.io, label: 'Downloading', total: size, enabled: opts.progress, initial: offset });
    let outcome: 'verified' | 'wrong' | 'cut' = 'cut';
    try {
      let contentMd5: string | undefined;
      // a partial that is already whole only needs hashing
      if (!(size !== undefined && size > 0 && offset === size)) {
        const result = await downloadImageData(client, image.id, writer, {
          prefer: opts.prefer,
          offset,
          size,
          signal: deps.signal,
          onProgress: (n) => view.update(n),
        });
        contentMd5 = result.contentMd5;
      }
      const { digest } = await writer.finish();
      let check = verification;
      if (!check && contentMd5 && /^[0-9a-f]{32}$/i.test(contentMd5)) {
        check = { algo: 'md5', expected: contentMd5.toLowerCase(), source: 'content-md5' };
      }
      if (check && digest !== check.expected) {
        outcome = 'wrong';
        throw new CliError(
          `Corrupt image download: checksum mismatch for image ${image.id} (${check.algo} expected ${check.expected}, got ${digest})` +
            (opts.file ? `; ${opts.file} was left untouched` : '; the data written to stdout is not the image'),
        );
      }
      if (!check) deps.warn(`Image ${image.id} has no checksum: the download could not be verified`);
      await writer.close();
      if (partial && opts.file) await partial.commit(opts.file);
      outcome = 'verified';
      view.done();
    } catch (err) {
      view.fail();
      if (err instanceof SizeMismatchError) outcome = 'wrong';
      // the bytes received so far go to disk, for the next run to resume from
      if (outcome === 'cut') await writer.flush().catch(() => undefined);
      await writer.close();
      let kept = '';
      if (partial) {
        const held = await partial.close().then(() => fs.stat(partial!.dataPath)).then((s) => s.size, () => 0);
        if (outcome === 'wrong' || held === 0) await partial.discard();
        else kept = `; the ${held} bytes received are kept in ${partial.dataPath}: the same command resumes from there`;
      }
      if (deps.signal.aborted) {
        throw new InterruptedError(`Download interrupted${opts.file ? `; ${opts.file} was left untouched` : ''}${kept}`);
      }
      if (kept && err instanceof CliError) throw new CliError(`${err.message}${kept}`, err.exitCode);
      throw err;
    }
  },
});
