import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import { cpuScaling } from "./cpu-scaling";
import { fargateTaskDefinitionArgs } from "./task-definition";
import * as iam from "@pulumi/aws/iam";
import type * as inputs from "@pulumi/aws/types/input";
import { AwsContext } from "../../shared/aws-context";
import { serviceRole } from "../../shared/iam";
import { CONTAINER_NAME, renamedFrom } from "../../contract";
import { HEALTH } from "../../shared/health";

export interface FargateAppArgs {
    /** Cluster, service and task family name (the pipeline deploys to it by name). */
    name: string;
    /** Image to run, `<repository>:<tag>`. */
    image: pulumi.Input<string>;
    /** The stack's `task-execution` runtime policy (delivery stack): image pull, logs, secret read. */
    executionPolicyArn: pulumi.Input<string>;
    /**
     * Runtime policies of the app itself (delivery stack), attached to the task role: the `packages-read`
     * policy with slipway:packages.runtimeRead. @default none: the task role is granted nothing
     */
    taskPolicyArns?: pulumi.Input<string>[];
    /** The stack's permissions boundary (delivery stack): every role here carries it. */
    permissionsBoundary: pulumi.Input<string>;
    /** cpu units and MiB: must be a Fargate pair (checked in config). */
    cpu: number;
    memory: number;
    containerPort: number;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    /** Only this security group (the load balancer's or the API's VPC link's) may reach the tasks. */
    ingressSecurityGroupId: pulumi.Input<string>;
    /** Behind an ALB: the target group the tasks register in. */
    targetGroupArn?: pulumi.Input<string>;
    /** Behind an HTTP API: the Cloud Map service the tasks register in. */
    serviceRegistryArn?: pulumi.Input<string>;
    /** Resources the service must wait for: the listener that puts the target group behind the ALB. */
    dependsOn?: pulumi.Resource[];
    /** Plain settings, as environment variables. */
    environment: Record<string, string>;
    /** Shell command ECS runs in the container to judge its health (the image must contain the tool). */
    healthCheckCommand?: string;
    /** App secrets: names and the JSON secret holding them. */
    secrets?: { arn: pulumi.Input<string>; names: string[]; versionId: pulumi.Input<string> };
    /** Database connection secrets (slipway:database): ECS task secrets by reference, beside the app's. @default none */
    databaseSecrets?: pulumi.Input<{ name: string; valueFrom: string }[]>;
    /** Further security groups of the tasks: the database's clients group (slipway:database). @default none */
    extraSecurityGroupIds?: pulumi.Input<string>[];
    desiredCount: number;
    minCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    /** Fargate Spot: ~70% cheaper, interruptible with a 2-minute warning. @default false */
    spot?: boolean;
    /** Container Insights metrics (billed per metric). @default false */
    containerInsights?: boolean;
    /** CloudWatch alarms that fail a deployment (and roll it back) when one fires during it. @default none */
    deploymentAlarmNames?: string[];
    /**
     * An ECS blue/green, canary or linear deployment instead of a rolling one (needs targetGroupArn): ECS starts
     * the new tasks in the alternate target group, moves the production listener rule's weights, keeps the old
     * tasks for the bake time, and rolls back if a deployment alarm fires meanwhile. @default rolling
     */
    trafficShift?: TrafficShift;
    logRetentionDays: number;
    logGroupName: string;
    rolePath: string;
    protect?: boolean;
    ctx: AwsContext;
}

/** What a blue/green, canary or linear deployment needs of the service (ServiceDeploymentConfiguration, ServiceLoadBalancerAdvancedConfiguration). */
export interface TrafficShift {
    strategy: "BLUE_GREEN" | "CANARY" | "LINEAR";
    /** Minutes the old tasks stay after all traffic moved (0–1440). */
    bakeMinutes: number;
    /** CANARY: traffic first and the wait before the rest; LINEAR: traffic per step and the wait between steps. */
    step?: { percent: number; minutes: number };
    alternateTargetGroupArn: pulumi.Input<string>;
    productionListenerRuleArn: pulumi.Input<string>;
    /** The ECS infrastructure role for load balancers (traffic-shift.ts). */
    infrastructureRoleArn: pulumi.Input<string>;
    /** What must exist before ECS first uses the role (its policy attachment): the service waits for it. @default none */
    dependsOn?: pulumi.Resource[];
}

