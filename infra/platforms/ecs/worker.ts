// A background worker on ECS Fargate: its own service in the environment's cluster, with no ingress
// (no load balancer, no service registry, a security group without inbound rules), its own task family
// (contract.ts workerFamily), log group and task role, the app's secrets by valueFrom, the circuit
// breaker with rollback, and CPU target-tracking autoscaling. The pipeline's stage deploys it with the
// web service (./pipeline.ts).
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import { cpuScaling } from "./cpu-scaling";
import { queueScaling } from "./queue-scaling";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "../../shared/aws-context";
import { serviceRole } from "../../shared/iam";
import { fargateTaskDefinitionArgs } from "./task-definition";

export interface WorkerServiceArgs {
    /** The ECS service's name: contract.ts workerServiceName (the pipeline deploys it by name). */
    serviceName: string;
    /** The task family: contract.ts workerFamily, `<app>-<stack>_<worker>`. */
    family: string;
    /** The environment's cluster (the web service's). */
    clusterArn: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    /** The shell command, run as `sh -c <command>` (the image must have a shell). */
    command: string;
    /** The image Pulumi declares (the environment's verified one); the pipeline's deploys move it on. */
    image: pulumi.Input<string>;
    /** Fargate cpu units and MiB (a checked pair). */
    cpu: number;
    memory: number;
    /** The environment's execution role (the ECS agent: image pull, logs, the secret), with the stack's runtime policy. */
    executionRoleArn: pulumi.Input<string>;
    /** Managed policies for the worker's task role, as for the web's (the packages-read policy under slipway:packages.runtimeRead). @default none */
    taskPolicyArns?: pulumi.Input<string>[];
    /** The delivery stack's `queue-<worker>` runtime policy (queue-access.ts): consuming the worker's own queue. @default none */
    queuePolicyArn?: pulumi.Input<string>;
    /** The stack's permissions boundary: the worker's task role carries it, like the web's. */
    permissionsBoundary: pulumi.Input<string>;
    /** The stack's own role path (contract.ts environmentRolePath): the pipeline may pass only these. */
    rolePath: string;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    /** Plain settings, as environment variables (the app's). */
    environment: Record<string, string>;
    /** App secrets: names and the JSON secret holding them (ECS resolves them at task start). */
    secrets?: { arn: pulumi.Input<string>; names: string[]; versionId: pulumi.Input<string> };
    /** Database connection secrets (slipway:database): ECS task secrets by reference, beside the app's. @default none */
    databaseSecrets?: pulumi.Input<{ name: string; valueFrom: string }[]>;
    /** Further security groups of the tasks: the database's clients group (slipway:database). @default none */
    extraSecurityGroupIds?: pulumi.Input<string>[];
    /** Container health check (CMD-SHELL); @default none: ECS counts a task healthy 40 s after it is RUNNING. */
    healthCheckCommand?: string;
    desiredCount: number;
    minCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    /** Scale on this SQS queue's backlog per task instead of CPU (queue-scaling.ts); the cluster must run Container Insights. @default CPU */
    queue?: { name: string; messagesPerTask: number };
    /**
     * The environment's release alarms (the web's traffic and tasks): the worker runs the same image, so
     * an alarm during its deployment fails and rolls it back too. @default none (release alarms off)
     */
    deploymentAlarmNames?: pulumi.Input<string>[];
    /** Fargate Spot (the environment's setting). @default false */
    spot?: boolean;
    /** The worker's own log group: contract.ts workerLogGroupName. */
    logGroupName: string;
    logRetentionDays: number;
    /** Resources the service waits for: the cluster's capacity providers. */
    dependsOn?: pulumi.Resource[];
    protect?: boolean;
    ctx: AwsContext;
}

/** One worker: task role, log group, task definition, security group, service and its autoscaling. */
export class WorkerService extends pulumi.ComponentResource {
    readonly service: ecs.Service;
    readonly taskDefinition: ecs.TaskDefinition;
    readonly logGroup: cloudwatch.LogGroup;
    readonly taskRole: iam.Role;

