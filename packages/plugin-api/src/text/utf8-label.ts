/**
 * Whether `label` names UTF-8: one of the labels the WHATWG Encoding Standard
 * gives it (`UTF-8`, `utf8`, `unicode-1-1-utf-8`…; case-insensitive,
 * surrounding whitespace ignored), as Node's TextDecoder resolves them. The
 * labels of other encodings, and unknown ones, are not.
 */
export function namesUtf8(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'utf-8';
  } catch {
    return false;
  }
}
