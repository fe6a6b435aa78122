import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { BriefImage, Image, ListOptions, RegisterFields, UpdateFields } from '@visor/client';
import { EXIT, CliError, UsageError } from '../errors/exit-codes.js';
import { BRIEF_FIELDS, SORT_FIELDS } from '../fields/image-fields.js';
import { fieldsFromArguments, filtersFromArguments } from '../fields/key-values.js';
import { nearest } from '../fields/nearest.js';
import { formatBytes } from '../output/human.js';
import { action } from '../run-action.js';
import { collect } from './collect.js';
import { confirm } from './confirm.js';

const LIST_COLUMNS = ['id', 'name', 'architecture', 'format', 'size', 'status', 'access'];
const DETAIL_COLUMNS = ['id', 'name', 'architecture', 'access', 'type', 'format', 'store', 'size', 'status', 'owner', 'created_at'];

interface ListFlags {
  detail?: boolean;
  filter?: string[];
  sort?: string;
  dir?: string;
  limit?: number;
  all?: boolean;
}

function sortField(value: string): string {
  if (SORT_FIELDS.includes(value)) return value;
  const suggestion = nearest(value, SORT_FIELDS);
  throw new InvalidArgumentError(`cannot sort by '${value}'${suggestion ? `: did you mean '${suggestion}'?` : `; sort by one of ${SORT_FIELDS.join(', ')}`}`);
}

function direction(value: string): 'asc' | 'desc' {
  if (value === 'asc' || value === 'desc') return value;
  throw new InvalidArgumentError(`must be asc or desc; got '${value}'`);
}

function limit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError(`must be a whole number from 1 to 1000; got '${value}'`);
  return n;
}

/** Sizes shown for people in tables; exact bytes in plain and JSON output. */
const humanRows = (images: ReadonlyArray<BriefImage | Image>, human: boolean) =>
  images.map((i) => (human ? { ...i, size: i.size === null ? null : formatBytes(i.size) } : i));

function addListOptions(command: Command): Command {
  return command
    .option('--filter <k=v>', 'exact-match filter on a field or custom property (repeatable)', collect)
    .option('--sort <field>', 'sort by a field (default created_at)', sortField)
    .option('--dir <asc|desc>', 'sort direction', direction)
    .option('--limit <n>', 'images per page, 1-1000 (default 100)', limit)
    .option('--all', 'follow the next links and list every match');
}

async function list(context: Parameters<Parameters<typeof action>[0]>[0], flags: ListFlags): Promise<void> {
  const client = await context.client();
  const filters = filtersFromArguments(flags.filter ?? []);
  const options: Omit<ListOptions, 'detail' | 'marker'> = {};
  if (flags.sort) options.sort = flags.sort;
  if (flags.dir) options.dir = flags.dir as 'asc' | 'desc';
  if (flags.limit) options.limit = flags.limit;
  let images: Array<BriefImage | Image>;
  let next: string | undefined;
  if (flags.all) {
    images = flags.detail ? await client.listAll(filters, { ...options, detail: true }) : await client.listAll(filters, { ...options, detail: false });
  } else {
    const page = await client.list(filters, { ...options, detail: flags.detail === true });
    images = page.images;
    next = page.next;
  }
  const columns = flags.detail ? DETAIL_COLUMNS : LIST_COLUMNS;
  const out = context.output;
  await out.rows(humanRows(images, out.mode === 'table'), out.mode === 'json' ? [...BRIEF_FIELDS] : columns, {
    images,
    ...(next === undefined ? {} : { next }),
  });
  if (next !== undefined && out.mode !== 'json') context.note(`more images: give --all, or a larger --limit`);
}

