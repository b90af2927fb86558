// What GitHub Actions may do with AWS when it runs `pulumi preview` or `pulumi up` for an environment
// stack. Scoped to the app's own names where AWS supports resource-level permissions; where it does
// not (EC2 and ELB creates, Describe* calls, autoscaling), "*" is limited to the stack's region.
import * as pulumi from "@pulumi/pulumi";
import { arnOf, AwsContext } from "./aws-context";
import { Statement } from "./iam";
import { environmentName, environmentRolePath, parameterPrefix } from "./names";
import { RUNTIME_KINDS, runtimePolicyArn, stackPattern } from "./runtime-policies";

/** Reads a preview needs: the invokes the program makes, and nothing that reveals data. */
export function previewStatements(app: string, ctx: AwsContext): Statement[] {
    return [
        {
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

/**
 * Everything `pulumi up` and `pulumi destroy` of the environment stacks a deploy role owns calls.
 * `policyStacks` are runtime-policy stacks (`review` stands for every `review-*` stack). Named
 * resources (cluster, service, task family, roles, logs, secrets, parameters, dashboard) are pinned
 * to those stacks, so the staging role cannot touch production's.
 */
export function environmentDeployerStatements(app: string, policyStacks: string[], ctx: AwsContext): Statement[] {
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    const each = (f: (stack: string) => pulumi.Input<string>) => policyStacks.map(stackPattern).map(f);
    const appRoles = each((st) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${environmentRolePath(app, st)}*`);
    return [
        ...previewStatements(app, ctx),
        {
            // EC2 and ELB create calls authorize against several generated resource ids at once
            // (vpc, subnet, route table, security group…), so they cannot be pinned to names.
            Sid: "NetworkAndLoadBalancer",
            Action: [
                "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute",
                "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:DescribeSubnets",
                "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DescribeInternetGateways",
                "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:DescribeRouteTables",
                "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeAccountAttributes", "ec2:DescribeNetworkAcls",
                "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:DescribeTags",
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DescribeScalingPolicies",
                "application-autoscaling:TagResource", "application-autoscaling:ListTagsForResource",
                "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition",
                "logs:DescribeLogGroups",
            ],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            Sid: "EcsClusterAndService",
            Action: [
                "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:PutClusterCapacityProviders", "ecs:UpdateCluster", "ecs:UpdateClusterSettings",
                "ecs:CreateService", "ecs:DeleteService", "ecs:UpdateService", "ecs:DescribeServices", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
            ],
            Resource: [
                ...each((st) => arnOf(ctx, "ecs", `cluster/${environmentName(app, st)}`)),
                ...each((st) => arnOf(ctx, "ecs", `service/${environmentName(app, st)}/*`)),
                ...each((st) => arnOf(ctx, "ecs", `task-definition/${environmentName(app, st)}:*`)),
            ],
        },
        {
            Sid: "AppRoles",
            Action: [
                // No iam:PutRolePolicy: a deploy role never writes a permission (see AttachRuntimePolicies).
                "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
                "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
            ],
            Resource: appRoles,
        },
        {
            // The only permissions a deploy role can give its stacks' roles: the runtime policies the
            // delivery stack wrote for exactly those stacks.
            Sid: "AttachRuntimePolicies",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: appRoles,
            Condition: {
                ArnEquals: {
                    "iam:PolicyARN": policyStacks.flatMap((st) => RUNTIME_KINDS.map((kind) => runtimePolicyArn(ctx, app, st, kind))),
                },
            },
        },
        {
            Sid: "PassAppRoles",
            Action: ["iam:PassRole"],
            Resource: appRoles,
            Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "elasticbeanstalk.amazonaws.com", "ec2.amazonaws.com"] } },
        },
        {
            // First use of ECS, ELB and ECS autoscaling in an account creates their service-linked roles.
            Sid: "ServiceLinkedRoles",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role/aws-service-role/*`],
            Condition: {
                StringEquals: {
                    "iam:AWSServiceName": [
                        "ecs.amazonaws.com",
                        "elasticloadbalancing.amazonaws.com",
                        "ecs.application-autoscaling.amazonaws.com",
                        "elasticbeanstalk.amazonaws.com",
                        // API Gateway's VPC links.
                        "ops.apigateway.amazonaws.com",
                    ],
                },
            },
        },
        {
            // HTTP API ingress. API Gateway authorizes by REST path; API and link ids are generated,
            // so the paths are the narrowest scope there is.
            Sid: "HttpApiIngress",
            Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
            Resource: ["/apis", "/apis/*", "/vpclinks", "/vpclinks/*", "/domainnames", "/domainnames/*", "/tags/*"].map(
                (path) => pulumi.interpolate`arn:${ctx.partition}:apigateway:${ctx.region}::${path}`,
            ),
        },
        {
            // Cloud Map namespaces and services (ids are generated) and the private hosted zone a DNS
            // namespace creates; creation calls have no resource type.
            Sid: "ServiceDiscovery",
            Action: [
                "servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:CreateService", "servicediscovery:GetOperation",
                "servicediscovery:GetNamespace", "servicediscovery:DeleteNamespace", "servicediscovery:GetService", "servicediscovery:UpdateService",
                "servicediscovery:DeleteService", "servicediscovery:ListInstances", "servicediscovery:DeregisterInstance",
                "servicediscovery:TagResource", "servicediscovery:ListTagsForResource",
                "route53:CreateHostedZone", "route53:GetHostedZone", "route53:DeleteHostedZone", "route53:ListHostedZonesByName",
                "route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetChange",
                // HTTP API access logs are delivered by CloudWatch Logs' vended-log mechanism.
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            ],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:RequestedRegion": [ctx.region, "us-east-1"] } },
        },
        {
            Sid: "AppDashboards",
            Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
            Resource: each((st) => pulumi.interpolate`arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${environmentName(app, st)}`),
        },
        {
            Sid: "AppLogs",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
            Resource: each((st) => arnOf(ctx, "logs", `log-group:/slipway/${app}/${st}/*`)),
        },
        {
            Sid: "AppSecrets",
            Action: [
                "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:GetResourcePolicy",
            ],
            Resource: each((st) => arnOf(ctx, "secretsmanager", `secret:slipway/${app}/${st}/*`)),
        },
        {
            Sid: "AppParameters",
            Action: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:ListTagsForResource"],
            Resource: each((st) => arnOf(ctx, "ssm", `parameter${parameterPrefix(app)}/${st}/*`)),
        },
        {
            Sid: "DescribeParameters",
            Action: ["ssm:DescribeParameters"],
            Resource: ["*"],
            Condition: regionOnly,
        },
    ];
}

/**
 * Read/write on an S3 state backend (`s3://bucket[/prefix]`), for every CI role: even a preview takes
 * the backend's lock file. Nothing for a Pulumi Cloud backend (it authenticates with its own token).
 */
export function stateBackendStatements(backendUrl: string | undefined, ctx: AwsContext): Statement[] {
    const match = backendUrl ? /^s3:\/\/([^/?]+)\/?([^?]*)/.exec(backendUrl) : null;
    if (!match) return [];
    const [, bucket, rawPrefix] = match;
    const prefix = rawPrefix.replace(/\/+$/, "");
    const objects = prefix ? `${prefix}/*` : "*";
    return [
        {
            Sid: "StateBucketList",
            Action: ["s3:ListBucket"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}`],
            ...(prefix ? { Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}/*`] } } } : {}),
        },
        { Sid: "StateBucketLocation", Action: ["s3:GetBucketLocation"], Resource: [pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}`] },
        {
            Sid: "StateObjects",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:s3:::${bucket}/${objects}`],
        },
    ];
}
