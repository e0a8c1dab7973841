import { App } from 'aws-cdk-lib';
import { DEFAULT_CONFIG, readConfig } from '../src/config';

const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('readConfig', () => {
  test('GIVEN no context WHEN read THEN the defaults for kong-gw.example.com apply', () => {
    expect(configOf({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.domainName).toBe('kong-gw.example.com');
  });

  test('GIVEN command-line strings WHEN read THEN numbers, flags and lists are parsed', () => {
    const config = configOf({
      domainName: 'api.example.org', dataPlaneMinTasks: '3', controlPlaneAlwaysOn: 'true', adminAllowedCidrs: '198.51.100.0/24, 2001:db8::/48',
    });
    expect(config).toMatchObject({ domainName: 'api.example.org', dataPlaneMinTasks: 3, controlPlaneAlwaysOn: true, adminAllowedCidrs: ['198.51.100.0/24', '2001:db8::/48'] });
  });

  test('GIVEN cdk.json values WHEN read THEN typed values are taken as they are', () => {
    expect(configOf({ egress: 'natGateway', natCount: 1, adminAllowedCidrs: ['192.0.2.0/24'] })).toMatchObject({ egress: 'natGateway', natCount: 1, adminAllowedCidrs: ['192.0.2.0/24'] });
    expect(configOf({ dataPlaneFargateSpot: 'true', dataPlaneOnDemandBaseTasks: '0', dataPlaneCpu: '256' }))
      .toMatchObject({ dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 0, dataPlaneCpu: 256 });
    expect(configOf({})).not.toHaveProperty('dataPlaneOnDemandBaseTasks');
  });

  test.each([
    [{ dataPlaneMinTasks: 'two' }, 'context dataPlaneMinTasks: expected a whole number, got "two"'],
    [{ natCount: -1 }, 'context natCount: expected a whole number, got -1'],
    [{ egress: 'ipv6' }, 'context egress: expected natInstance or natGateway, got "ipv6"'],
    [{ dataPlaneOnDemandBaseTasks: 'one' }, 'context dataPlaneOnDemandBaseTasks: expected a whole number, got "one"'],
    [{ natGateways: 2 }, 'context natGateways was replaced by egress and natCount: use -c egress=natGateway -c natCount=2'],
    [{ controlPlaneAlwaysOn: 'yes' }, 'context controlPlaneAlwaysOn: expected true or false, got "yes"'],
    [{ domainName: ' ' }, 'context domainName: expected a non-empty string, got " "'],
    [{ adminAllowedCidrs: [1] }, 'context adminAllowedCidrs: expected a list of strings (comma-separated on the command line), got [1]'],
  ])('GIVEN %j WHEN read THEN it fails naming the key and the value', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });
});