/** The service's deploymentConfiguration for a traffic shift (bake times are strings in the provider's schema). */
export function deploymentConfiguration(t: TrafficShift): inputs.ecs.ServiceDeploymentConfiguration {
    return {
        strategy: t.strategy,
        bakeTimeInMinutes: String(t.bakeMinutes),
        ...(t.strategy === "CANARY" && t.step ? { canaryConfiguration: { canaryPercent: t.step.percent, canaryBakeTimeInMinutes: String(t.step.minutes) } } : {}),
        ...(t.strategy === "LINEAR" && t.step ? { linearConfiguration: { stepPercent: t.step.percent, stepBakeTimeInMinutes: String(t.step.minutes) } } : {}),
    };
}


/**
 * The app on ECS Fargate: cluster, task definition with logs and secrets, a service behind the load
 * balancer with circuit-breaker rollback, and CPU target-tracking autoscaling.
 */
export class FargateApp extends pulumi.ComponentResource {
    readonly cluster: ecs.Cluster;
    readonly service: ecs.Service;
    readonly taskDefinition: ecs.TaskDefinition;
    readonly logGroup: cloudwatch.LogGroup;
    readonly executionRole: iam.Role;
    readonly taskRole: iam.Role;
    /** The cluster's capacity providers: every service of the cluster (the workers' too) waits for them. */
    readonly capacity: ecs.ClusterCapacityProviders;