/** list (brief, detail), show (head), add, update, delete, url. */
export function registerImageCommands(program: Command): void {
  addListOptions(
    program
      .command('list')
      .alias('brief')
      .description('list images (brief fields; --detail for every field)')
      .option('--detail', 'list every field'),
  ).action(action((context, flags: ListFlags) => list(context, flags)));

  addListOptions(program.command('detail').description('list images with every field (same as list --detail)')).action(
    action((context, flags: ListFlags) => list(context, { ...flags, detail: true })),
  );

  program
    .command('show')
    .alias('head')
    .description("show every field of an image, its custom properties too")
    .argument('<id>', 'image id')
    .action(
      action(async (context, id: string) => {
        const image = await (await context.client()).get(id);
        context.output.record(image, { image });
      }),
    );

  program
    .command('add')
    .description('register an image from k=v fields (k:=JSON for typed values), and upload its file with --file')
    .argument('<fields...>', 'name=… architecture=… and other fields or custom properties')
    .option('--file <path>', 'upload this file as the image')
    .option('--md5 <hex>', "the file's known MD5, declared so the server refuses a mismatch")
    .option('--sha256 <hex>', "the file's known SHA-256, declared likewise")
    .option('--digest-first', 'read the file once before sending to compute and declare both digests')
    .action(
      action(async (context, args: string[], flags: { file?: string; md5?: string; sha256?: string; digestFirst?: boolean }) => {
        const fields = fieldsFromArguments(args);
        for (const required of ['name', 'architecture']) {
          if (fields[required] === undefined) throw new UsageError(`'${required}' is required: add ${required}=…`);
        }
        const client = await context.client();
        if (flags.file === undefined) {
          if (flags.md5 || flags.sha256 || flags.digestFirst) throw new UsageError('--md5, --sha256 and --digest-first go with --file');
          const image = await client.register(fields as RegisterFields);
          context.output.record(image, { image });
          return;
        }
        const { uploadWithProgress } = await import('./upload-with-progress.js');
        const result = await uploadWithProgress(context, client, { register: fields as RegisterFields }, { path: flags.file, ...flags });
        context.output.record(result.image, { image: result.image, verification: result.verification });
      }),
    );

  program
    .command('update')
    .description('change fields (k=v; k:=null removes a property), and upload the file of a locked image with --file')
    .argument('<id>', 'image id')
    .argument('[fields...]', 'fields to change')
    .option('--file <path>', 'upload this file as the image (it must have no file yet)')
    .option('--md5 <hex>', "the file's known MD5")
    .option('--sha256 <hex>', "the file's known SHA-256")
    .option('--digest-first', 'compute and declare both digests before sending')
    .action(
      action(async (context, id: string, args: string[], flags: { file?: string; md5?: string; sha256?: string; digestFirst?: boolean }) => {
        const fields = fieldsFromArguments(args);
        if (Object.keys(fields).length === 0 && flags.file === undefined) throw new UsageError('nothing to change: give k=v fields or --file');
        const client = await context.client();
        let image: Image | undefined;
        if (Object.keys(fields).length > 0) image = await client.update(id, fields as UpdateFields);
        let verification: string | undefined;
        if (flags.file !== undefined) {
          const { uploadWithProgress } = await import('./upload-with-progress.js');
          const result = await uploadWithProgress(context, client, { id }, { path: flags.file, ...flags });
          image = result.image;
          verification = result.verification;
        }
        context.output.record(image!, { image, ...(verification ? { verification } : {}) });
      }),
    );

  program
    .command('delete')
    .description('delete images by id, or every image matching --filter; asks first unless --yes')
    .argument('[ids...]', 'image ids')
    .option('--filter <k=v>', 'delete every image matching (repeatable)', collect)
    .option('-y, --yes', 'do not ask')
    .action(
      action(async (context, ids: string[], flags: { filter?: string[]; yes?: boolean }) => {
        if (ids.length > 0 && flags.filter) throw new UsageError('give image ids or --filter, not both');
        if (ids.length === 0 && !flags.filter) throw new UsageError('give the ids of the images to delete, or --filter k=v');
        const client = await context.client();
        const targets: Array<BriefImage | Image> = flags.filter
          ? await client.listAll(filtersFromArguments(flags.filter))
          : await Promise.all(ids.map((id) => client.get(id)));
        if (targets.length === 0) {
          context.output.message('no image matches: nothing deleted', { deleted: [] });
          return;
        }
        if (!flags.yes) {
          process.stderr.write(`${targets.length === 1 ? 'This image' : `These ${targets.length} images`} will be deleted:\n`);
          for (const t of targets) process.stderr.write(`  ${t.id}  ${t.name}  ${formatBytes(t.size)}\n`);
          if (!(await confirm(`Delete ${targets.length === 1 ? 'it' : `all ${targets.length}`}?`))) {
            throw new CliError('nothing deleted', EXIT.failure);
          }
        }
        const deleted: Image[] = [];
        for (const target of targets) {
          deleted.push(await client.delete(target.id));
          if (context.output.mode !== 'json') context.output.write(`deleted ${target.id}  ${target.name}`);
        }
        if (context.output.mode === 'json') context.output.json({ deleted });
      }),
    );

  program
    .command('url')
    .description('a presigned download URL anyone can GET until it expires (made by the server)')
    .argument('<id>', 'image id')
    .option('--ttl <seconds>', 'lifetime in seconds, 1-604800 (default 3600)', (v: string) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 604800) throw new InvalidArgumentError(`must be whole seconds from 1 to 604800; got '${v}'`);
      return n;
    })
    .action(
      action(async (context, id: string, flags: { ttl?: number }) => {
        const presigned = await (await context.client()).requestPresignedUrl(id, flags.ttl);
        context.output.message(presigned.url, { presigned_url: presigned });
        if (context.output.mode !== 'json') context.note(`valid until ${presigned.expires_at}`);
      }),
    );
}
