package io.github.konghybrid.cdk.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.konghybrid.cdk.KongHybridGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;

/** The reference deployment, written in Java: apps/reference/README.md shows this code. */
class ReferenceDeploymentTest {

  @Test
  void theJavaReferenceDeploysTheSameGateway() {
    // --- README: java ---
    App app = new App();
    Stack stack = new Stack(app, "KongHybridReference", StackProps.builder()
        .env(Environment.builder().region("us-east-1").build())
        .build());
    KongHybridGateway gateway = KongHybridGateway.Builder.create(stack, "Kong")
        .domainName("kong-gw.example.com")
        .hostedZone(HostedZone.fromHostedZoneAttributes(stack, "Zone", HostedZoneAttributes.builder()
            .hostedZoneId("Z0000000000000EXAMPLE").zoneName("example.com").build()))
        .adminAllowedCidrs(List.of("203.0.113.0/24"))
        .dataPlaneMinTasks(2)
        .dataPlaneMaxTasks(10)
        .databaseMaxCapacity(2)
        .natGateways(1)
        .build();
    app.synth();
    // --- end ---

    Template template = Template.fromStack(stack);
    assertEquals("https://kong-gw.example.com/kong-admin", gateway.getAdminUrl());
    assertNotNull(gateway.getIdleScaler());
    template.hasResourceProperties("AWS::Route53::RecordSet", Map.of("Name", "kong-gw.example.com.", "Type", "A"));
    template.hasResourceProperties("AWS::WAFv2::IPSet", Map.of("Addresses", List.of("203.0.113.0/24")));
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", Map.of("MinCapacity", 2, "MaxCapacity", 10));
    template.resourceCountIs("AWS::EC2::NatGateway", 1);
  }
}
