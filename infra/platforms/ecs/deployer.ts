// What a GitHub deploy role additionally needs to `pulumi up` / `pulumi destroy` an ECS environment
// stack: the cluster, service, task family and autoscaling, and the HTTP API ingress (API Gateway, its
// VPC link and access logs, Cloud Map). Scoped like the shared statements (delivery/deployer-policy.ts):
// names the pipeline knows by ARN, everything else by the stack tag.
import { arnOf } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { DeployerScope, tagConditions } from "../../delivery/deployer-policy";
import { ecsInfrastructureRoleName, environmentName, environmentRolePath, stackPattern, STACK_TAG } from "../../contract";
import { ECS_SERVICE_PRINCIPAL } from "./traffic-shift";

/** ECS cluster, service, task family and autoscaling. */
export function computeStatements(scope: DeployerScope): Statement[] {
    return [...computeAndIngressStatements(scope).filter((st) => st.Action.every((a) => /^(ecs|application-autoscaling):/.test(a))), passInfrastructureRole(scope)];
}

/**
 * Creating or updating a service whose load balancer names an infrastructure role passes that role to ECS
 * ("Amazon ECS infrastructure IAM role for load balancers"): exactly the stack's own, to ECS only. The stack's
 * other roles are passed to ECS tasks, Beanstalk and EC2 (identityStatements' PassOwnRoles), never to ECS itself.
 */
function passInfrastructureRole(scope: DeployerScope): Statement {
    const { ctx, app } = scope;
    const pattern = stackPattern(scope.policyStack);
    return {
        Sid: "PassEcsInfrastructureRole",
        Action: ["iam:PassRole"],
        Resource: [arnOf(ctx, "iam", `role${environmentRolePath(app, pattern)}${ecsInfrastructureRoleName(app, pattern)}`, { global: true })],
        Condition: { StringEquals: { "iam:PassedToService": ECS_SERVICE_PRINCIPAL } },
    };
}

/** The HTTP API ingress: API Gateway, its VPC link and access logs, and the Cloud Map namespace. */
export function apiIngressStatements(scope: DeployerScope): Statement[] {
    return computeAndIngressStatements(scope).filter((st) => !st.Action.every((a) => /^(ecs|application-autoscaling):/.test(a)));
}

function computeAndIngressStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const name = environmentName(app, stackPattern(scope.policyStack));
    // `<name>_<process>`: the stack's other task families (contract.ts processFamily; stack names have no '_').
    const ecs = [arnOf(ctx, "ecs", `cluster/${name}`), arnOf(ctx, "ecs", `service/${name}/*`), arnOf(ctx, "ecs", `task-definition/${name}:*`), arnOf(ctx, "ecs", `task-definition/${name}_*:*`)];
    const scalableTargets = arnOf(ctx, "application-autoscaling", "scalable-target/*");
    const cloudMap = [arnOf(ctx, "servicediscovery", "namespace/*"), arnOf(ctx, "servicediscovery", "service/*")];
    const api = (path: string) => `arn:${ctx.partition}:apigateway:${ctx.region}::${path}`;
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
        {
            // RegisterScalableTarget also updates an existing target, and a tagged register is authorized as
            // TagResource too: with the stack's tag, only a target that has none yet (a new one). ScalableTarget:
            // aws:ResourceTag/${TagKey}; both actions: aws:RequestTag/${TagKey} (service authorization reference).
            Sid: "CreateOwnScalableTargets",
            Action: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource"],
            Resource: [scalableTargets],
            Condition: { ...t.creating, Null: { [`aws:ResourceTag/${STACK_TAG}`]: "true" } },
        },
        {
            Sid: "ChangeOwnScalableTargets",
            Action: [
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
                "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:ListTagsForResource",
            ],
            Resource: [scalableTargets],
            Condition: t.owned,
        },
        { Sid: "RetagOwnScalableTargets", Action: ["application-autoscaling:TagResource"], Resource: [scalableTargets], Condition: t.retagging },
        { Sid: "UntagOwnScalableTargets", Action: ["application-autoscaling:UntagResource"], Resource: [scalableTargets], Condition: t.untagging },
        {
            // Describe calls have no resource type.
            Sid: "AutoscalingReads",
            Action: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScalingActivities"],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            // CreatePrivateDnsNamespace has no resource type; the request tag is its only scope. Its only other
            // condition key is aws:TagKeys, and route53:CreateHostedZone's only one is route53:VPCs
            // ("VPCId=<id>,VPCRegion=<region>"): the stack's VPC id is generated when the stack creates it, so
            // no policy written beforehand can keep a namespace out of another stack's VPC (test/iam-containment.test.ts
            // records this reach as UNSCOPABLE_ATTACKS).
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
            Sid: "NamespaceLookups",
            Action: ["servicediscovery:ListNamespaces", "servicediscovery:ListServices", "servicediscovery:ListTagsForResource"],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            // Route 53 is global: its one endpoint is in us-east-1, so its requests carry that region
            // whatever the stack's (IAM User Guide, "Denies access to AWS based on the requested Region").
            // A region condition would deny every stack outside us-east-1 its namespace.
            Sid: "NamespaceHostedZone",
            Action: ["route53:CreateHostedZone", "route53:ListHostedZonesByName"],
            Resource: ["*"],
        },
        {
            // Reads of the zone Cloud Map makes and of its operations. Route 53 has no tag condition keys
            // and zone ids are generated, so zones cannot be told apart: only reads are granted on them.
            Sid: "NamespaceReads",
            Action: ["servicediscovery:GetOperation", "route53:GetHostedZone", "route53:GetChange"],
            Resource: [...cloudMap, `arn:${ctx.partition}:route53:::hostedzone/*`, `arn:${ctx.partition}:route53:::change/*`],
        },
        {
            // If Cloud Map deletes a namespace's zone with the caller's permissions (older editions of its
            // permissions reference list route53:DeleteHostedZone), it does so as a forward access session:
            // aws:ViaAWSService keeps the role itself from calling Route 53 on any zone.
            Sid: "NamespaceZoneCleanup",
            Action: ["route53:DeleteHostedZone", "route53:ChangeResourceRecordSets"],
            Resource: [`arn:${ctx.partition}:route53:::hostedzone/*`],
            Condition: { Bool: { "aws:ViaAWSService": "true" } },
        },
        {
            // API Gateway authorizes by path; new APIs, links and domains must be tagged for this stack.
            Sid: "CreateOwnApis",
            Action: ["apigateway:POST"],
            Resource: [api("/apis"), api("/vpclinks"), api("/domainnames")],
            Condition: t.creating,
        },
        {
            // Routes, integrations and stages are judged by the tags of the API they belong to.
            Sid: "ChangeOwnApis",
            Action: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
            Resource: [api("/apis/*"), api("/vpclinks/*"), api("/domainnames/*")],
            Condition: t.owned,
        },
        {
            // Tag calls (/tags/<url-encoded ARN>) carry no aws:ResourceTag: the reference's Tags resource type has
            // no condition keys, so the tagged resource's owner cannot be checked. They may touch any tag but the
            // stack tag, which only the create call sets (aws:TagKeys is a condition key of apigateway:POST, PUT
            // and DELETE; Null: a call naming no keys must not pass the ForAllValues test vacuously).
            Sid: "ApiTagsButTheStackTag",
            Action: ["apigateway:POST", "apigateway:PUT", "apigateway:DELETE"],
            Resource: [api("/tags/*")],
            Condition: { "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": [STACK_TAG] }, Null: { "aws:TagKeys": "false" } },
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
