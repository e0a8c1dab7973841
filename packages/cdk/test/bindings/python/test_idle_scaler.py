"""The construct library, used from Python through the wheel jsii-pacmak built."""
import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

from kong_hybrid_cdk import IdleScaler


def synth_stack() -> Template:
    app = cdk.App()
    stack = cdk.Stack(app, "PythonBinding", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    control_plane = ecs.FargateService.from_fargate_service_attributes(stack, "Cp", cluster=cluster, service_name="kong-cp-python")
    data_plane = ecs.FargateService.from_fargate_service_attributes(stack, "Dp", cluster=cluster, service_name="kong-dp-python")
    IdleScaler(
        stack,
        "Scaler",
        control_plane_service=control_plane,
        data_plane_service=data_plane,
        admin_api_url="http://kong-cp.kong.local:8001",
        cooldown=cdk.Duration.minutes(45),
    )
    return Template.from_stack(stack)


def test_idle_scaler_synthesizes_from_python():
    template = synth_stack()

    template.resource_count_is("AWS::Lambda::Function", 1)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "nodejs22.x",
            "Handler": "index.handler",
            "Environment": {
                "Variables": Match.object_like(
                    {"CONTROL_PLANE_SERVICE": "kong-cp-python", "CLUSTER_ARN": Match.any_value(), "COOLDOWN_SECONDS": "2700"}
                )
            },
        },
    )


def test_bundled_handler_asset_ships_in_the_wheel():
    template = synth_stack()
    functions = template.find_resources("AWS::Lambda::Function")
    (function,) = functions.values()
    # The code is an asset uploaded to the bootstrap bucket, not inline code.
    assert "S3Key" in function["Properties"]["Code"]
    assert function["Properties"]["Code"]["S3Key"].endswith(".zip")
