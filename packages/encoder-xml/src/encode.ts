import type { ResponseDocument } from '@visor/plugin-api';
import { escapeAttribute, escapeText } from './escape.js';
import { isXmlName, singularOf } from './names.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * Writes a response document as XML. Values go through `toJSON` and are
 * skipped or turned to nil where JSON.stringify would skip them or write null,
 * so both encoders show the same data.
 */
export function encodeXml(document: ResponseDocument): string {
  return new XmlWriter().document(document);
}

/** The markup of one element name, built once per document. */
interface Tag {
  /** `<name>`, or `<entry name="…">` for a key that is not an XML name. */
  start: string;
  numberStart: string;
  booleanStart: string;
  end: string;
  nil: string;
}

type Container = Record<string, unknown> | unknown[];

class XmlWriter {
  private out = XML_DECLARATION;
  private readonly tags = new Map<string, Tag>();
  private readonly ancestors = new Set<object>();

  /**
   * An object or array `body[root]` is the root's content and the other members
   * of `body` follow it; a scalar `body[root]` alone in `body` is the root's
   * text; otherwise the members of `body` are the root's children.
   */
  document({ root, body }: ResponseDocument): string {
    const content = Object.hasOwn(body, root) ? jsonValue(body[root], root) : undefined;
    if (isContainer(content)) {
      const tag = this.tag(root);
      this.out += tag.start;
      this.children(root, content);
      for (const key of Object.keys(body)) {
        if (key !== root) this.write(key, jsonValue(body[key], key));
      }
      this.out += tag.end;
    } else if (content !== undefined && Object.keys(body).length === 1) {
      this.write(root, content);
    } else {
      this.write(root, body);
    }
    return this.out;
  }

  /** Returns false, having written nothing, for values JSON.stringify leaves out. */
  private write(name: string, value: unknown): boolean {
    const tag = this.tag(name);
    switch (typeof value) {
      case 'string':
        this.out += tag.start + escapeText(value) + tag.end;
        return true;
      case 'number':
        this.out += Number.isFinite(value) ? tag.numberStart + String(value) + tag.end : tag.nil;
        return true;
      case 'bigint':
        this.out += tag.numberStart + String(value) + tag.end;
        return true;
      case 'boolean':
        this.out += tag.booleanStart + String(value) + tag.end;
        return true;
      case 'object':
        if (value === null) {
          this.out += tag.nil;
        } else {
          this.out += tag.start;
          this.children(name, value as Container);
          this.out += tag.end;
        }
        return true;
      default:
        return false;
    }
  }

  /** The content of element `name`: one child per array item, or one per object member. */
  private children(name: string, value: Container): void {
    if (this.ancestors.has(value)) throw new TypeError(`cannot encode a circular structure (at <${name}>)`);
    this.ancestors.add(value);
    if (Array.isArray(value)) {
      const itemName = singularOf(name);
      for (let index = 0; index < value.length; index += 1) {
        if (!this.write(itemName, jsonValue(value[index], String(index)))) this.out += this.tag(itemName).nil;
      }
    } else {
      for (const key of Object.keys(value)) this.write(key, jsonValue(value[key], key));
    }
    this.ancestors.delete(value);
  }

  private tag(name: string): Tag {
    let tag = this.tags.get(name);
    if (tag === undefined) {
      tag = isXmlName(name) ? markup(name, '') : markup('entry', ` name="${escapeAttribute(name)}"`);
      this.tags.set(name, tag);
    }
    return tag;
  }
}

function markup(elementName: string, attributes: string): Tag {
  const open = `<${elementName}${attributes}`;
  return {
    start: `${open}>`,
    numberStart: `${open} type="number">`,
    booleanStart: `${open} type="boolean">`,
    end: `</${elementName}>`,
    nil: `${open} nil="true"/>`,
  };
}

function jsonValue(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return value;
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}
