/** Types of the documents the Visor REST API sends and accepts (docs/rest-api.md). */

export type Architecture = 'i386' | 'x86_64' | 'aarch64' | 'armv7l' | 'ppc64le' | 's390x' | 'riscv64';
export type ImageAccess = 'public' | 'private';
export type ImageType = 'machine' | 'kernel' | 'ramdisk';
export type ImageFormat = 'raw' | 'qcow2' | 'vmdk' | 'vdi' | 'vhd' | 'vhdx' | 'iso' | 'ami' | 'aki' | 'ari' | 'ploop';
export type ImageStatus = 'locked' | 'uploading' | 'available' | 'error';

/** A custom property value: strings, finite numbers and booleans keep their type. */
export type PropertyValue = string | number | boolean;

/** The brief fields `GET /images` lists. */
export interface BriefImage {
  id: string;
  name: string;
  architecture: Architecture;
  access: ImageAccess;
  type: ImageType;
  format: ImageFormat | null;
  store: string;
  size: number | null;
  status: ImageStatus;
}

/** Every field of an image, as `GET /images/:id/meta`, `POST`, `PUT`, `DELETE` and `/images/detail` show it. */
export interface Image extends BriefImage {
  uri: string;
  location: string | null;
  kernel: string | null;
  ramdisk: string | null;
  owner: string | null;
  checksum: string | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  uploaded_at: string | null;
  accessed_at: string | null;
  access_count: number;
  /** Custom properties. */
  [property: string]: unknown;
}

/** Fields a client may set when registering an image; other names are custom properties. */
export interface RegisterFields {
  name: string;
  architecture: Architecture;
  access?: ImageAccess;
  type?: ImageType;
  format?: ImageFormat | null;
  store?: string;
  kernel?: string | null;
  ramdisk?: string | null;
  /**
   * Registers an image whose file already lives in a store that takes
   * registered locations (e.g. an `https://` URL for an `http` store): the
   * server checks it and the image is `available` at once, with no upload.
   */
  location?: string;
  /** With `location`: the MD5 (32 hex digits) the file should have; verified on its first full download. */
  checksum?: string;
  /** With `location`: the SHA-256 (64 hex digits) the file should have; verified on its first full download. */
  sha256?: string;
  [property: string]: PropertyValue | null | undefined;
}

/** Fields of a metadata update: `null` clears `format`/`kernel`/`ramdisk` or removes a custom property. */
export type UpdateFields = Partial<Omit<RegisterFields, 'name' | 'architecture' | 'location' | 'checksum' | 'sha256'>> & {
  name?: string;
  architecture?: Architecture;
  [property: string]: PropertyValue | null | undefined;
};

/** One page of a listing. */
export interface ListPage<T> {
  images: T[];
  /** Absolute URL of the next page, when there is one. */
  next?: string;
}

/** Exact-match filters: base fields or custom properties. */
export type ListFilters = Record<string, PropertyValue>;

export interface ListOptions {
  sort?: string;
  dir?: 'asc' | 'desc';
  limit?: number;
  marker?: string;
  /** List every field (`GET /images/detail`) instead of the brief ones. */
  detail?: boolean;
}

export interface BackendStatus {
  name: string;
  type: string;
  default: boolean;
  read_only: boolean;
  ok: boolean;
  message?: string;
}

/** The document of `GET /status`. */
export interface ServiceStatus {
  status: 'ok' | 'degraded';
  version: string;
  uptime_seconds: number;
  database: { client: string; ok: boolean; message?: string };
  backends: BackendStatus[];
  images: Partial<Record<ImageStatus, number>>;
}

/** The document of `GET /plugins` (admins): what the server runs. */
export interface PluginsReport {
  /** Every configured store, with its backend's health, as in `GET /status`. */
  stores: BackendStatus[];
  /** Encoders in configuration order; the first one's first media type is the default. */
  encoders: Array<{ name: string; media_types: string[] }>;
  /** Extension plugins in the order they were applied. */
  extensions: Array<{ name: string; ok: boolean }>;
}
