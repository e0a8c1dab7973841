import { invalid } from './invalid.js';

/** One to five tags: Kong filters by at most five. */
export type TagList = readonly [string] | readonly [string, string] | readonly [string, string, string]
  | readonly [string, string, string, string] | readonly [string, string, string, string, string];

/** Entities carrying every one of the tags (`?tags=a,b`). */
export function allTags(...tags: TagList): string {
  return join(tags, ',', 'allTags');
}

/** Entities carrying any one of the tags (`?tags=a/b`). */
export function anyTags(...tags: TagList): string {
  return join(tags, '/', 'anyTags');
}

function join(tags: readonly string[], separator: string, fn: string): string {
  if (tags.length < 1 || tags.length > 5) invalid(fn, 'Kong filters by 1 to 5 tags', tags.length);
  // eslint-disable-next-line no-control-regex
  for (const tag of tags) if (!/^[^,/\0-\x1f\x7f]+$/.test(tag)) invalid(fn, "a tag must be printable, without ',' or '/'", tag);
  return tags.join(separator);
}
