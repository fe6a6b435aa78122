import stringWidth from 'string-width';
import { cellText } from './human.js';

function fit(text: string, width: number): string {
  if (stringWidth(text) <= width) return text + ' '.repeat(width - stringWidth(text));
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - stringWidth(out)))}`;
}

/**
 * A table with a header line, columns separated by two spaces, sized to `maxWidth` columns
 * (the terminal's width): when too wide, the widest columns are shortened (with `…`) first.
 */
export function renderTable(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[], maxWidth: number): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c])));
  const widths = columns.map((c, i) => Math.max(stringWidth(c.toUpperCase()), ...cells.map((r) => stringWidth(r[i]!))));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 6) break;
    widths[widest]!--;
  }
  const line = (values: string[]) => values.map((v, i) => fit(v, widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}
