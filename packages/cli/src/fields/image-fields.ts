/** The server's image field names and enumerations (docs/rest-api.md, "Image fields"). */

export const ARCHITECTURES = ['i386', 'x86_64', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'] as const;
export const ACCESSES = ['public', 'private'] as const;
export const TYPES = ['machine', 'kernel', 'ramdisk'] as const;
export const FORMATS = ['raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'iso', 'ami', 'aki', 'ari', 'ploop'] as const;
export const STATUSES = ['locked', 'uploading', 'available', 'error'] as const;

/** Fields a client sets. */
export const WRITABLE_FIELDS = ['name', 'architecture', 'access', 'type', 'format', 'store', 'kernel', 'ramdisk'] as const;

/** Fields only the server sets (refused in add/update, usable as filters). */
export const SERVER_FIELDS = [
  'id', 'uri', 'location', 'owner', 'status', 'size', 'checksum', 'sha256',
  'created_at', 'updated_at', 'uploaded_at', 'accessed_at', 'access_count',
] as const;

export const BASE_FIELDS: readonly string[] = [...WRITABLE_FIELDS, ...SERVER_FIELDS];

/** Fields the server sorts on: every base field but `uri`. */
export const SORT_FIELDS: readonly string[] = BASE_FIELDS.filter((f) => f !== 'uri');

/** The brief fields of `GET /images`, in the server's order. */
export const BRIEF_FIELDS = ['id', 'name', 'architecture', 'access', 'type', 'format', 'store', 'size', 'status'] as const;

/** Allowed values of the enumerated fields. */
export const ENUMS: Readonly<Record<string, readonly string[]>> = {
  architecture: ARCHITECTURES,
  access: ACCESSES,
  type: TYPES,
  format: FORMATS,
  status: STATUSES,
};

/** Custom property names, as the server checks them. */
export const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,63}$/;
