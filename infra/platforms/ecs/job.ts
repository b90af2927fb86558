// Scheduled jobs on ECS Fargate: an EventBridge Scheduler schedule per job, in the environment's own
// schedule group (contract.ts jobScheduleGroupName), running the job's task family in the web's cluster
// with the web's subnets and a security group without ingress. Each job has its own family (contract.ts
// jobFamily), log group and task role (the stack's boundary) and the app's secrets by valueFrom. Failed
// invocations (after the retry policy) land in the environment's dead-letter queue (SSE, 14 days).
//
// Which revision runs: the schedule names the family's ARN without a revision. Scheduler hands
// EcsParameters.TaskDefinitionArn to ECS RunTask, whose taskDefinition "If a revision isn't specified, the
// latest ACTIVE revision is used" (ECS API Reference, RunTask). So the newest revision registered with
// the family runs; Pulumi registers one whenever the environment's image changes (docs/services.md).
import { deadLetterAlarm } from "./job-alarm";
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as scheduler from "@pulumi/aws/scheduler";
import * as sqs from "@pulumi/aws/sqs";
import { AwsContext, arnOf } from "../../shared/aws-context";
import { serviceRole } from "../../shared/iam";
import type { JobSettings } from "./job-settings";
import { fargateTaskDefinitionArgs, type TaskSecrets } from "./task-definition";

/** 14 days, SQS's maximum retention (SetQueueAttributes MessageRetentionPeriod: 60–1,209,600 seconds). */
export const DLQ_RETENTION_SECONDS = 1209600;

/** A validated job (slipway:jobs) and the names contract.ts derives for it. */
export interface ScheduledJob extends JobSettings {
    /** contract.ts jobFamily. */
    family: string;
    /** contract.ts jobLogGroupName. */
    logGroupName: string;
    /** The app's secrets this job reads (its `secrets`: process-secrets.ts). @default ScheduledJobsArgs.secrets */
    taskSecrets?: TaskSecrets;
    /** The job's own execution role (process-execution.ts), when it chooses its secrets. @default ScheduledJobsArgs.executionRoleArn */
    executionRoleArn?: pulumi.Input<string>;
}

export interface ScheduledJobsArgs {
    jobs: ScheduledJob[];
    /** contract.ts jobScheduleGroupName. */
    groupName: string;
    /** contract.ts jobDeadLetterQueueName. */
    deadLetterQueueName: string;
    clusterArn: pulumi.Input<string>;
    image: pulumi.Input<string>;
    /** The environment's execution role (image pull, logs, the secret): the jobs' tasks start with it. */
    executionRoleArn: pulumi.Input<string>;
    /** The delivery stack's job-scheduler runtime policy (contract.ts runtimePolicyArn, JOB_SCHEDULER_KIND), attached to the scheduler role. */
    schedulerPolicyArn: pulumi.Input<string>;
    /** Managed policies for every job's task role, as for the web's. @default none */
    taskPolicyArns?: pulumi.Input<string>[];
    permissionsBoundary: pulumi.Input<string>;
    rolePath: string;
    vpcId: pulumi.Input<string>;
    /** The web service's subnets; jobs take a public IP as the web's tasks do (no NAT gateway). */
    subnetIds: pulumi.Input<string>[];
    assignPublicIp: boolean;
    environment: Record<string, string>;
    secrets?: { arn: pulumi.Input<string>; names: string[]; versionId: pulumi.Input<string> };
    /** The database's secrets (slipway:database), by ECS valueFrom, as every other process of the app gets them. @default none */
    databaseSecrets?: pulumi.Input<{ name: string; valueFrom: string }[]>;
    /** Managed policies for the task role of each job that uses the database (not `database: false`): the `db-connect` policy (iamAuthentication). @default none */
    databaseTaskPolicyArns?: pulumi.Input<string>[];
    /** Plain variables of each job that uses the database, beside `environment` (PGUSER_IAM with iamAuthentication). @default none */
    databaseEnvironment?: Record<string, string>;
    /** Further security groups of the jobs' tasks (the database's clients group). @default none */
    extraSecurityGroupIds?: pulumi.Input<string>[];
    /** The dead-letter alarm (job-alarm.ts): its name under the stack's alarm prefix and the topic it notifies. @default none */
    deadLetterAlarm?: { alarmName: string; topicArn: pulumi.Input<string> };
    /** Schedules declared DISABLED (review stacks). @default false */
    disabled?: boolean;
    logRetentionDays: number;
    protect?: boolean;
    ctx: AwsContext;
}

/** The environment's schedule group, dead-letter queue, scheduler role and jobs. */
export class ScheduledJobs extends pulumi.ComponentResource {
    readonly group: scheduler.ScheduleGroup;
    readonly deadLetterQueue: sqs.Queue;
    /** With deadLetterAlarm: ApproximateNumberOfMessagesVisible > 0 on the queue, notifying the topic. */
    readonly deadLetterAlarm?: cloudwatch.MetricAlarm;
    readonly schedulerRole: iam.Role;
    readonly schedules: scheduler.Schedule[] = [];
    readonly taskDefinitions: ecs.TaskDefinition[] = [];
    readonly taskRoles: iam.Role[] = [];

