import type { KongAdminClient } from './client.js';
import { unwrap, type FetchResult } from './errors.js';
import { invalid } from './invalid.js';
import type { paths } from './types.js';

type GetOperation<P extends keyof paths> = paths[P] extends { get: infer O } ? O : never;
type Json200<O> = O extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

/** Every path whose GET answers a `{ data, offset, next }` page. */
export type ListPath = {
  [P in keyof paths]: Json200<GetOperation<P>> extends { data: unknown[]; next: unknown } ? P : never;
}[keyof paths];

/** The items a list path pages through. */
export type ListItem<P extends ListPath> = Json200<GetOperation<P>> extends { data: Array<infer T> } ? T : never;

type Parameters_<P extends ListPath> = GetOperation<P> extends { parameters: infer X } ? X : never;
type PathParameters<P extends ListPath> = Parameters_<P> extends { path: infer X } ? X : never;
type QueryParameters<P extends ListPath> = Parameters_<P> extends { query?: infer Q } ? Omit<NonNullable<Q>, 'offset' | 'size'> : never;

/** Options of {@link paginate}: the path's parameters (no `offset`, no `size`) and the page size. */
export type PaginateOptions<P extends ListPath> = {
  /**
   * Entities per request, 1 to 1000.
   * @default 1000
   */
  readonly pageSize?: number;
  /** Filters such as `tags` (see `allTags`, `anyTags`). */
  readonly query?: QueryParameters<P>;
  readonly signal?: AbortSignal;
} & ([PathParameters<P>] extends [never] ? { readonly path?: undefined } : { readonly path: PathParameters<P> });

/** The options argument: required when the path has parameters such as `{service}`. */
export type PaginateArgs<P extends ListPath> = [PathParameters<P>] extends [never] ? [options?: PaginateOptions<P>] : [options: PaginateOptions<P>];

interface Page {
  readonly data: unknown[];
  readonly offset?: string | null;
}

/**
 * Iterates over every entity of a list, requesting page after page with the
 * `offset` of the previous one (never `next`, which drops path prefixes).
 * Throws a `KongAdminError` when a page fails.
 *
 * @example
 * for await (const service of paginate(kong, '/services', { query: { tags: allTags('team-a') } })) console.log(service.name);
 * for await (const route of paginate(kong, '/services/{service}/routes', { path: { service: 'billing' } })) console.log(route.paths);
 */
export async function* paginate<P extends ListPath>(client: KongAdminClient, path: P, ...[options]: PaginateArgs<P>): AsyncGenerator<ListItem<P>, void, undefined> {
  const pageSize = options?.pageSize ?? 1000;
  if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 1000)) invalid('paginate', 'pageSize must be an integer from 1 to 1000', pageSize);
  const get = (client as unknown as { GET(p: string, init: unknown): Promise<FetchResult<Page>> });
  let offset: string | null | undefined;
  do {
    const page = unwrap(await get.GET(path, { params: { path: options?.path, query: { ...options?.query, size: pageSize, offset } }, signal: options?.signal }));
    yield* page.data as Array<ListItem<P>>;
    offset = page.offset;
  } while (offset);
}

/** Every entity of a list, in one array (see {@link paginate}). */
export async function listAll<P extends ListPath>(client: KongAdminClient, path: P, ...args: PaginateArgs<P>): Promise<Array<ListItem<P>>> {
  const all: Array<ListItem<P>> = [];
  for await (const item of paginate(client, path, ...args)) all.push(item);
  return all;
}
