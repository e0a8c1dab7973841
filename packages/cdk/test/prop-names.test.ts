import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GATEWAY_PROP_NAMES } from '../src/private/gateway-prop-names';
import { HostLanguage, hostLanguage, spell, toPythonName } from '../src/private/prop-names';

/**
 * The spelling jsii-pacmak gives Python names (lib/targets/python.js:
 * toPythonParameterName, toPythonPropertyName): codemaker's toSnakeCase, the
 * copy jsii-pacmak itself loads.
 */
const { toSnakeCase } = require(require.resolve('codemaker', { paths: [path.dirname(require.resolve('jsii-pacmak/package.json'))] })) as { toSnakeCase: (s: string) => string };

/** The library's own jsii assembly, as compiled. */
const assembly = JSON.parse(readFileSync(path.join(__dirname, '..', '.jsii'), 'utf8'));
const structProps = (name: string): string[] => {
  const type = assembly.types[`@kong-hybrid/cdk.${name}`];
  if (!type) throw new Error(`no type ${name} in the assembly`);
  return [...(type.properties ?? []).map((p: any) => p.name), ...(type.interfaces ?? []).flatMap((i: string) => structProps(i.split('.').pop()!))];
};

/** The props struct of each sub-construct the gateway creates, by construct ID. */
const CHILD_PROPS: Record<keyof typeof GATEWAY_PROP_NAMES, string> = {
  Network: 'GatewayNetworkProps',
  Database: 'KongDatabaseProps',
  ClusterCertificate: 'ClusterCertificateProps',
  LoadBalancer: 'SharedLoadBalancerProps',
  ControlPlane: 'ControlPlaneProps',
  DataPlane: 'DataPlaneProps',
  Firewall: 'GatewayFirewallProps',
  IdleScaler: 'IdleScalerProps',
  AdminApiProxy: 'AdminApiProxyProps',
  FallbackConfig: 'FallbackConfigProps',
};

/** Props the gateway fills from its own state, never from a prop the user set under another name. */
const SET_BY_THE_GATEWAY: Record<keyof typeof GATEWAY_PROP_NAMES, string[]> = {
  Network: [],
  Database: ['databaseName', 'vpcSubnets'],
  ClusterCertificate: ['renewBefore'],
  LoadBalancer: ['accessLogPrefix'],
  ControlPlane: ['clusterCertificate', 'databaseCluster', 'databaseSecret', 'databaseName', 'databasePort', 'vpcSubnets'],
  DataPlane: ['controlPlane', 'clusterCertificate', 'listener', 'vpcSubnets'],
  Firewall: ['loadBalancer', 'adminPathPrefix'],
  IdleScaler: ['adminApiUrl', 'controlPlaneService', 'dataPlaneService', 'controlPlaneConnections', 'database', 'pollInterval', 'scaleOutAlarms', 'tickInterval', 'vpcSubnets', 'fallbackConfigExporter'],
  AdminApiProxy: ['adminApiUrl', 'controlPlaneService', 'database', 'routePath', 'vpcSubnets', 'waitTimeout'],
  FallbackConfig: ['vpc', 'vpcSubnets', 'adminApiUrl', 'serverAccessLogsBucket', 'schedule'],
};

describe('prop names in error messages', () => {
  const gatewayProps = new Set(structProps('KongHybridGatewayProps'));

  test.each(Object.keys(CHILD_PROPS) as Array<keyof typeof GATEWAY_PROP_NAMES>)('GIVEN the %s sub-construct WHEN its props are named for the gateway THEN each is a gateway prop, the same prop, or one the gateway sets itself', (child) => {
    const names: Record<string, string> = GATEWAY_PROP_NAMES[child];
    const own = structProps(CHILD_PROPS[child]);
    // Every renamed prop exists on both sides.
    for (const [prop, gatewayProp] of Object.entries(names)) {
      expect({ prop, exists: own.includes(prop) }).toEqual({ prop, exists: true });
      expect({ gatewayProp, exists: gatewayProps.has(gatewayProp) }).toEqual({ gatewayProp, exists: true });
    }
    // A prop added to a sub-construct and passed on from a differently named gateway prop must be named here.
    const unnamed = own.filter((p) => !(p in names) && !gatewayProps.has(p) && !SET_BY_THE_GATEWAY[child].includes(p));
    expect(unnamed).toEqual([]);
  });

  test('GIVEN every name in the library\'s API WHEN spelled for Python THEN it is the name jsii-pacmak generates', () => {
    const names = new Set<string>();
    for (const type of Object.values<any>(assembly.types)) {
      for (const p of type.properties ?? []) names.add(p.name);
      for (const m of type.methods ?? []) {
        names.add(m.name);
        for (const param of m.parameters ?? []) names.add(param.name);
      }
    }
    for (const name of ['dataPlaneMemoryMiB', 'fromHostedZoneAttributes', 'fromLookup', 'x', 'sizeGiB', 'ipv6Cidr', 'loadBalancerARN']) names.add(name);
    expect(names.size).toBeGreaterThan(150);
    const mismatches = [...names].filter((n) => toPythonName(n) !== toSnakeCase(n)).map((n) => `${n}: ${toPythonName(n)} vs ${toSnakeCase(n)}`);
    expect(mismatches).toEqual([]);
    // The one abbreviation that matters here: MiB stays together.
    expect(toPythonName('dataPlaneMemoryMiB')).toBe('data_plane_memory_mib');
  });

  test('GIVEN the JSII_AGENT each host runtime sets WHEN the language is read THEN only Python spells names differently', () => {
    expect(hostLanguage(undefined)).toBe(HostLanguage.TYPESCRIPT);
    expect(hostLanguage('Java/17.0.12')).toBe(HostLanguage.TYPESCRIPT);
    expect(hostLanguage('Python/3.11.7')).toBe(HostLanguage.PYTHON);
    expect(spell('adminAllowedCidrs[1]', HostLanguage.PYTHON)).toBe('admin_allowed_cidrs[1]');
    expect(spell('adminAllowedCidrs[1]', HostLanguage.TYPESCRIPT)).toBe('adminAllowedCidrs[1]');
  });
});
