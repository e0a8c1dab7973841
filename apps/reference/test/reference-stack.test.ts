import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReferenceStack } from '../src/reference-stack';

describe('ReferenceStack', () => {
  test('GIVEN the reference app WHEN synthesized THEN it deploys the idle scaler from the library', () => {
    const stack = new ReferenceStack(new App(), 'Reference');
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x' });
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
  });
});
