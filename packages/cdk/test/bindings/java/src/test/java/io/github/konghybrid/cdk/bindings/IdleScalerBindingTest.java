package io.github.konghybrid.cdk.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.konghybrid.cdk.IdleScaler;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateServiceAttributes;

class IdleScalerBindingTest {

  private static Template synthStack() {
    App app = new App();
    Stack stack = new Stack(app, "JavaBinding", StackProps.builder()
        .env(Environment.builder().account("123456789012").region("eu-central-1").build())
        .build());
    Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).natGateways(1).build();
    Cluster cluster = Cluster.Builder.create(stack, "Cluster").vpc(vpc).build();
    IdleScaler.Builder.create(stack, "Scaler")
        .controlPlaneService(FargateService.fromFargateServiceAttributes(stack, "Cp",
            FargateServiceAttributes.builder().cluster(cluster).serviceName("kong-cp-java").build()))
        .dataPlaneService(FargateService.fromFargateServiceAttributes(stack, "Dp",
            FargateServiceAttributes.builder().cluster(cluster).serviceName("kong-dp-java").build()))
        .adminApiUrl("http://kong-cp.kong.local:8001")
        .build();
    return Template.fromStack(stack);
  }

  @Test
  void idleScalerSynthesizesFromJava() {
    Template template = synthStack();

    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.hasResourceProperties("AWS::Lambda::Function", Map.of(
        "Runtime", "nodejs22.x",
        "Handler", "index.handler",
        "Environment", Map.of("Variables", Match.objectLike(Map.of(
            "CONTROL_PLANE_SERVICE", "kong-cp-java",
            "CLUSTER_ARN", Match.anyValue())))));
  }

  @Test
  void scalerMayDescribeOnlyItsControlPlaneService() {
    Template template = synthStack();

    Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::Policy");
    assertEquals(1, policies.size());
    template.hasResourceProperties("AWS::IAM::Policy", Map.of(
        "PolicyDocument", Map.of("Statement", Match.arrayWith(java.util.List.of(Match.objectLike(Map.of(
            "Action", "ecs:DescribeServices",
            "Effect", "Allow")))))));
  }
}
