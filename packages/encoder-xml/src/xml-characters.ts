/**
 * Regular expression source matching one character XML 1.0 does not allow in a
 * document, raw or as a reference: C0 controls other than tab, newline and
 * carriage return, U+FFFE, U+FFFF, and unpaired surrogates (not characters at
 * all, and not encodable in UTF-8).
 */
export const NOT_XML_CHARACTER = String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;

/** Whether a character reference may name `codePoint` (XML 1.0, production Char). */
export function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}
