export const ARCHITECTURES = ['i386', 'x86_64', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'] as const;
export const ACCESS_LEVELS = ['public', 'private'] as const;
export const IMAGE_TYPES = ['machine', 'kernel', 'ramdisk'] as const;
export const IMAGE_FORMATS = ['raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'iso', 'ami', 'aki', 'ari', 'ploop'] as const;
export const IMAGE_STATUSES = ['locked', 'uploading', 'available', 'error'] as const;

export type Architecture = (typeof ARCHITECTURES)[number];
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type ImageType = (typeof IMAGE_TYPES)[number];
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export type PropertyValue = string | number | boolean;

/** An image record as the metadata store holds it. Custom properties sit apart in `properties`. */
export interface Image {
  id: string;
  name: string;
  architecture: Architecture;
  access: AccessLevel;
  type: ImageType;
  format: ImageFormat | null;
  store: string;
  location: string | null;
  kernel: string | null;
  ramdisk: string | null;
  owner: string | null;
  status: ImageStatus;
  size: number | null;
  checksum: string | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  uploaded_at: string | null;
  accessed_at: string | null;
  access_count: number;
  properties: Record<string, PropertyValue>;
}

/** Fields a client may set when registering or updating an image. */
export const WRITABLE_FIELDS = ['name', 'architecture', 'access', 'type', 'format', 'store', 'kernel', 'ramdisk'] as const;
export type WritableField = (typeof WRITABLE_FIELDS)[number];

/** Fields only the server sets; a client naming one gets 400. */
export const SERVER_FIELDS = [
  'id', 'uri', 'owner', 'status', 'location', 'size', 'checksum', 'sha256',
  'created_at', 'updated_at', 'uploaded_at', 'accessed_at', 'access_count',
] as const;

/** Every base field, in the order responses show them (`uri` is derived per request). */
export const BASE_FIELDS = [
  'id', 'uri', 'name', 'architecture', 'access', 'type', 'format', 'store', 'location', 'kernel', 'ramdisk',
  'owner', 'status', 'size', 'checksum', 'sha256', 'created_at', 'updated_at', 'uploaded_at', 'accessed_at', 'access_count',
] as const;
export type BaseField = (typeof BASE_FIELDS)[number];

/** Fields of the brief listing (`GET /images`). */
export const BRIEF_FIELDS = ['id', 'name', 'architecture', 'access', 'type', 'format', 'store', 'size', 'status'] as const;

/** Base fields that can be sorted and filtered on (stored columns). */
export const COLUMN_FIELDS = BASE_FIELDS.filter((f) => f !== 'uri');

export const PROPERTY_NAME = /^[a-z][a-z0-9_]*$/;
export const MAX_PROPERTY_NAME = 64;
export const MAX_PROPERTY_VALUE = 4096;

/** What a client sends to register an image, already validated. */
export interface ImageDraft {
  name: string;
  architecture: Architecture;
  access: AccessLevel;
  type: ImageType;
  format: ImageFormat | null;
  store: string;
  kernel: string | null;
  ramdisk: string | null;
  owner: string | null;
  properties: Record<string, PropertyValue>;
}

/** A validated update: base fields to set, properties to set, properties to remove (null). */
export interface ImagePatch {
  fields: Partial<Pick<Image, WritableField>>;
  properties: Record<string, PropertyValue | null>;
}