    constructor(name: string, args: ScheduledJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ScheduledJobs", name, {}, opts);
        const { ctx } = args;
        this.group = new scheduler.ScheduleGroup(`${name}-group`, { name: args.groupName }, { parent: this });
        this.deadLetterQueue = new sqs.Queue(
            `${name}-dlq`,
            { name: args.deadLetterQueueName, sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
            { parent: this },
        );
        if (args.deadLetterAlarm) this.deadLetterAlarm = deadLetterAlarm(name, { ...args.deadLetterAlarm, queueName: this.deadLetterQueue.name }, this);
        // ARNs from the fixed names (known at plan time): the queue's and the group's.
        const queueArn = pulumi.all([this.deadLetterQueue.name, arnOf(ctx, "sqs", "")]).apply(([n, prefix]) => `${prefix}${n}`);
        const groupArn = pulumi.all([this.group.name, arnOf(ctx, "scheduler", "schedule-group/")]).apply(([n, prefix]) => `${prefix}${n}`);
        // Scheduler sets the schedule group's ARN as aws:SourceArn (Scheduler User Guide, "Confused deputy prevention").
        this.schedulerRole = serviceRole(
            `${name}-scheduler`,
            {
                service: "scheduler.amazonaws.com",
                description: `EventBridge Scheduler running the jobs of ${args.groupName}`,
                path: args.rolePath,
                condition: { StringEquals: { "aws:SourceAccount": ctx.accountId }, ArnEquals: { "aws:SourceArn": groupArn } },
                permissionsBoundary: args.permissionsBoundary,
            },
            { parent: this },
        );
        const securityGroup = new ec2.SecurityGroup(
            `${name}-tasks`,
            {
                vpcId: args.vpcId,
                description: `Scheduled jobs of ${args.groupName}: no inbound traffic`,
                ingress: [],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "All outbound" }],
            },
            { parent: this },
        );
        for (const job of args.jobs) {
            const n = `${name}-${job.name}`;
            const logGroup = new cloudwatch.LogGroup(`${n}-logs`, { name: job.logGroupName, retentionInDays: args.logRetentionDays }, { parent: this, protect: args.protect ?? false });
            const taskRole = serviceRole(
                `${n}-task`,
                { service: "ecs-tasks.amazonaws.com", description: `The scheduled job ${job.family}`, path: args.rolePath, accountId: ctx.accountId, permissionsBoundary: args.permissionsBoundary },
                { parent: this },
            );
            // After the shared ones, so their attachments keep their names: the database's (db-connect) unless `database: false`.
            [...(args.taskPolicyArns ?? []), ...(job.database === false ? [] : (args.databaseTaskPolicyArns ?? []))].forEach((policyArn, i) => new iam.RolePolicyAttachment(`${n}-task-policy${i ? `-${i}` : ""}`, { role: taskRole.name, policyArn }, { parent: this }));
            this.taskRoles.push(taskRole);
            const taskDefinition = new ecs.TaskDefinition(
                `${n}-task`,
                fargateTaskDefinitionArgs({
                    family: job.family,
                    cpu: job.cpu,
                    memory: job.memory,
                    executionRoleArn: job.executionRoleArn ?? args.executionRoleArn,
                    taskRoleArn: taskRole.arn,
                    image: args.image,
                    logGroupName: logGroup.name,
                    secrets: job.taskSecrets ?? args.secrets,
                    // `database: false`: none of the database's secrets, and (below) not in its clients group.
                    databaseSecrets: job.database === false ? undefined : args.databaseSecrets,
                    region: ctx.region,
                    container: { command: job.command, environment: args.databaseEnvironment && job.database !== false ? { ...args.environment, ...args.databaseEnvironment } : args.environment },
                }),
                { parent: this },
            );
            this.taskDefinitions.push(taskDefinition);
            this.schedules.push(
                new scheduler.Schedule(
                    `${n}-schedule`,
                    {
                        name: job.name,
                        groupName: this.group.name,
                        description: `Runs ${job.family} (${job.schedule}, ${job.timezone})`,
                        scheduleExpression: job.schedule,
                        scheduleExpressionTimezone: job.timezone,
                        flexibleTimeWindow: { mode: "OFF" },
                        state: args.disabled ? "DISABLED" : "ENABLED",
                        target: {
                            arn: args.clusterArn,
                            roleArn: this.schedulerRole.arn,
                            ecsParameters: {
                                // The family without a revision: RunTask takes its latest ACTIVE revision.
                                taskDefinitionArn: arnOf(ctx, "ecs", `task-definition/${job.family}`),
                                launchType: "FARGATE",
                                taskCount: 1,
                                networkConfiguration: { subnets: args.subnetIds, securityGroups: [securityGroup.id, ...(job.database === false ? [] : (args.extraSecurityGroupIds ?? []))], assignPublicIp: args.assignPublicIp },
                                enableEcsManagedTags: true,
                                propagateTags: "TASK_DEFINITION",
                            },
                            retryPolicy: { maximumRetryAttempts: job.retries, maximumEventAgeInSeconds: job.maxEventAgeSeconds },
                            deadLetterConfig: { arn: queueArn },
                        },
                    },
                    // The family must exist before the first invocation.
                    { parent: this, dependsOn: [taskDefinition] },
                ),
            );
        }
        const families = args.jobs.map((j) => j.family);
        // The delivery stack's job-scheduler runtime policy (infra/platforms/ecs/job-access.ts): RunTask of the
        // stack's own families in its cluster, passing its roles to ECS tasks, the dead-letter queue.
        new iam.RolePolicyAttachment(`${name}-scheduler-policy`, { role: this.schedulerRole.name, policyArn: args.schedulerPolicyArn }, { parent: this });
        this.registerOutputs({ groupName: this.group.name, deadLetterQueue: this.deadLetterQueue.name, families });
    }
}
