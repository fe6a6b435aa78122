import type { Command } from 'commander';
import { basename } from 'node:path';
import type { ProgressBar } from '../transfer/progress.js';
import { digestName, formatBytes } from '../output/human.js';
import { action } from '../run-action.js';

/** `visor get ID [-o FILE|DIR]`. */
export function registerTransferCommands(program: Command): void {
  program
    .command('get')
    .description("download an image's file, verified against its SHA-256 (MD5 too with --verify-md5); resumes an interrupted download")
    .argument('<id>', 'image id')
    .option('-o, --output <file|dir>', 'where to write it (default: the image name and format, in this directory)')
    .option('-f, --force', 'replace a file that exists')
    .option('--no-verify', 'do not check the digests')
    .option('--verify-md5', 'check MD5 too (slower: MD5 hashes at about 400 MB/s)')
    .action(
      action(async (context, id: string, flags: { output?: string; force?: boolean; verify?: boolean; verifyMd5?: boolean }) => {
        const client = await context.client();
        // Loaded here: commands that move no file do not pay for the transfer code.
        const [{ downloadImage }, { ProgressBar }] = await Promise.all([import('../transfer/download.js'), import('../transfer/progress.js')]);
        let bar: ProgressBar | undefined;
        try {
          const result = await downloadImage(client, id, {
            ...flags,
            // One file and nothing else to do meanwhile: write each chunk while it is still in the cache.
            blockingWrites: true,
            onStart: ({ image, path, resumeFrom }) => {
              bar = new ProgressBar(basename(path), image.size ?? undefined, { quiet: context.options.quiet, startAt: resumeFrom });
              if (resumeFrom > 0) context.note(`resuming ${path} at byte ${resumeFrom}`);
            },
            onProgress: (s) => bar?.update(s.done),
          });
          bar?.finish(result.bytes);
          context.note(
            result.verified.length > 0
              ? `saved ${result.path} (${formatBytes(result.bytes)}); ${result.verified.map(digestName).join(' and ')} verified`
              : `saved ${result.path} (${formatBytes(result.bytes)}); digests not verified`,
          );
          if (context.output.mode === 'json') {
            context.output.json({
              path: result.path,
              id: result.image.id,
              bytes: result.bytes,
              resumed_from: result.resumedFrom,
              verified: result.verified,
              checksum: result.digests.md5 ?? null,
              sha256: result.digests.sha256 ?? null,
            });
          } else if (!process.stdout.isTTY) {
            context.output.write(result.path);
          }
        } catch (error) {
          bar?.clear();
          throw error;
        }
      }),
    );
}
