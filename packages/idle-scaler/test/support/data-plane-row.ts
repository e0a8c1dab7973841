import type { DataPlane } from '@kong-hybrid/admin-client/test/emulator';
import { FALLBACK_LABEL } from '../../src/sync';

/**
 * The row Kong keeps for the DP of a task: a node id made from the task's id,
 * its address (kong/clustering/control_plane.lua:249-264 at 3.9.3). With
 * `fallback`, the DP started from that fallback configuration: it carries the
 * label, and its hash is the file's until the control plane's push (src/sync.ts).
 */
export function dataPlaneRow(taskId: string, ip: string, lastSeen: number, hash: string, fallback?: string): DataPlane {
  const hex = taskId.replace(/[^0-9a-f]/g, '').padEnd(32, '0');
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    ip,
    hostname: `ip-${ip.replace(/\./g, '-')}`,
    version: '3.9.3',
    config_hash: hash,
    last_seen: lastSeen,
    updated_at: lastSeen,
    ttl: 1209600,
    sync_status: 'normal',
    ...(fallback ? { labels: { [FALLBACK_LABEL]: fallback } } : {}),
  } as DataPlane;
}
