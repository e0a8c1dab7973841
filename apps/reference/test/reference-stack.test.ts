import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReferenceStack } from '../src/reference-stack';

describe('ReferenceStack', () => {
  // GIVEN the reference deployment, synthesized once
  const stack = new ReferenceStack(new App(), 'Reference', { env: { region: 'eu-west-1' }, adminAllowedCidrs: ['198.51.100.0/24'] });
  const template = Template.fromStack(stack);

  test('GIVEN the reference app WHEN synthesized THEN it deploys the Kong hybrid gateway from the library for kong-gw.example.com', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'kong-gw.example.com.', Type: 'A' });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] });
    expect(stack.gateway.adminUrl).toBe('https://kong-gw.example.com/kong-admin');
  });
});
