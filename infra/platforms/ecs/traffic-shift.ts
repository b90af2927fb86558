// The role ECS assumes to shift traffic during blue/green, canary and linear deployments: "Amazon ECS
// infrastructure IAM role for load balancers" (ECS Developer Guide), trusted by ecs.amazonaws.com and passed
// as the service's loadBalancers[].advancedConfiguration.roleArn. AWS offers the managed policy
// AmazonECSInfrastructureRolePolicyForLoadBalancers for it, on every load balancer of the account; slipway
// attaches its own runtime policy instead (the delivery stack's `ecs-lb-infrastructure`, loadBalancerRuntime
// below): the same actions, on the stack's own resources only, under the stack's permissions boundary.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { arnOf, AwsContext } from "../../shared/aws-context";
import { serviceTrustPolicy, Statement } from "../../shared/iam";
import { OWN_STACK, STACK_TAG } from "../../contract";

/** ECS's service principal for its infrastructure roles (the guide's trust policy). */
export const ECS_SERVICE_PRINCIPAL = "ecs.amazonaws.com";

/**
 * The infrastructure role's permissions: AmazonECSInfrastructureRolePolicyForLoadBalancers (AWS Managed Policy
 * Reference; statements ELBReadOperations, TargetGroupOperations, ALBModifyListeners, ALBModifyRules; its
 * NLBModifyListeners is left out, slipway has no network load balancers) with every resource narrowed to the
 * role's own stack by tag (the role carries its stack's tag: OWN_STACK reads it).
 */
export function loadBalancerInfrastructureStatements(ctx: AwsContext): Statement[] {
    const own = { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK } };
    return [
        {
            // Describe calls have no resource type (service authorization reference): "*" only, in the region.
            Sid: "ReadLoadBalancing",
            Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
            Resource: ["*"],
            Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } },
        },
        { Sid: "OwnTargetGroups", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: [arnOf(ctx, "elasticloadbalancing", "targetgroup/*/*")], Condition: own },
        { Sid: "OwnListeners", Action: ["elasticloadbalancing:ModifyListener"], Resource: [arnOf(ctx, "elasticloadbalancing", "listener/app/*/*/*")], Condition: own },
        { Sid: "OwnListenerRules", Action: ["elasticloadbalancing:ModifyRule"], Resource: [arnOf(ctx, "elasticloadbalancing", "listener-rule/app/*/*/*/*")], Condition: own },
    ];
}

/** The runtime policy the delivery stack declares per policy stack (Platform.serviceRuntimes). */
export const loadBalancerRuntime = {
    description: "ECS's infrastructure role for load balancers: move the production listener rule's weights, register tasks in the stack's target groups",
    statements: (_app: string, _pattern: string, ctx: AwsContext) => loadBalancerInfrastructureStatements(ctx),
};

export interface LoadBalancerInfrastructureRoleArgs {
    /** The role's name (contract.ts ecsInfrastructureRoleName): fixed, so the deploy role may pass exactly it. */
    roleName: string;
    /** The stack's IAM path (contract.ts environmentRolePath). */
    path: string;
    /** The stack's permissions boundary (delivery stack). */
    permissionsBoundary: pulumi.Input<string>;
    /** The stack's `ecs-lb-infrastructure` runtime policy (delivery stack). */
    policyArn: pulumi.Input<string>;
}

/** The ECS infrastructure role for load balancers, with its runtime policy attached. */
export class LoadBalancerInfrastructureRole extends pulumi.ComponentResource {
    readonly role: iam.Role;

    constructor(name: string, args: LoadBalancerInfrastructureRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:LoadBalancerInfrastructureRole", name, {}, opts);
        this.role = new iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                path: args.path,
                description: "ECS shifts traffic between the stack's target groups during blue/green, canary and linear deployments",
                // The guide's trust policy names the principal with no condition; no source-account key is documented
                // for this role's sessions, so a condition could keep ECS out. Only this account's ECS services can be
                // given it: passing it needs iam:PassRole here (the deploy role's PassEcsInfrastructureRole).
                assumeRolePolicy: serviceTrustPolicy(ECS_SERVICE_PRINCIPAL),
                maxSessionDuration: 3600,
                permissionsBoundary: args.permissionsBoundary,
            },
            { parent: this },
        );
        new iam.RolePolicyAttachment(`${name}-policy`, { role: this.role.name, policyArn: args.policyArn }, { parent: this });
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
