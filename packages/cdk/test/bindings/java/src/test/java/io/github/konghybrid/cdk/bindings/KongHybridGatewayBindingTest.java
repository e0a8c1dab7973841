package io.github.konghybrid.cdk.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.konghybrid.cdk.AdminApiProxy;
import io.github.konghybrid.cdk.ClusterMtlsMode;
import io.github.konghybrid.cdk.GatewayFirewall;
import io.github.konghybrid.cdk.KongHybridGateway;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;

/** KongHybridGateway used from Java, through the jar jsii-pacmak built, with non-default props. */
class KongHybridGatewayBindingTest {

  /** Kong settings in an order that is not the keys' order (a LinkedHashMap keeps it). */
  private static final Map<String, String> CONTROL_PLANE_ENVIRONMENT = new LinkedHashMap<>();

  static {
    CONTROL_PLANE_ENVIRONMENT.put("KONG_PLUGINS", "bundled");
    CONTROL_PLANE_ENVIRONMENT.put("KONG_LOG_LEVEL", "notice");
    CONTROL_PLANE_ENVIRONMENT.put("KONG_ADMIN_ACCESS_LOG", "off");
  }

  private static final App APP = new App();
  private static final Stack STACK = new Stack(APP, "JavaBinding", StackProps.builder()
      .env(Environment.builder().region("eu-central-1").build())
      .build());
  private static final KongHybridGateway GATEWAY = KongHybridGateway.Builder.create(STACK, "Kong")
      .domainName("gw.example.io")
      .hostedZone(HostedZone.fromHostedZoneAttributes(STACK, "Zone", HostedZoneAttributes.builder()
          .hostedZoneId("Z0123456789JAVA").zoneName("example.io").build()))
      .kongImage("public.ecr.aws/docker/library/kong:3.9.3@sha256:" + "a1".repeat(32))
      .dataPlaneMinTasks(4)
      .dataPlaneMaxTasks(8)
      .databaseRemovalPolicy(RemovalPolicy.DESTROY)
      .databaseAutoPause(Duration.minutes(15))
      .clusterMtls(ClusterMtlsMode.PKI)
      .clusterCaSecret(Secret.fromSecretCompleteArn(STACK, "Ca",
          "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kong/ca-AbCdEf"))
      .adminAllowedCidrs(List.of("192.0.2.0/24"))
      .firewallRateLimit(500)
      .kongManagerOrigins(List.of("http://localhost:8002"))
      .alarmAction(new SnsAction(new Topic(STACK, "Oncall")))
      .dataPlaneTrustedCidrs(List.of("10.0.0.0/8", "2001:db8::/32"))
      .firewallCountedRules(List.of())
      // Map.of iterates in an order that changes from one JVM run to the next.
      .dataPlaneEnvironment(Map.of(
          "KONG_PLUGINS", "bundled",
          "KONG_LOG_LEVEL", "info",
          "KONG_NGINX_WORKER_PROCESSES", "2",
          "KONG_MEM_CACHE_SIZE", "64m",
          "KONG_UPSTREAM_KEEPALIVE_POOL_SIZE", "120"))
      .controlPlaneEnvironment(CONTROL_PLANE_ENVIRONMENT)
      .fallbackConfigExportsKept(5)
      .build();
  private static final Template TEMPLATE = Template.fromStack(STACK);

