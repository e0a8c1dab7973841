import type { IConstruct } from 'constructs';

/**
 * Error messages name the prop the user set, as the user spelled it.
 *
 * 1. **Which prop.** A sub-construct created by `KongHybridGateway` checks its
 *    own props (`maxCapacity` of `KongDatabase`), but the user set the
 *    gateway's (`databaseMaxCapacity`). Before creating a child, the parent
 *    says what the child's props are called where the user set them
 *    (`nameChildProps`); the child's checks ask `propNamer(this)`.
 * 2. **Which language.** jsii-pacmak lifts struct props into Python keyword
 *    arguments in snake_case (`database_max_capacity`), through codemaker's
 *    `toSnakeCase`; Java's builders keep the TypeScript name. Each jsii host
 *    runtime names itself to the JavaScript side in the `JSII_AGENT`
 *    environment variable of the node process it starts: `Python/<version>`
 *    (aws/jsii packages/@jsii/python-runtime/src/jsii/_kernel/providers/process.py,
 *    `start()`), `Java/<version>` (packages/@jsii/java-runtime/project/src/main/java/software/amazon/jsii/JsiiRuntime.java),
 *    unset for a program that runs on Node.js itself; jsii introduced it for
 *    this kind of use (aws/jsii#325, "JSII_AGENT"), and aws-cdk-lib reads it
 *    the same way for its version reporting (core/lib/private/stack-metadata.ts).
 */

/** Names one of a construct's props as its user knows it. */
export type PropNamer = (prop: string) => string;

/** The language whose spelling error messages use. */
export enum HostLanguage {
  /** TypeScript or JavaScript, and Java (its builder methods keep the TypeScript names). */
  TYPESCRIPT = 'typescript',
  /** Python: snake_case keyword arguments. */
  PYTHON = 'python',
}

/** The calling program's language, from the jsii host runtime's `JSII_AGENT` (unset on Node.js). */
export function hostLanguage(agent: string | undefined = process.env.JSII_AGENT): HostLanguage {
  return agent !== undefined && /^python\//i.test(agent) ? HostLanguage.PYTHON : HostLanguage.TYPESCRIPT;
}

// codemaker's toSnakeCase (the one jsii-pacmak names Python arguments with)
// keeps these abbreviations together: dataPlaneMemoryMiB → data_plane_memory_mib.
// test/prop-names.test.ts holds this copy to codemaker's answer for every prop we export.
const ABBREVIATIONS = /(^|[^A-Z])(KiB|MiB|GiB)($|[^a-z])/g;

/** A camelCase name as jsii-pacmak spells it in Python (codemaker's `toSnakeCase`, decamelize 5). */
export function toPythonName(name: string): string {
  const kept = name.replace(ABBREVIATIONS, (_, before: string, abbr: string, after: string) => before + abbr[0].toUpperCase() + abbr.slice(1).toLowerCase() + after);
  if (kept.length < 2) return kept.toLowerCase();
  return kept
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1_$2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll}+)/gu, '$1_$2')
    .toLowerCase();
}

/**
 * A prop name in the calling language: `databaseMaxCapacity` from TypeScript
 * and Java, `database_max_capacity` from Python. An index or a key after the
 * name (`adminAllowedCidrs[1]`) is kept.
 */
export function spell(prop: string, language: HostLanguage = hostLanguage()): string {
  if (language !== HostLanguage.PYTHON) return prop;
  const match = /^([A-Za-z][A-Za-z0-9]*)(.*)$/s.exec(prop);
  return match ? toPythonName(match[1]) + match[2] : prop;
}

/** A boolean, `undefined` or `null` as the calling language writes it (`True`, `None` in Python). */
export function literal(value: boolean | undefined | null, language: HostLanguage = hostLanguage()): string {
  if (language === HostLanguage.PYTHON) return value === true ? 'True' : value === false ? 'False' : 'None';
  return String(value);
}

const CHILD_PROP_NAMES = new WeakMap<IConstruct, Map<string, Readonly<Record<string, string>>>>();

/**
 * Says, before the child `id` of `parent` is created, what its props are
 * called where the user set them: `{ maxCapacity: 'databaseMaxCapacity' }`.
 * Props left out keep their own names.
 */
export function nameChildProps(parent: IConstruct, id: string, names: Record<string, string>): void {
  let children = CHILD_PROP_NAMES.get(parent);
  if (!children) CHILD_PROP_NAMES.set(parent, children = new Map());
  children.set(id, { ...names });
}

/**
 * How `scope` names its own props in error messages: the name its parent
 * gave (`nameChildProps`), else its own, spelled in the calling language.
 * Call it from the constructor, after `super(scope, id)`.
 */
export function propNamer(scope: IConstruct): PropNamer {
  const parent = scope.node.scope;
  const names = parent ? CHILD_PROP_NAMES.get(parent)?.get(scope.node.id) : undefined;
  return (prop) => {
    const match = /^([A-Za-z][A-Za-z0-9]*)(.*)$/s.exec(prop);
    if (!match) return prop;
    const [, name, rest] = match;
    return spell((names && Object.prototype.hasOwnProperty.call(names, name) ? names[name] : name) + rest);
  };
}

/** A namer that spells names in the calling language only (for checks outside a construct's constructor). */
export const OWN_NAMES: PropNamer = (prop) => spell(prop);
