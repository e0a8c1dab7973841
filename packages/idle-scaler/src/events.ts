import type { ScalerEvent } from './core';

/**
 * What the function is invoked with: an EventBridge event (ECS task and
 * deployment state changes, CloudWatch alarm state changes, the schedule) or an
 * operator's request such as `{"action":"wake"}`.
 */
export type Incoming =
  | { readonly kind: 'event'; readonly event: ScalerEvent }
  | { readonly kind: 'status' }
  | { readonly kind: 'ignored'; readonly reason: string };

/** The operator actions the function accepts. */
export const OPERATOR_ACTIONS = ['wake', 'sleep', 'status', 'tick'] as const;

/** Whose events count as the data plane's. */
export interface EventFilter {
  /** The data plane's ECS service name. */
  readonly dataPlaneService: string;
}

/** Turns whatever the function was invoked with into an event for the core. Pure. */
export function classify(raw: unknown, filter: EventFilter): Incoming {
  if (!isObject(raw)) throw new Error(`unsupported invocation ${JSON.stringify(raw)}: expected an EventBridge event or {"action": ${OPERATOR_ACTIONS.map((a) => `"${a}"`).join(' | ')}}`);

  if ('action' in raw) {
    const action = raw.action;
    const note = typeof raw.reason === 'string' && raw.reason.length > 0 ? raw.reason : 'operator request';
    switch (action) {
      case 'wake': return { kind: 'event', event: { type: 'wake', cause: 'operator', detail: note } };
      case 'sleep': return { kind: 'event', event: { type: 'sleep' } };
      case 'tick': return { kind: 'event', event: { type: 'tick' } };
      case 'status': return { kind: 'status' };
      default:
        throw new Error(`unsupported action ${JSON.stringify(action)}: expected one of ${OPERATOR_ACTIONS.map((a) => `"${a}"`).join(', ')}`);
    }
  }

  const detailType = raw['detail-type'];
  const detail = isObject(raw.detail) ? raw.detail : {};
  // The event's own time (EventBridge's `time`: when the change happened at the source), so that
  // a late delivery is known as such. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
  const occurredAt = Date.parse(str(raw.time));
  const when = Number.isFinite(occurredAt) ? { occurredAt } : {};
  switch (detailType) {
    case 'Scheduled Event':
      return { kind: 'event', event: { type: 'tick' } };

    case 'ECS Task State Change': {
      const group = str(detail.group);
      const status = str(detail.lastStatus);
      const taskArn = str(detail.taskArn);
      if (group !== `service:${filter.dataPlaneService}`) return ignored(`task of ${group || 'no group'}, not of the data plane service`);
      if (status !== 'PROVISIONING' && status !== 'PENDING') return ignored(`data plane task ${status || 'without status'}`);
      if (!taskArn) return ignored('task state change without taskArn');
      return {
        kind: 'event',
        event: {
          type: 'wake',
          cause: 'dp-task-starting',
          detail: `data plane task ${lastSegment(taskArn)} ${status}`,
          // One key per task: its PROVISIONING and PENDING events are one start.
          delivery: { key: `task:${taskArn}`, version: num(detail.version) },
          ...when,
          task: { arn: taskArn, status },
        },
      };
    }

    case 'ECS Deployment State Change': {
      const eventName = str(detail.eventName);
      const deploymentId = str(detail.deploymentId);
      const resources = Array.isArray(raw.resources) ? raw.resources.map(str) : [];
      if (!resources.some((arn) => lastSegment(arn) === filter.dataPlaneService)) return ignored('deployment of another service');
      if (eventName !== 'SERVICE_DEPLOYMENT_IN_PROGRESS') return ignored(`data plane deployment ${eventName || 'without eventName'}`);
      return {
        kind: 'event',
        event: {
          type: 'wake',
          cause: 'dp-deployment',
          detail: `data plane deployment ${deploymentId || '(no id)'} in progress`,
          delivery: { key: `deployment:${deploymentId || str(raw.id)}`, version: 0 },
          ...when,
        },
      };
    }

    case 'CloudWatch Alarm State Change': {
      const alarmName = str(detail.alarmName);
      const state = isObject(detail.state) ? detail.state : {};
      if (str(state.value) !== 'ALARM') return ignored(`alarm ${alarmName} is ${str(state.value) || 'in no state'}`);
      return {
        kind: 'event',
        event: {
          type: 'wake',
          cause: 'scale-out-alarm',
          detail: `alarm ${alarmName} in ALARM`,
          delivery: { key: `alarm:${alarmName}:${str(state.timestamp) || str(raw.time)}`, version: 0 },
          ...when,
        },
      };
    }

    default:
      return ignored(`unsupported event ${JSON.stringify(detailType ?? null)} from ${JSON.stringify(raw.source ?? null)}`);
  }
}

function ignored(reason: string): Incoming {
  return { kind: 'ignored', reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
