import { cellText } from './human.js';

export type OutputMode = 'json' | 'table' | 'plain';

/**
 * How a command prints its result: `--json` gives one JSON document per command; on a terminal
 * a table sized to it; otherwise tab-separated lines without a header, for scripts.
 */
export class Output {
  constructor(
    readonly mode: OutputMode,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
  ) {}

  static choose(json: boolean | undefined, stdout: NodeJS.WriteStream = process.stdout): Output {
    return new Output(json ? 'json' : stdout.isTTY ? 'table' : 'plain', stdout);
  }

  write(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(document: unknown): void {
    this.write(JSON.stringify(document, null, 2));
  }

  /** Rows: a table on a terminal, tab-separated lines otherwise; `document` is what `--json` prints. */
  async rows(objects: readonly object[], columns: readonly string[], document: unknown = objects): Promise<void> {
    if (this.mode === 'json') return this.json(document);
    const rows = objects as ReadonlyArray<Record<string, unknown>>;
    if (this.mode === 'plain') {
      for (const row of rows) this.write(columns.map((c) => cellText(row[c]).replace(/[\t\n]/g, ' ')).join('\t'));
      return;
    }
    if (rows.length === 0) return;
    const { renderTable } = await import('./table.js');
    this.write(renderTable(rows, columns, this.stdout.columns ?? 80));
  }

  /** One record, field per line (`name<TAB>value` without a terminal, aligned with one). */
  record(record: object, document: unknown = record): void {
    if (this.mode === 'json') return this.json(document);
    const entries = Object.entries(record);
    const width = Math.max(0, ...entries.map(([k]) => k.length));
    for (const [key, value] of entries) {
      this.write(this.mode === 'plain' ? `${key}\t${cellText(value)}` : `${key.padEnd(width)}  ${cellText(value)}`);
    }
  }

  /** A message for people: on a terminal or in plain mode; `--json` prints `document` instead. */
  message(text: string, document: unknown): void {
    if (this.mode === 'json') this.json(document);
    else this.write(text);
  }
}