    constructor(name: string, args: FargateAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:FargateApp", name, {}, opts);
        const protect = args.protect ?? false;
        const { ctx } = args;
        this.logGroup = new cloudwatch.LogGroup(
            `${name}-logs`,
            { name: args.logGroupName, retentionInDays: args.logRetentionDays },
            { parent: this, aliases: renamedFrom("logs"), protect },
        );
        this.cluster = new ecs.Cluster(
            `${name}-cluster`,
            { name: args.name, settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }] },
            { parent: this, aliases: renamedFrom("cluster") },
        );
        const capacity = (this.capacity = new ecs.ClusterCapacityProviders(
            `${name}-capacity`,
            { clusterName: this.cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] },
            { parent: this, aliases: renamedFrom("capacity") },
        ));

        this.executionRole = serviceRole(
            `${name}-execution`,
            {
                service: "ecs-tasks.amazonaws.com",
                description: `ECS agent for ${args.name}: pull the image, write logs, read the app's secrets`,
                path: args.rolePath,
                accountId: ctx.accountId,
                permissionsBoundary: args.permissionsBoundary,
            },
            { parent: this, aliases: renamedFrom("execution") },
        );
        // The delivery stack owns this policy (infra/delivery/stack-access.ts): the deploy role only attaches it.
        new iam.RolePolicyAttachment(`${name}-execution-policy`, { role: this.executionRole.name, policyArn: args.executionPolicyArn }, { parent: this, aliases: renamedFrom("execution-policy") });
        // The app's own identity: distinct from the agent's, and granted nothing until the app needs it.
        this.taskRole = serviceRole(
            `${name}-task`,
            { service: "ecs-tasks.amazonaws.com", description: `The app in ${args.name}`, path: args.rolePath, accountId: ctx.accountId, permissionsBoundary: args.permissionsBoundary },
            { parent: this, aliases: renamedFrom("task") },
        );
        (args.taskPolicyArns ?? []).forEach((policyArn, i) => new iam.RolePolicyAttachment(`${name}-task-policy${i ? `-${i}` : ""}`, { role: this.taskRole.name, policyArn }, { parent: this }));
        this.taskDefinition = new ecs.TaskDefinition(
            `${name}-task`,
            fargateTaskDefinitionArgs({
                family: args.name,
                cpu: args.cpu,
                memory: args.memory,
                executionRoleArn: this.executionRole.arn,
                taskRoleArn: this.taskRole.arn,
                image: args.image,
                logGroupName: this.logGroup.name,
                secrets: args.secrets,
                databaseSecrets: args.databaseSecrets,
                region: ctx.region,
                container: { containerPort: args.containerPort, environment: args.environment, healthCheckCommand: args.healthCheckCommand },
            }),
            { parent: this, aliases: renamedFrom("task") },
        );

        const taskSecurityGroup = new ec2.SecurityGroup(
            `${name}-tasks`,
            {
                vpcId: args.vpcId,
                description: `Tasks of ${args.name}: reachable from the ingress only`,
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: args.containerPort,
                        toPort: args.containerPort,
                        securityGroups: [args.ingressSecurityGroupId],
                        description: "From the load balancer or the API VPC link",
                    },
                ],
                // Outbound: registry, Secrets Manager, CloudWatch and whatever the app calls.
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "All outbound" }],
            },
            { parent: this, aliases: renamedFrom("tasks") },
        );

        const shift = args.targetGroupArn ? args.trafficShift : undefined;
        this.service = new ecs.Service(
            `${name}-service`,
            {
                name: args.name,
                cluster: this.cluster.arn,
                taskDefinition: this.taskDefinition.arn,
                desiredCount: args.desiredCount,
                capacityProviderStrategies: [{ capacityProvider: args.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1, base: 0 }],
                networkConfiguration: {
                    subnets: args.subnetIds,
                    securityGroups: [taskSecurityGroup.id, ...(args.extraSecurityGroupIds ?? [])],
                    // No NAT gateway: tasks reach ECR and Secrets Manager through their public IP.
                    assignPublicIp: true,
                },
                loadBalancers: args.targetGroupArn
                    ? [
                          {
                              targetGroupArn: args.targetGroupArn,
                              containerName: CONTAINER_NAME,
                              containerPort: args.containerPort,
                              ...(shift
                                  ? { advancedConfiguration: { alternateTargetGroupArn: shift.alternateTargetGroupArn, productionListenerRule: shift.productionListenerRuleArn, roleArn: shift.infrastructureRoleArn } }
                                  : {}),
                          },
                      ]
                    : [],
                serviceRegistries: args.serviceRegistryArn
                    ? { registryArn: args.serviceRegistryArn, containerName: CONTAINER_NAME, containerPort: args.containerPort }
                    : undefined,
                // Zero-downtime roll: start new tasks before stopping old ones.
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                // Rolling stays ECS's default (no deploymentConfiguration declared, as before).
                ...(shift ? { deploymentConfiguration: deploymentConfiguration(shift) } : {}),
                // "How CloudWatch alarms detect Amazon ECS deployment failures": an alarm in ALARM during the
                // deployment (and its bake time, which ECS derives from the alarms) fails it and rolls it back.
                alarms: args.deploymentAlarmNames?.length ? { alarmNames: args.deploymentAlarmNames, enable: true, rollback: true } : undefined,
                // Only meaningful (and only accepted) with a load balancer's health checks.
                healthCheckGracePeriodSeconds: args.targetGroupArn ? HEALTH.gracePeriodSeconds : undefined,
                propagateTags: "SERVICE",
                enableEcsManagedTags: true,
                waitForSteadyState: false,
            },
            // Autoscaling owns the running count after creation. ECS rejects a capacity provider strategy
            // before the cluster has the providers, and a target group no listener uses.
            // With a traffic shift, ECS swaps the target group pair on every deployment (the new tasks' group becomes
            // the primary; a public ECS-native blue/green walkthrough, choisungwook/portfolio#1261, ignores these for
            // that reason): the pair is ECS's to change, while a newly added advancedConfiguration still applies
            // (an ignored path takes the program's value where the state has none: Pulumi's ignoreChanges docs).
            {
                parent: this,
                aliases: renamedFrom("service"),
                ignoreChanges: ["desiredCount", ...(shift ? ["loadBalancers[0].targetGroupArn", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn"] : [])],
                dependsOn: [capacity, ...(args.dependsOn ?? []), ...(shift?.dependsOn ?? [])],
            },
        );

        cpuScaling(name, { clusterName: this.cluster.name, serviceName: this.service.name, minCount: args.minCount, maxCount: args.maxCount, cpuTargetPercent: args.cpuTargetPercent }, this, {
            target: renamedFrom("scaling"),
            policy: renamedFrom("cpu"),
        });
        this.registerOutputs({ clusterName: this.cluster.name, serviceName: this.service.name, logGroup: this.logGroup.name });
    }
}
