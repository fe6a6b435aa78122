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
} from '@visor/plugin-api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters make names unreadable in listings and unsafe in headers.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidFieldError(field, `'${field}' must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`, {
      details: { allowed },
    });
  }
  return value as T;
}

function name(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255 || CONTROL.test(value) || value.trim() === '') {
    throw new InvalidFieldError('name', "'name' must be a string of 1 to 255 characters with no control characters");
  }
  return value;
}

function storeName(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidFieldError('store', "'store' must be the name of a configured store");
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
    if (value.length > MAX_PROPERTY_VALUE) {
      throw new InvalidFieldError(field, `property '${field}' is longer than ${MAX_PROPERTY_VALUE} characters`);
    }
    // PostgreSQL text cannot hold U+0000: refused on every database so that they all behave alike.
    if (value.includes('\u0000')) throw new InvalidFieldError(field, `property '${field}' must not contain the NUL character (U+0000)`);
    return value;
  }
  throw new InvalidFieldError(field, `property '${field}' must be a string, number or boolean`);
}

export function checkPropertyName(field: string): void {
  if (!PROPERTY_NAME.test(field) || field.length > MAX_PROPERTY_NAME) {
    throw new InvalidFieldError(
      field,
      `unknown field '${field}': custom property names must match [a-z][a-z0-9_]* and be at most ${MAX_PROPERTY_NAME} characters`,
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
