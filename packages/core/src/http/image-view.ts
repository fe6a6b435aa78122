import { BASE_FIELDS, BRIEF_FIELDS, type Image } from '@visor/plugin-api';

export type ImageView = Record<string, unknown>;

/** The image as clients see it: base fields (with the derived `uri`) then custom properties. */
export function fullView(image: Image, baseUrl: string): ImageView {
  const view: ImageView = {};
  for (const field of BASE_FIELDS) {
    view[field] = field === 'uri' ? `${baseUrl}/images/${image.id}` : image[field];
  }
  for (const [name, value] of Object.entries(image.properties)) view[name] = value;
  return view;
}

export function briefView(image: Image): ImageView {
  const view: ImageView = {};
  for (const field of BRIEF_FIELDS) view[field] = image[field];
  return view;
}
