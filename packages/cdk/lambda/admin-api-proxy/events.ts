/**
 * What invoked the function: CloudFormation (the custom resource), an
 * EventBridge rule (a repair), or a person (`{"action":"repair"}`). Pure.
 *
 * Repairs run on:
 * - `CloudFormation Stack Status Change` with status UPDATE_COMPLETE or
 *   UPDATE_ROLLBACK_COMPLETE: after every stack update, whatever it changed
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stack-status-change.html);
 * - `ECS Task State Change` of the control plane's service with lastStatus
 *   and desiredStatus RUNNING: the control plane started (a wake by the idle
 *   scaler, a deployment, a replacement)
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html).
 * ECS sends several RUNNING events for one task (a health status change is
 * one more): a repair is idempotent, the second finds nothing to do.
 */
import type { RepairTrigger } from './handler';

export type Invocation =
  | { readonly kind: 'custom-resource' }
  | { readonly kind: 'repair'; readonly trigger: RepairTrigger; readonly detail: Record<string, unknown> }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Stack statuses after which a repair runs: an update that completed, or was rolled back. */
export const REPAIR_STACK_STATUSES = ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined);

export function classify(event: unknown): Invocation {
  const e = obj(event);
  if (!e) return { kind: 'ignored', reason: `not an event object: ${JSON.stringify(event)?.slice(0, 100)}` };
  if (typeof e.RequestType === 'string' && typeof e.ResponseURL === 'string') return { kind: 'custom-resource' };
  if (e.action === 'repair') return { kind: 'repair', trigger: 'manual', detail: {} };
  const detail = obj(e.detail);
  if (e.source === 'aws.cloudformation' && e['detail-type'] === 'CloudFormation Stack Status Change') {
    const status = obj(detail?.['status-details'])?.status;
    if (typeof status === 'string' && REPAIR_STACK_STATUSES.includes(status)) {
      return { kind: 'repair', trigger: 'stack-updated', detail: { stackStatus: status } };
    }
    return { kind: 'ignored', reason: `stack status ${JSON.stringify(status)} is not one a repair follows` };
  }
  if (e.source === 'aws.ecs' && e['detail-type'] === 'ECS Task State Change') {
    if (detail?.lastStatus === 'RUNNING' && detail?.desiredStatus === 'RUNNING') {
      return { kind: 'repair', trigger: 'control-plane-started', detail: { taskArn: detail.taskArn, version: detail.version } };
    }
    return { kind: 'ignored', reason: `task ${JSON.stringify(detail?.lastStatus)} (desired ${JSON.stringify(detail?.desiredStatus)}) is not a start` };
  }
  const keys = Object.keys(e).slice(0, 5).join(', ');
  return { kind: 'ignored', reason: `unknown event (keys: ${keys}); invoke with {"action":"repair"} to repair /kong-admin` };
}
