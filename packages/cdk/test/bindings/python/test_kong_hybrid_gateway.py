"""KongHybridGateway used from Python, through the wheel jsii-pacmak built, with non-default props."""
import aws_cdk as cdk
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Match, Template

from kong_hybrid_cdk import AdminApiProxy, ControlPlane, GatewayFirewall, KongHybridGateway


def synth():
    app = cdk.App()
    stack = cdk.Stack(app, "PythonBinding", env=cdk.Environment(region="eu-west-1"))
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789PYTHON", zone_name="example.net"
    )
    gateway = KongHybridGateway(
        stack,
        "Kong",
        domain_name="api.example.net",
        hosted_zone=zone,
        cpu_architecture=ecs.CpuArchitecture.X86_64,
        nat_gateways=2,
        data_plane_min_tasks=3,
        data_plane_max_tasks=6,
        admin_allowed_cidrs=["198.51.100.0/24"],
        database_max_capacity=4,
        database_auto_pause=cdk.Duration.minutes(10),
        cluster_certificate_generation=2,
        kong_manager_origins=["http://localhost:8002"],
        admin_api_key_generation=3,
        alarm_action=cloudwatch_actions.SnsAction(sns.Topic(stack, "Oncall")),
        data_plane_trusted_cidrs=["10.0.0.0/8"],
        firewall_counted_rules=["SizeRestrictions_BODY"],
        kong_image_pull_through_cache_prefix="ecr-public",
        cluster_certificate_expiry_warning=cdk.Duration.days(90),
        encryption_key=kms.Key(stack, "Key", enable_key_rotation=True),
        fallback_config_exports_kept=5,
    )
    lambda_sg = ec2.SecurityGroup(stack, "OurLambda", vpc=gateway.vpc, allow_all_outbound=False)
    gateway.allow_admin_api_from(lambda_sg)
    return gateway, Template.from_stack(stack)


GATEWAY, TEMPLATE = synth()


def test_data_plane_follows_the_props():
    TEMPLATE.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 3, "MaxCapacity": 6}
    )
    TEMPLATE.has_resource_properties(
        "AWS::ECS::TaskDefinition", {"RuntimePlatform": {"CpuArchitecture": "X86_64", "OperatingSystemFamily": "LINUX"}}
    )
    TEMPLATE.resource_count_is("AWS::EC2::NatGateway", 2)


def test_database_and_certificate_follow_the_props():
    TEMPLATE.has_resource_properties(
        "AWS::RDS::DBCluster",
        {"ServerlessV2ScalingConfiguration": {"MinCapacity": 0, "MaxCapacity": 4, "SecondsUntilAutoPause": 600}},
    )
    TEMPLATE.has_resource_properties("Custom::KongClusterCertificate", {"Mode": "shared", "Generation": "2"})


def test_admin_path_is_open_to_the_admin_cidrs_only():
    TEMPLATE.has_resource_properties(
        "AWS::WAFv2::IPSet", {"IPAddressVersion": "IPV4", "Addresses": ["198.51.100.0/24"]}
    )
    assert GATEWAY.admin_url == "https://api.example.net/kong-admin"
    assert GATEWAY.admin_allowed_cidrs == ["198.51.100.0/24"]


def test_admin_proxy_is_configured_with_the_cidrs_origins_and_key_generation():
    TEMPLATE.has_resource_properties(
        "Custom::KongAdminApiProxy",
        {
            "AllowedCidrs": ["198.51.100.0/24"],
            "ManagerOrigins": ["http://localhost:8002"],
            "ApiKeyGeneration": "3",
            "RoutePath": "/kong-admin",
        },
    )
    stack = cdk.Stack.of(GATEWAY)
    key_secret = stack.resolve(GATEWAY.admin_api_key_secret.secret_arn)
    assert key_secret == stack.resolve(GATEWAY.admin_api_proxy.api_key_secret.secret_arn)
    assert key_secret["Ref"].startswith("KongAdminApiProxyApiKey")
    assert AdminApiProxy.API_KEY_HEADER == "apikey"


def test_our_lambda_reaches_the_admin_api_only():
    TEMPLATE.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {"FromPort": 8001, "ToPort": 8001, "SourceSecurityGroupId": {"Fn::GetAtt": [Match.string_like_regexp("OurLambda"), "GroupId"]}},
    )
    assert GATEWAY.control_plane.admin_api_port == ControlPlane.ADMIN_API_PORT == 8001
    assert GATEWAY.control_plane.cluster_port == 8005
    assert GATEWAY.control_plane.admin_api_url == "http://kong-cp.kong.internal:8001"


def test_control_plane_desired_count_is_left_to_the_idle_scaler():
    services = TEMPLATE.find_resources("AWS::ECS::Service")
    assert len(services) == 2
    for service in services.values():
        assert "DesiredCount" not in service["Properties"]


def test_every_alarm_notifies_the_topic():
    topic = {"Ref": next(iter(TEMPLATE.find_resources("AWS::SNS::Topic")))}
    alarms = TEMPLATE.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 3
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [topic]
    TEMPLATE.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "ClusterCertificateDaysToExpiry", "Threshold": 90})


def test_trusted_cidrs_waf_counted_rules_and_image_cache_follow_the_props():
    # The data plane's task also runs the fallback configuration's fetch container: Kong's is one of its containers.
    TEMPLATE.has_resource_properties("AWS::ECS::TaskDefinition", {"ContainerDefinitions": Match.array_with([Match.object_like(
        {"Environment": Match.array_with([{"Name": "KONG_TRUSTED_IPS", "Value": "10.0.0.0/8"}])})])})
    TEMPLATE.has_resource_properties("AWS::WAFv2::WebACL", {"Rules": Match.array_with([Match.object_like({"Statement": {
        "ManagedRuleGroupStatement": Match.object_like({"Name": "AWSManagedRulesCommonRuleSet",
            "RuleActionOverrides": [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]})}})])})
    TEMPLATE.has_resource_properties("AWS::IAM::Policy", {"PolicyDocument": {"Statement": Match.array_with([Match.object_like(
        {"Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]})])}})


def test_the_fallback_configuration_keeps_the_exports_asked_and_uses_the_key():
    assert GATEWAY.fallback_config.object_key == "kong/declarative.json"
    TEMPLATE.has_resource_properties("AWS::S3::Bucket", {
        "LifecycleConfiguration": {"Rules": [Match.object_like({"NoncurrentVersionExpiration": {"NewerNoncurrentVersions": 4, "NoncurrentDays": 1}})]},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [Match.object_like({"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": Match.any_value()})})]},
    })


def test_the_firewall_defaults_are_statics_of_its_construct():
    assert GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS == [
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ]
    assert GatewayFirewall.DEFAULT_COUNTED_RULES == ["SizeRestrictions_BODY", "NoUserAgent_HEADER", "GenericRFI_BODY"]


def test_the_key_encrypts_the_logs_secrets_and_the_scaler_state():
    key = {"Fn::GetAtt": [next(iter(TEMPLATE.find_resources("AWS::KMS::Key"))), "Arn"]}
    TEMPLATE.all_resources_properties("AWS::Logs::LogGroup", {"KmsKeyId": key})
    TEMPLATE.all_resources_properties("AWS::SecretsManager::Secret", {"KmsKeyId": key})
    TEMPLATE.has_resource_properties("AWS::DynamoDB::Table", {"SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}})
    assert GATEWAY.encryption_key is not None