  @Test
  void dataPlaneFollowsTheProps() {
    TEMPLATE.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget",
        Map.of("MinCapacity", 4, "MaxCapacity", 8));
    TEMPLATE.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
        "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX")));
  }

  @Test
  void pkiModeIssuesBothCertificatesFromTheCa() {
    TEMPLATE.hasResourceProperties("Custom::KongClusterCertificate", Map.of(
        "Mode", "pki",
        "CaSecretId", "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kong/ca-AbCdEf",
        "ControlPlaneCommonName", "kong-cp.kong.internal"));
    assertNotEquals(
        STACK.resolve(GATEWAY.getClusterCertificate().getControlPlaneSecret().getSecretArn()),
        STACK.resolve(GATEWAY.getClusterCertificate().getDataPlaneSecret().getSecretArn()));
  }

  @Test
  void databaseIsDeletableAndPausesAfterFifteenMinutes() {
    TEMPLATE.hasResourceProperties("AWS::RDS::DBCluster", Map.of(
        "DeletionProtection", false,
        "ServerlessV2ScalingConfiguration", Map.of("MinCapacity", 0, "MaxCapacity", 2, "SecondsUntilAutoPause", 900)));
  }

  @Test
  void firewallRateLimitAndAdminCidrsFollowTheProps() {
    TEMPLATE.hasResourceProperties("AWS::WAFv2::WebACL", Map.of("Rules", Match.arrayWith(List.of(
        Match.objectLike(Map.of("Statement", Map.of("RateBasedStatement", Match.objectLike(Map.of("Limit", 500)))))))));
    TEMPLATE.hasResourceProperties("AWS::WAFv2::IPSet", Map.of("IPAddressVersion", "IPV4", "Addresses", List.of("192.0.2.0/24")));
    assertEquals("https://gw.example.io/kong-admin", GATEWAY.getAdminUrl());
    assertEquals(8001, GATEWAY.getControlPlane().getAdminApiPort().intValue());
  }

  @Test
  void adminProxyAllowsTheCidrsAndKongManager() {
    TEMPLATE.hasResourceProperties("Custom::KongAdminApiProxy", Map.of(
        "AllowedCidrs", List.of("192.0.2.0/24"),
        "ManagerOrigins", List.of("http://localhost:8002"),
        "ApiKeyGeneration", "1"));
    assertEquals(STACK.resolve(GATEWAY.getAdminApiProxy().getApiKeySecret().getSecretArn()),
        STACK.resolve(GATEWAY.getAdminApiKeySecret().getSecretArn()));
    assertEquals("apikey", AdminApiProxy.API_KEY_HEADER);
  }

  @Test
  void everyAlarmNotifiesTheTopicAndTheImageIsPinned() {
    Map<String, Map<String, Object>> alarms = TEMPLATE.findResources("AWS::CloudWatch::Alarm");
    String topic = TEMPLATE.findResources("AWS::SNS::Topic").keySet().iterator().next();
    for (Map<String, Object> alarm : alarms.values()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> props = (Map<String, Object>) alarm.get("Properties");
      assertEquals(List.of(Map.of("Ref", topic)), props.get("AlarmActions"));
    }
    // The data plane's task also runs the fallback configuration's fetch container: Kong's is one of its containers.
    TEMPLATE.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(Match.objectLike(Map.of(
        "Image", "public.ecr.aws/docker/library/kong:3.9.3@sha256:" + "a1".repeat(32)))))));
    TEMPLATE.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(Match.objectLike(Map.of(
        "Environment", Match.arrayWith(List.of(Map.of("Name", "KONG_TRUSTED_IPS", "Value", "10.0.0.0/8,2001:db8::/32")))))))));
  }

  @Test
  void theFallbackConfigurationKeepsTheExportsAsked() {
    assertEquals("kong/declarative.json", GATEWAY.getFallbackConfig().getObjectKey());
    TEMPLATE.hasResourceProperties("AWS::S3::Bucket", Map.of("LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
        "NoncurrentVersionExpiration", Map.of("NewerNoncurrentVersions", 4, "NoncurrentDays", 1)))))));
  }

  /** The names of a plane's container environment, in template order. */
  @SuppressWarnings("unchecked")
  private static List<String> environmentNames(String role) {
    for (Map<String, Object> definition : TEMPLATE.findResources("AWS::ECS::TaskDefinition").values()) {
      Map<String, Object> props = (Map<String, Object>) definition.get("Properties");
      Map<String, Object> container = ((List<Map<String, Object>>) props.get("ContainerDefinitions")).get(0);
      List<Map<String, Object>> environment = (List<Map<String, Object>>) container.get("Environment");
      if (environment.contains(Map.of("Name", "KONG_ROLE", "Value", role))) {
        return environment.stream().map(e -> (String) e.get("Name")).collect(Collectors.toList());
      }
    }
    throw new AssertionError("no task definition for " + role);
  }

  @Test
  void environmentMapsAreEmittedInKeyOrderWhateverOrderJavaIteratesThem() {
    List<String> dataPlane = environmentNames("data_plane");
    assertEquals(List.of("KONG_LOG_LEVEL", "KONG_MEM_CACHE_SIZE", "KONG_NGINX_WORKER_PROCESSES", "KONG_PLUGINS",
        "KONG_UPSTREAM_KEEPALIVE_POOL_SIZE"), dataPlane.subList(0, 5));
    List<String> controlPlane = environmentNames("control_plane");
    assertEquals(List.of("KONG_ADMIN_ACCESS_LOG", "KONG_LOG_LEVEL", "KONG_PLUGINS"), controlPlane.subList(0, 3));
  }

  @Test
  void theFirewallDefaultsAreStaticsOfItsConstruct() {
    assertEquals(List.of("AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet"), GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS);
    assertEquals(List.of("SizeRestrictions_BODY", "NoUserAgent_HEADER", "GenericRFI_BODY"), GatewayFirewall.DEFAULT_COUNTED_RULES);
  }

  @Test
  void anErrorNamesTheBuilderMethodTheProgramCalled() {
    Stack stack = new Stack(new App(), "JavaErrors", StackProps.builder()
        .env(Environment.builder().region("eu-central-1").build())
        .build());
    RuntimeException error = assertThrows(RuntimeException.class, () -> KongHybridGateway.Builder.create(stack, "Kong")
        .domainName("gw.example.io")
        .hostedZone(HostedZone.fromHostedZoneAttributes(stack, "Zone", HostedZoneAttributes.builder()
            .hostedZoneId("Z0123456789JAVA").zoneName("example.io").build()))
        .dataPlaneCpu(512)
        .dataPlaneMemoryMiB(512)
        .build());
    // The jsii runtime appends the JavaScript stack after the message's first line.
    assertEquals("dataPlaneMemoryMiB must be a Fargate memory size for dataPlaneCpu 512 (1024..4096 MiB in steps of 1024), got 512",
        error.getMessage().split("\n")[0]);
  }
}
