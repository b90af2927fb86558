// What GitHub Actions may do with AWS when it runs `pulumi preview` or `pulumi up` for an environment
// stack. Scoped to the app's own names where AWS supports resource-level permissions; where it does
// not (EC2 and ELB creates, Describe* calls, autoscaling), "*" is limited to the stack's region.
import * as pulumi from "@pulumi/pulumi";
import { arnOf, AwsContext } from "./aws-context";
import { Statement } from "./iam";
import { parameterPrefix } from "./names";

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

/** Everything `pulumi up` and `pulumi destroy` of an environment stack of `app` calls. */
export function environmentDeployerStatements(app: string, rolePathPrefix: string, ctx: AwsContext): Statement[] {
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    const appRoles = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${rolePathPrefix}*`;
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
                arnOf(ctx, "ecs", `cluster/${app}-*`),
                arnOf(ctx, "ecs", `service/${app}-*/*`),
                arnOf(ctx, "ecs", `task-definition/${app}-*:*`),
            ],
        },
        {
            Sid: "AppRoles",
            Action: [
                "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
                "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
            ],
            Resource: [appRoles],
        },
        {
            Sid: "PassAppRoles",
            Action: ["iam:PassRole"],
            Resource: [appRoles],
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
                    ],
                },
            },
        },
        {
            Sid: "AppDashboards",
            Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:cloudwatch::${ctx.accountId}:dashboard/${app}-*`],
        },
        {
            Sid: "AppLogs",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
            Resource: [arnOf(ctx, "logs", `log-group:/slipway/${app}/*`)],
        },
        {
            Sid: "AppSecrets",
            Action: [
                "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:GetResourcePolicy",
            ],
            Resource: [arnOf(ctx, "secretsmanager", `secret:slipway/${app}/*`)],
        },
        {
            Sid: "AppParameters",
            Action: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:ListTagsForResource"],
            Resource: [arnOf(ctx, "ssm", `parameter${parameterPrefix(app)}/*`)],
        },
        {
            Sid: "DescribeParameters",
            Action: ["ssm:DescribeParameters"],
            Resource: ["*"],
            Condition: regionOnly,
        },
    ];
}
