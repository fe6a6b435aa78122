import type { Command } from 'commander';
import { action } from '../run-action.js';

/** `visor status` and `visor plugins`. */
export function registerServerInfoCommands(program: Command): void {
  program
    .command('status')
    .description("the server's health, version, database and stores, and who you are signed in as")
    .action(
      action(async (context) => {
        const settings = await context.settings();
        const client = await context.client();
        const status = await client.status();
        const me = settings.accessKey === undefined ? null : await client.users.me().catch(() => null);
        if (context.output.mode === 'json') return context.output.json({ status, server: settings.url, user: me });
        context.output.record({
          server: settings.url,
          user: me === null ? (settings.accessKey ?? '(no keys)') : `${me.access_key} (${me.role})`,
          status: status.status,
          version: status.version,
          database: `${status.database.client} ${status.database.ok ? 'ok' : `failing: ${status.database.message}`}`,
          stores: status.backends.map((b) => `${b.name}${b.default ? '*' : ''} ${b.ok ? 'ok' : 'failing'}`).join(', '),
          images: Object.entries(status.images).map(([k, v]) => `${k} ${v}`).join(', ') || '0',
        });
      }),
    );
  program
    .command('plugins')
    .description("the server's stores with their health, encoders and extension plugins (admins)")
    .action(
      action(async (context) => {
        const report = await (await context.client()).plugins();
        if (context.output.mode === 'json') return context.output.json({ plugins: report });
        const rows = [
          ...report.stores.map((s) => ({ kind: 'store', name: s.name, type: s.type, health: s.ok ? 'ok' : 'failing', detail: [s.default ? 'default' : '', s.read_only ? 'read-only' : '', s.message ?? ''].filter(Boolean).join('; ') })),
          ...report.encoders.map((e) => ({ kind: 'encoder', name: e.name, type: 'encoder', health: 'ok', detail: e.media_types.join(', ') })),
          ...report.extensions.map((e) => ({ kind: 'extension', name: e.name, type: 'extension', health: e.ok ? 'ok' : 'failing', detail: '' })),
        ];
        await context.output.rows(rows, ['kind', 'name', 'type', 'health', 'detail']);
      }),
    );
}
