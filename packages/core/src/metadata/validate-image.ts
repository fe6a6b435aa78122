import {
  ACCESS_LEVELS,
  ARCHITECTURES,
  BASE_FIELDS,
  IMAGE_FORMATS,
  IMAGE_TYPES,
  InvalidFieldError,
  MAX_PROPERTY_NAME,
  MAX_PROPERTY_VALUE,
  PROPERTY_NAME,
  ReadOnlyFieldError,
  SERVER_FIELDS,
  type ImagePatch,
  type PropertyValue,
  type WritableField,
  characterCount,
  graphemeCount,
  describeForbidden,
  firstForbidden,
  quoted,
} from '@visor/plugin-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME = 255;
const MAX_STORE_NAME = 64;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A client value as a message shows it: text quoted by the text rules, other types by kind. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidFieldError(field, `'${field}' must be one of ${allowed.join(', ')}; got ${shownValue(value)}`, {
      details: { allowed },
    });
  }
  return value as T;
}

/** Each rule a name can break has its own message, so a client learns which one. */
function name(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidFieldError('name', `'name' must be a string of 1 to ${MAX_NAME} characters; got ${shownValue(value)}`);
  if (value === '') throw new InvalidFieldError('name', `'name' is empty: give 1 to ${MAX_NAME} characters`);
  const forbidden = firstForbidden(value);
  if (forbidden !== undefined) {
    throw new InvalidFieldError('name', `'name' has a character names may not hold (control characters, unpaired surrogates, noncharacters): it ${describeForbidden(forbidden)}`);
  }
  if (value.trim() === '') throw new InvalidFieldError('name', `'name' is blank (only spaces): give at least one visible character`);
  const length = graphemeCount(value);
  if (length > MAX_NAME) throw new InvalidFieldError('name', `'name' is too long: ${length} characters, at most ${MAX_NAME} (counted as users see them)`);
  return value;
}

function storeName(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_STORE_NAME || firstForbidden(value) !== undefined) {
    throw new InvalidFieldError('store', `'store' must be the name of a configured store; got ${shownValue(value)}`);
  }
  return value;
}

function imageRef(field: 'kernel' | 'ramdisk', value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new InvalidFieldError(field, `'${field}' must be the id of an existing ${field} image`);
  }
  return value.toLowerCase();
}

function propertyValue(field: string, value: unknown): PropertyValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidFieldError(field, `property '${field}' must be a finite number`);
    return value;
  }
  if (typeof value === 'string') {
    const length = characterCount(value);
    if (length > MAX_PROPERTY_VALUE) {
      throw new InvalidFieldError(field, `property '${field}' is longer than ${MAX_PROPERTY_VALUE} characters (${length})`);
    }
    // Tab, LF and CR are allowed; U+0000 in particular is not (PostgreSQL text cannot hold it).
    const forbidden = firstForbidden(value, true);
    if (forbidden !== undefined) {
      throw new InvalidFieldError(
        field,
        `property '${field}' ${describeForbidden(forbidden)}; values may hold tab, line feed and carriage return but no other control character, no unpaired surrogate and no noncharacter`,
      );
    }
    return value;
  }
  throw new InvalidFieldError(field, `property '${field}' must be a string, number or boolean`);
}

export function checkPropertyName(field: string): void {
  if (!PROPERTY_NAME.test(field) || field.length > MAX_PROPERTY_NAME) {
    throw new InvalidFieldError(
      field,
      `unknown field ${quoted(field)}: custom property names must match [a-z][a-z0-9_]* and be at most ${MAX_PROPERTY_NAME} characters`,
    );
  }
}

const SERVER_FIELD_SET = new Set<string>(SERVER_FIELDS);
const BASE_FIELD_SET = new Set<string>(BASE_FIELDS);

function asObject(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidFieldError('image', "the body must hold an object 'image' with the image's fields");
  }
  return input as Record<string, unknown>;
}

function rejectServerFields(input: Record<string, unknown>): void {
  const managed = Object.keys(input).filter((key) => SERVER_FIELD_SET.has(key));
  if (managed.length > 0) throw new ReadOnlyFieldError(managed);
}

type WritableValues = { [K in WritableField]?: unknown };

function writable(field: WritableField, value: unknown): unknown {
  switch (field) {
    case 'name': return name(value);
    case 'architecture': return oneOf('architecture', value, ARCHITECTURES);
    case 'access': return oneOf('access', value, ACCESS_LEVELS);
    case 'type': return oneOf('type', value, IMAGE_TYPES);
    case 'format': return value === null ? null : oneOf('format', value, IMAGE_FORMATS);
    case 'store': return storeName(value);
    case 'kernel':
    case 'ramdisk': return imageRef(field, value);
  }
}

/** Splits client input into validated base fields and custom properties (null = remove). */
function split(input: Record<string, unknown>): { fields: WritableValues; properties: Record<string, PropertyValue | null> } {
  rejectServerFields(input);
  const fields: WritableValues = {};
  const properties: Record<string, PropertyValue | null> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (BASE_FIELD_SET.has(key)) {
      fields[key as WritableField] = writable(key as WritableField, value);
    } else {
      checkPropertyName(key);
      properties[key] = value === null ? null : propertyValue(key, value);
    }
  }
  return { fields, properties };
}

export interface RegistrationInput {
  name: string;
  architecture: (typeof ARCHITECTURES)[number];
  access: (typeof ACCESS_LEVELS)[number];
  type: (typeof IMAGE_TYPES)[number];
  format: (typeof IMAGE_FORMATS)[number] | null;
  store: string | null;
  kernel: string | null;
  ramdisk: string | null;
  properties: Record<string, PropertyValue>;
}

/** Validates what a client sends to register an image. Missing store means the default store. */
export function validateRegistration(input: unknown): RegistrationInput {
  const { fields, properties } = split(asObject(input));
  if (fields.name === undefined) throw new InvalidFieldError('name', "'name' is required");
  if (fields.architecture === undefined) {
    throw new InvalidFieldError('architecture', `'architecture' is required: one of ${ARCHITECTURES.join(', ')}`, {
      details: { allowed: ARCHITECTURES },
    });
  }
  const kept = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null)) as Record<string, PropertyValue>;
  return {
    name: fields.name as string,
    architecture: fields.architecture as RegistrationInput['architecture'],
    access: (fields.access as RegistrationInput['access'] | undefined) ?? 'private',
    type: (fields.type as RegistrationInput['type'] | undefined) ?? 'machine',
    format: (fields.format as RegistrationInput['format'] | undefined) ?? null,
    store: (fields.store as string | undefined) ?? null,
    kernel: (fields.kernel as string | null | undefined) ?? null,
    ramdisk: (fields.ramdisk as string | null | undefined) ?? null,
    properties: kept,
  };
}

/** Validates a metadata update; an empty update is refused so mistakes do not pass silently. */
export function validatePatch(input: unknown): ImagePatch {
  const { fields, properties } = split(asObject(input));
  if (Object.keys(fields).length === 0 && Object.keys(properties).length === 0) {
    throw new InvalidFieldError('image', 'the update names no field to change');
  }
  return { fields: fields as ImagePatch['fields'], properties };
}
