import type { Image, PropertyValue } from '@visor/plugin-api';

/** A row of the `images` table. */
export interface ImageRow {
  id: string;
  name: string;
  architecture: string;
  access: string;
  type: string;
  format: string | null;
  store: string;
  location: string | null;
  kernel: string | null;
  ramdisk: string | null;
  owner: string | null;
  status: string;
  size: number | string | null;
  checksum: string | null;
  sha256: string | null;
  created_at: string;
  updated_at: string;
  uploaded_at: string | null;
  accessed_at: string | null;
  access_count: number | string;
  upload_restore: string | null;
  upload_owner?: string | null;
}

export interface PropertyRow {
  image_id: string;
  name: string;
  value: string;
  value_type: string;
}

// PostgreSQL returns BIGINT as a string; sizes stay below 2^53 so a number is exact.
const toNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function rowToImage(row: ImageRow, properties: Record<string, PropertyValue> = {}): Image {
  return {
    id: row.id,
    name: row.name,
    architecture: row.architecture as Image['architecture'],
    access: row.access as Image['access'],
    type: row.type as Image['type'],
    format: row.format as Image['format'],
    store: row.store,
    location: row.location,
    kernel: row.kernel,
    ramdisk: row.ramdisk,
    owner: row.owner,
    status: row.status as Image['status'],
    size: toNumber(row.size),
    checksum: row.checksum,
    sha256: row.sha256,
    created_at: row.created_at,
    updated_at: row.updated_at,
    uploaded_at: row.uploaded_at,
    accessed_at: row.accessed_at,
    access_count: toNumber(row.access_count) ?? 0,
    properties,
  };
}

export function imageToRow(image: Image): Omit<ImageRow, 'upload_restore'> {
  const { properties: _properties, ...row } = image;
  return row;
}

export function propertyToRow(imageId: string, name: string, value: PropertyValue): PropertyRow {
  return { image_id: imageId, name, value: String(value), value_type: typeof value };
}

export function rowToPropertyValue(row: PropertyRow): PropertyValue {
  if (row.value_type === 'number') return Number(row.value);
  if (row.value_type === 'boolean') return row.value === 'true';
  return row.value;
}
