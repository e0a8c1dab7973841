/** The parts of a CloudFormation template the summary and the cost model read. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** The construct path CDK records for a resource, without the stack and `/Resource`. */
export function constructPath(resource: CfnResource, logicalId: string): string {
  const path: string | undefined = resource.Metadata?.['aws:cdk:path'];
  if (!path) return logicalId;
  const parts = path.split('/').slice(1).filter((part) => part !== 'Resource' && part !== 'Default');
  // `Service/Service` (a construct and its L2 child of the same name) reads as one.
  return parts.filter((part, i) => part !== parts[i - 1]).join('/');
}

/** The logical ID a `{ Ref }` or `{ Fn::GetAtt }` points at, if it is one. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** Every resource of one type, with its logical ID. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}
