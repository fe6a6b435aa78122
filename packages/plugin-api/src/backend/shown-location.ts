/**
 * How a location is named in errors and logs: a URL without credentials,
 * query or fragment (presigned URLs and mirrors carry tokens there); a
 * location that is no URL as it is, cut at 80 characters.
 */
export function shownLocation(location: string): string {
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return location.length > 80 ? `${location.slice(0, 80)}...` : location;
  }
}
