/** EventBridge events as AWS delivers them (the fields the scaler reads, and the usual envelope). */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
let ids = 0;

function envelope(detailType: string, source: string, time: number, resources: string[], detail: Record<string, unknown>) {
  ids++;
  return {
    'version': '0',
    'id': `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    'detail-type': detailType,
    source,
    'account': ACCOUNT,
    'time': new Date(time).toISOString(),
    'region': REGION,
    resources,
    detail,
  };
}

/** `ECS Task State Change` of a task of `service:<service>`. */
export function taskStateChange(options: { cluster: string; service: string; taskId: string; lastStatus: string; version: number; time: number }) {
  const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${options.cluster}`;
  const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${options.cluster}/${options.taskId}`;
  return envelope('ECS Task State Change', 'aws.ecs', options.time, [taskArn], {
    clusterArn,
    taskArn,
    group: `service:${options.service}`,
    lastStatus: options.lastStatus,
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE',
    version: options.version,
    updatedAt: new Date(options.time).toISOString(),
  });
}

/** `ECS Deployment State Change` of a service. */
export function deploymentStateChange(options: { cluster: string; service: string; deploymentId: string; eventName: string; time: number }) {
  return envelope('ECS Deployment State Change', 'aws.ecs', options.time, [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/${options.cluster}/${options.service}`], {
    eventType: 'INFO',
    eventName: options.eventName,
    deploymentId: options.deploymentId,
    updatedAt: new Date(options.time).toISOString(),
    reason: 'ECS deployment in progress.',
  });
}

/** `CloudWatch Alarm State Change`. */
export function alarmStateChange(options: { alarmName: string; value: string; time: number }) {
  return envelope('CloudWatch Alarm State Change', 'aws.cloudwatch', options.time, [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${options.alarmName}`], {
    alarmName: options.alarmName,
    state: { value: options.value, reason: 'Threshold Crossed', timestamp: new Date(options.time).toISOString() },
    previousState: { value: 'OK' },
  });
}

/** The schedule's `Scheduled Event`. */
export function scheduledEvent(time: number) {
  return envelope('Scheduled Event', 'aws.events', time, [`arn:aws:events:${REGION}:${ACCOUNT}:rule/idle-scaler-schedule`], {});
}
