/**
 * Text made safe as an HTTP header value (RFC 9110, section 5.5: visible
 * ASCII, space and tab): every other character is percent-encoded as UTF-8,
 * and `%` itself, so that decodeURIComponent gives the text back. Total: an
 * unpaired surrogate, which encodeURIComponent refuses with URIError, is
 * written as the encoding of U+FFFD. With `limitBytes`, the result is cut (never
 * inside an escape) and ends in `...`.
 */
export function headerText(text: string, limitBytes = Infinity): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0x20 && unit <= 0x7e && unit !== 0x25) {
      out += text[index]!;
    } else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length && text.charCodeAt(index + 1) >= 0xdc00 && text.charCodeAt(index + 1) <= 0xdfff) {
      out += encodeURIComponent(text.slice(index, index + 2));
      index += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += '%EF%BF%BD';
    } else {
      out += encodeURIComponent(text[index]!);
    }
    if (out.length > limitBytes) return cutAtCharacter(out, limitBytes - 3) + '...';
  }
  return out;
}

/** `encoded` cut to at most `length` bytes, before a character's first byte (never inside an escape or a UTF-8 sequence). */
function cutAtCharacter(encoded: string, length: number): string {
  let end = Math.max(0, length);
  for (;;) {
    if (end >= 1 && encoded[end - 1] === '%') end -= 1;
    else if (end >= 2 && encoded[end - 2] === '%') end -= 2;
    // A UTF-8 continuation byte (%80..%BF) is no character's start.
    else if (encoded[end] === '%' && /^[89AB]/i.test(encoded[end + 1] ?? '')) end -= 1;
    else return encoded.slice(0, end);
  }
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent made total: an unpaired surrogate (URIError there) is encoded as U+FFFD. */
export function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(UNPAIRED_SURROGATE, '\uFFFD'));
  }
}
