// The XML 1.0 name characters, without the colon (a prefixed name would need a
// namespace declaration) and without characters beyond the BMP, which
// fast-xml-parser's validator, and so our own decoder, refuses in names.
const NAME_START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const XML_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`);

/** Whether `name` can be written as an element name as is. */
export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

/** The element name for the items of an array held by element `name`: `images` → `image`, `properties` → `property`. */
export function singularOf(name: string): string {
  let singular = 'item';
  if (name.length > 3 && name.endsWith('ies')) {
    singular = `${name.slice(0, -3)}y`;
  } else if (name.endsWith('s') && !name.endsWith('ss') && !name.endsWith('us')) {
    // `ss` and `us` endings (`address`, `status`) are not plurals.
    singular = name.slice(0, -1);
  }
  return isXmlName(singular) ? singular : 'item';
}