    constructor(name: string, args: WorkerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:WorkerService", name, {}, opts);
        const { ctx } = args;
        this.logGroup = new cloudwatch.LogGroup(`${name}-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays }, { parent: this, protect: args.protect ?? false });
        // The worker's own identity, granted nothing until the app needs it (like the web's task role).
        this.taskRole = serviceRole(
            `${name}-task`,
            { service: "ecs-tasks.amazonaws.com", description: `The worker ${args.serviceName}`, path: args.rolePath, accountId: ctx.accountId, permissionsBoundary: args.permissionsBoundary },
            { parent: this },
        );
        (args.taskPolicyArns ?? []).forEach((policyArn, i) => new iam.RolePolicyAttachment(`${name}-task-policy${i ? `-${i}` : ""}`, { role: this.taskRole.name, policyArn }, { parent: this }));
        // A queue worker's app consumes its queue: the delivery stack's policy names exactly that queue.
        if (args.queuePolicyArn) new iam.RolePolicyAttachment(`${name}-queue-policy`, { role: this.taskRole.name, policyArn: args.queuePolicyArn }, { parent: this });
        this.taskDefinition = new ecs.TaskDefinition(
            `${name}-task`,
            fargateTaskDefinitionArgs({
                family: args.family,
                cpu: args.cpu,
                memory: args.memory,
                executionRoleArn: args.executionRoleArn,
                taskRoleArn: this.taskRole.arn,
                image: args.image,
                logGroupName: this.logGroup.name,
                secrets: args.secrets,
                databaseSecrets: args.databaseSecrets,
                region: ctx.region,
                container: { command: args.command, environment: args.environment, healthCheckCommand: args.healthCheckCommand },
            }),
            { parent: this },
        );
        const securityGroup = new ec2.SecurityGroup(
            `${name}-tasks`,
            {
                vpcId: args.vpcId,
                description: `Tasks of ${args.serviceName}: no inbound traffic`,
                ingress: [],
                // Outbound: registry, Secrets Manager, CloudWatch, the queue and whatever the worker calls.
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "All outbound" }],
            },
            { parent: this },
        );
        this.service = new ecs.Service(
            `${name}-service`,
            {
                name: args.serviceName,
                cluster: args.clusterArn,
                taskDefinition: this.taskDefinition.arn,
                desiredCount: args.desiredCount,
                capacityProviderStrategies: [{ capacityProvider: args.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1, base: 0 }],
                // No NAT gateway: tasks reach ECR and Secrets Manager through their public IP; no inbound rule admits anything.
                networkConfiguration: { subnets: args.subnetIds, securityGroups: [securityGroup.id, ...(args.extraSecurityGroupIds ?? [])], assignPublicIp: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                // A crash-looping worker never reaches steady state: the deployment fails and rolls back.
                deploymentCircuitBreaker: { enable: true, rollback: true },
                alarms: args.deploymentAlarmNames?.length ? { alarmNames: args.deploymentAlarmNames, enable: true, rollback: true } : undefined,
                propagateTags: "SERVICE",
                enableEcsManagedTags: true,
                waitForSteadyState: false,
            },
            { parent: this, ignoreChanges: ["desiredCount"], dependsOn: args.dependsOn ?? [] },
        );
        if (args.queue) {
            queueScaling(name, { clusterName: args.clusterName, serviceName: this.service.name, minCount: args.minCount, maxCount: args.maxCount, queueName: args.queue.name, messagesPerTask: args.queue.messagesPerTask }, this);
        } else {
            cpuScaling(name, { clusterName: args.clusterName, serviceName: this.service.name, minCount: args.minCount, maxCount: args.maxCount, cpuTargetPercent: args.cpuTargetPercent }, this);
        }
        this.registerOutputs({ serviceName: this.service.name, family: this.taskDefinition.family, logGroup: this.logGroup.name });
    }
}
