/**
 * The order in which CloudFormation creates a template's resources, read the
 * way CloudFormation reads it: a resource is created after every resource it
 * names in `DependsOn`, and after every resource it references with `Ref`,
 * `Fn::GetAtt` or `Fn::Sub` (`${Name}`, `${Name.Attribute}`), anywhere in its
 * declaration (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html:
 * "resources that use an intrinsic function to refer to another resource
 * depend on it"). Parameters and pseudo parameters (`AWS::Region`, …) are not
 * resources and add no edge. Metadata (CDK's construct paths, cfn-lint and
 * cdk-nag notes) is not read.
 */

type Json = unknown;

interface TemplateJson {
  readonly Resources?: Record<string, { readonly Type: string; readonly DependsOn?: string | string[]; readonly [key: string]: Json }>;
}

/** The names `${…}` in an `Fn::Sub` string refers to (`${!Literal}` is escaped text). */
function subNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]+)\}/g)) {
    const inner = match[1].trim();
    if (inner.startsWith('!')) continue;
    names.push(inner.split('.')[0]);
  }
  return names;
}

/** Every resource name an intrinsic function inside `value` refers to. */
function referencedNames(value: Json, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Record<string, Json>)) {
    if (key === 'Ref' && typeof inner === 'string') {
      out.add(inner);
    } else if (key === 'Fn::GetAtt') {
      if (typeof inner === 'string') out.add(inner.split('.')[0]);
      else if (Array.isArray(inner) && typeof inner[0] === 'string') out.add(inner[0]);
      referencedNames(inner, out);
    } else if (key === 'Fn::Sub') {
      if (typeof inner === 'string') {
        subNames(inner).forEach((n) => out.add(n));
      } else if (Array.isArray(inner)) {
        const [text, variables] = inner as [Json, Record<string, Json> | undefined];
        const local = new Set(Object.keys(variables ?? {}));
        if (typeof text === 'string') subNames(text).filter((n) => !local.has(n)).forEach((n) => out.add(n));
        referencedNames(variables, out);
      }
    } else {
      referencedNames(inner, out);
    }
  }
}

/** The dependency graph of a synthesized template. */
export class CreationOrder {
  private readonly edges = new Map<string, Set<string>>();

  constructor(template: Json) {
    const resources = (template as TemplateJson).Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      const names = new Set<string>();
      const dependsOn = resource.DependsOn;
      for (const d of typeof dependsOn === 'string' ? [dependsOn] : dependsOn ?? []) names.add(d);
      for (const [key, value] of Object.entries(resource)) {
        if (key === 'Metadata' || key === 'DependsOn' || key === 'Type') continue;
        referencedNames(value, names);
      }
      this.edges.set(id, new Set([...names].filter((n) => n in resources && n !== id)));
    }
  }

  /** The logical ids of the template's resources. */
  public get resources(): string[] {
    return [...this.edges.keys()];
  }

  /** What CloudFormation creates before `id` because `id` names it directly. */
  public directPrerequisites(id: string): string[] {
    return [...this.required(id)].sort();
  }

  /** Whether CloudFormation creates `prerequisite` (completely) before it starts `id`. */
  public createsBefore(prerequisite: string, id: string): boolean {
    return this.chain(id, prerequisite) !== undefined;
  }

  /**
   * One shortest chain `id → … → prerequisite` of direct dependencies (each
   * element depends on the next), or undefined when there is none.
   */
  public chain(id: string, prerequisite: string): string[] | undefined {
    this.required(id);
    this.required(prerequisite);
    const previous = new Map<string, string>();
    const queue = [id];
    const seen = new Set([id]);
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const next of this.edges.get(current)!) {
        if (seen.has(next)) continue;
        seen.add(next);
        previous.set(next, current);
        if (next === prerequisite) {
          const path = [next];
          while (path[0] !== id) path.unshift(previous.get(path[0])!);
          return path;
        }
        queue.push(next);
      }
    }
    return undefined;
  }

  /** Everything created before `id`, directly or not. */
  public allPrerequisites(id: string): string[] {
    const seen = new Set<string>();
    const stack = [...this.required(id)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.edges.get(next)!);
    }
    return [...seen].sort();
  }

  private required(id: string): Set<string> {
    const found = this.edges.get(id);
    if (!found) throw new Error(`no resource ${JSON.stringify(id)} in the template`);
    return found;
  }
}
