export * from './client';
export type { paths, components } from './generated/kong-admin';
