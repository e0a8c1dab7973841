import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { CreationOrder } from './support/creation-order';
import { gatewayStack } from './support/stacks';

describe('CreationOrder (the test helper) reads dependencies as CloudFormation does', () => {
  const template = {
    Parameters: { Size: { Type: 'Number' } },
    Resources: {
      A: { Type: 'X::A', Properties: {} },
      B: { Type: 'X::B', DependsOn: 'A', Properties: {} },
      C: { Type: 'X::C', Properties: { Ref: { Ref: 'B' }, Region: { Ref: 'AWS::Region' }, Size: { Ref: 'Size' } } },
      D: { Type: 'X::D', Properties: { Nested: [{ Value: { 'Fn::GetAtt': ['C', 'Arn'] } }] } },
      E: { Type: 'X::E', Properties: { Value: { 'Fn::GetAtt': 'D.Endpoint.Address' } } },
      F: { Type: 'X::F', Properties: { Value: { 'Fn::Sub': 'arn:${AWS::Partition}:x:${E}:${A.Name}/${!Literal}' } } },
      G: { Type: 'X::G', Properties: { Value: { 'Fn::Sub': ['${Local}-${F}', { Local: { Ref: 'H' } }] } } },
      H: { Type: 'X::H', Properties: {} },
      I: { Type: 'X::I', DependsOn: ['H', 'A'], Metadata: { Note: { Ref: 'G' } }, Properties: {} },
    },
  };
  const order = new CreationOrder(template);

  test('GIVEN DependsOn, Ref, GetAtt (both forms) and Sub (both forms) WHEN read THEN each is an edge; parameters and pseudo parameters are not', () => {
    expect(order.directPrerequisites('B')).toEqual(['A']);
    expect(order.directPrerequisites('C')).toEqual(['B']);
    expect(order.directPrerequisites('D')).toEqual(['C']);
    expect(order.directPrerequisites('E')).toEqual(['D']);
    expect(order.directPrerequisites('F')).toEqual(['A', 'E']);
    expect(order.directPrerequisites('G')).toEqual(['F', 'H']);
  });

  test('GIVEN a Sub variable named like a resource WHEN read THEN the local variable shadows it, and ${!Literal} is text', () => {
    expect(order.directPrerequisites('G')).not.toContain('Local');
    expect(order.directPrerequisites('F')).not.toContain('Literal');
  });

  test('GIVEN Metadata that references a resource WHEN read THEN it adds no edge', () => {
    expect(order.directPrerequisites('I')).toEqual(['A', 'H']);
  });

  test('GIVEN a chain of edges WHEN asked THEN transitive prerequisites and the shortest chain are found, and nothing runs backwards', () => {
    expect(order.chain('G', 'A')).toEqual(['G', 'F', 'A']);
    expect(order.chain('E', 'A')).toEqual(['E', 'D', 'C', 'B', 'A']);
    expect(order.createsBefore('A', 'E')).toBe(true);
    expect(order.createsBefore('E', 'A')).toBe(false);
    expect(order.createsBefore('H', 'E')).toBe(false);
    expect(order.allPrerequisites('D')).toEqual(['A', 'B', 'C']);
  });

  test('GIVEN an unknown logical id WHEN asked THEN it says so', () => {
    expect(() => order.chain('Nope', 'A')).toThrow('no resource "Nope" in the template');
  });
});

describe('the gateway is created in an order that lets every first task succeed', () => {
  // GIVEN the default gateway, synthesized once
  const { stack, gateway } = gatewayStack();
  const order = new CreationOrder(Template.fromStack(stack).toJSON());
  const id = (c: { node: { defaultChild?: unknown } }) => Stack.of(stack).getLogicalId(c.node.defaultChild as CfnResource);
  const cpService = id(gateway.controlPlane.service);
  const dpService = id(gateway.dataPlane.service);
  const cluster = id(gateway.database.cluster);
  const writer = Template.fromStack(stack).toJSON().Resources;
  const writerId = Object.entries(writer).find(([, r]: [string, any]) => r.Type === 'AWS::RDS::DBInstance')![0];

  test('WHEN the template is read THEN the control plane service waits for the Aurora cluster AND its writer instance', () => {
    expect(order.createsBefore(cluster, cpService)).toBe(true);
    // The writer is what answers connections: a cluster without it refuses them.
    expect(order.chain(cpService, writerId)).toBeDefined();
  });

  test('WHEN the template is read THEN the data plane service waits for the control plane service', () => {
    expect(order.chain(dpService, cpService)).toBeDefined();
  });

  test('WHEN the template is read THEN nothing makes the control plane wait for the data plane (no cycle)', () => {
    expect(order.createsBefore(dpService, cpService)).toBe(false);
  });

  if (process.env.PRINT_CREATION_ORDER) {
    test('prints the chain', () => {
      console.log(`${order.chain(dpService, cpService)!.join(' → ')}\n${order.chain(cpService, writerId)!.join(' → ')}`);
    });
  }
});
