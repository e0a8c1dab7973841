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
  if (tags.length < 1 || tags.length > 5) throw new RangeError(`${fn}: Kong filters by 1 to 5 tags, got ${tags.length}`);
  for (const tag of tags) {
    // eslint-disable-next-line no-control-regex
    if (typeof tag !== 'string' || !/^[^,/\u0000-\u001f\u007f]+$/.test(tag)) {
      throw new TypeError(`${fn}: a tag is printable text without ',' or '/', got ${JSON.stringify(tag)}`);
    }
  }
  return tags.join(separator);
}
