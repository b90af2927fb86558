// After RDS rotates the database's master password, the environment's services restart to read it: ECS
// injects a secret "when the container is initially started. If the secret is subsequently updated or
// rotated, the container will not receive the updated value automatically" (ECS Developer Guide, "Retrieve
// Secrets Manager secrets through Amazon ECS environment variables"). No Lambda code: an EventBridge rule on
// Secrets Manager's RotationSucceeded event for RDS's own secret starts a Step Functions state machine whose
// tasks call ECS UpdateService with ForceNewDeployment through the AWS SDK integration
// (`arn:aws:states:::aws-sdk:ecs:updateService`; Step Functions Developer Guide, "Integrating other services
// with AWS SDK service integrations": Parameters are the API's own request members). An EventBridge rule
// cannot call UpdateService itself: its ECS target runs tasks (RunTask), it updates no service.
//
// A forced deployment keeps the service's task definition (the pipeline's revision, which the service
// ignores in Pulumi) and replaces every task with one that reads the secrets again. Scheduled jobs and the
// release task start new tasks each time, so they read the new password anyway.
//
// Permissions live where every environment role's do: the delivery stack's runtime policies
// (`db-rotation-restart` for the state machine's role, `db-rotation-trigger` for EventBridge's), the
// stack's boundary's allowance, and the deploy role's statements for the rule, the state machine and the
// rotation schedule (rotationDeployStatements), all in this file.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as sfn from "@pulumi/aws/sfn";
import { arnOf, AwsContext } from "../../shared/aws-context";
import { serviceRole, Statement } from "../../shared/iam";
import type { DeployerScope } from "../../delivery/deployer-policy";
import { tagConditions } from "../../delivery/deployer-policy";
import { databaseIdentifier, databaseResource, environmentName, OWN_STACK, rdsMasterSecret, rotationRestartName, ROTATION_RESTART_KIND, ROTATION_TRIGGER_KIND, runtimePolicyArn, stackPattern, stackRolesArn, STACK_TAG } from "../../contract";

/** The service principals of the two roles (their trust policies). */
export const STATES_PRINCIPAL = "states.amazonaws.com";
export const EVENTS_PRINCIPAL = "events.amazonaws.com";

/**
 * The event Secrets Manager records when a rotation finishes: `RotationSucceeded`, a CloudTrail entry of
 * the service itself (Secrets Manager User Guide, "AWS CloudTrail entries for Secrets Manager", log entries
 * for rotation; "Match AWS Secrets Manager events with Amazon EventBridge"), the secret's ARN in
 * `additionalEventData.SecretId`. A service event reaches EventBridge as "AWS Service Event via CloudTrail"
 * (CloudTrail User Guide, "AWS service events": eventType AwsServiceEvent); the API-call type is matched too,
 * since a pattern that also names it costs nothing and the AWS page's example was not read whole offline.
 */
export function rotationEventPattern(secretArn: string): Record<string, unknown> {
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
        detail: { eventSource: ["secretsmanager.amazonaws.com"], eventName: ["RotationSucceeded"], additionalEventData: { SecretId: [secretArn] } },
    };
}

/**
 * The state machine: one task per service, in order (web first), each `UpdateService` with
 * `ForceNewDeployment`, retried three times with backoff (a service mid-deployment answers with an error
 * the retry outlasts). Amazon States Language: Task, Retry (ErrorEquals, IntervalSeconds, MaxAttempts,
 * BackoffRate), Next/End.
 */
export function restartDefinition(partition: string, cluster: string, services: string[]): string {
    if (!services.length) throw new Error("a rotation restart needs at least one service");
    // State names: at most 80 characters, no white space (StateEnteredEventDetails): numbered, the service in the Comment.
    const state = (i: number) => `Restart-${i + 1}`;
    const states = Object.fromEntries(
        services.map((service, i) => [
            state(i),
            {
                Type: "Task",
                Comment: `Restart ${service}`,
                Resource: `arn:${partition}:states:::aws-sdk:ecs:updateService`,
                Parameters: { Cluster: cluster, Service: service, ForceNewDeployment: true },
                Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 }],
                ...(i + 1 < services.length ? { Next: state(i + 1) } : { End: true }),
            },
        ]),
    );
    return JSON.stringify({ Comment: `Restart ${cluster}'s services after RDS rotates the database password (ECS reads secrets at task start)`, StartAt: state(0), States: states });
}

/** The services' ARNs of the stacks matching `pattern`: `service/<app>-<stack>/<app>-<stack>*` (the web service and its workers). */
const serviceArns = (ctx: AwsContext, app: string, pattern: string) => arnOf(ctx, "ecs", `service/${environmentName(app, pattern)}/${environmentName(app, pattern)}*`);
const stateMachineArn = (ctx: AwsContext, app: string, pattern: string) => arnOf(ctx, "states", `stateMachine:${rotationRestartName(databaseIdentifier(app, pattern))}`);
const ruleArn = (ctx: AwsContext, app: string, pattern: string) => arnOf(ctx, "events", `rule/${rotationRestartName(databaseIdentifier(app, pattern))}`);
const own = { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK } };

/** The state machine's role: force a new deployment of the stack's own services (ecs:UpdateService; ecs:cluster pins the cluster). */
export function rotationRestartStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [
        {
            Sid: "RestartOwnServices",
            Action: ["ecs:UpdateService"],
            Resource: [serviceArns(ctx, app, pattern)],
            Condition: { ...own, ArnLike: { "ecs:cluster": arnOf(ctx, "ecs", `cluster/${environmentName(app, pattern)}`) } },
        },
    ];
}

/** EventBridge's role: start the stack's own restart state machine (states:StartExecution), nothing else. */
export function rotationTriggerStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [{ Sid: "StartOwnRotationRestart", Action: ["states:StartExecution"], Resource: [stateMachineArn(ctx, app, pattern)], Condition: own }];
}

/** The boundary's allowance for the two roles (the boundary's NothingOfOtherStacks denies anything tagged for another stack). */
export function rotationBoundaryStatements(app: string, policyStack: string, ctx: AwsContext): Statement[] {
    const pattern = stackPattern(policyStack);
    return [
        { Sid: "RestartOnlyOwnServices", Action: ["ecs:UpdateService"], Resource: [serviceArns(ctx, app, pattern)] },
        { Sid: "StartOnlyOwnRotationRestart", Action: ["states:StartExecution"], Resource: [stateMachineArn(ctx, app, pattern)] },
    ];
}

/**
 * The deploy role's statements for the restart: the rule and the state machine, pinned by name
 * (`<cluster>-db-rotation`) and created only tagged for the stack; passing the stack's own roles to
 * EventBridge and Step Functions; and the rotation schedule on RDS's own secret of the stack's cluster
 * (the aws:rds:primaryDBClusterArn tag RDS puts on it, as the task agent's read is scoped). The provider
 * calls RotateSecret to create and change aws_secretsmanager_secret_rotation, DescribeSecret to read it and
 * CancelRotateSecret to delete it (internal/service/secretsmanager/secret_rotation.go); it validates a state
 * machine's definition with ValidateStateMachineDefinition when the definition changes (CustomizeDiff
 * stateMachineDefinitionValidate, internal/service/sfn/state_machine.go), an action with no resource type
 * (service authorization reference, Step Functions): "*" in the region.
 */
export function rotationDeployStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const pattern = stackPattern(scope.policyStack);
    const rule = ruleArn(ctx, app, pattern);
    const machine = stateMachineArn(ctx, app, pattern);
    // Kind instance: RDS's secret of the DB instance (rds!db-*, tagged aws:rds:primaryDBInstanceArn = db:<id>; contract.ts rdsMasterSecret).
    const kind = scope.databaseKind === "instance" ? "instance" : "serverless";
    const cluster = arnOf(ctx, "rds", databaseResource(databaseIdentifier(app, pattern), kind));
    const secret = rdsMasterSecret(kind);
    return [
        { Sid: "CreateOwnRotationRule", Action: ["events:PutRule"], Resource: [rule], Condition: t.creating },
        { Sid: "OwnRotationRule", Action: ["events:PutRule", "events:DescribeRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule", "events:ListTagsForResource"], Resource: [rule], Condition: t.owned },
        { Sid: "TagOwnRotationRule", Action: ["events:TagResource"], Resource: [rule], Condition: t.pinnedTagging },
        { Sid: "UntagOwnRotationRule", Action: ["events:UntagResource"], Resource: [rule], Condition: t.untagging },
        { Sid: "CreateOwnRestartMachine", Action: ["states:CreateStateMachine"], Resource: [machine], Condition: t.creating },
        {
            Sid: "OwnRestartMachine",
            Action: ["states:DescribeStateMachine", "states:UpdateStateMachine", "states:DeleteStateMachine", "states:ListTagsForResource", "states:ListStateMachineVersions"],
            Resource: [machine],
            Condition: t.owned,
        },
        { Sid: "TagOwnRestartMachine", Action: ["states:TagResource"], Resource: [machine], Condition: t.pinnedTagging },
        { Sid: "UntagOwnRestartMachine", Action: ["states:UntagResource"], Resource: [machine], Condition: t.untagging },
        { Sid: "ValidateRestartMachine", Action: ["states:ValidateStateMachineDefinition"], Resource: ["*"], Condition: t.region },
        {
            // The rule's target and the state machine name the roles EventBridge and Step Functions assume: only the stack's own.
            Sid: "PassOwnRotationRoles",
            Action: ["iam:PassRole"],
            Resource: [stackRolesArn(ctx, app, pattern)],
            Condition: { StringEquals: { "iam:PassedToService": [EVENTS_PRINCIPAL, STATES_PRINCIPAL] } },
        },
        {
            // The two roles get exactly the delivery stack's rotation runtime policies of this policy stack.
            Sid: "AttachRotationPolicies",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: [stackRolesArn(ctx, app, pattern)],
            Condition: { ArnEquals: { "iam:PolicyARN": [runtimePolicyArn(ctx, app, scope.policyStack, ROTATION_RESTART_KIND), runtimePolicyArn(ctx, app, scope.policyStack, ROTATION_TRIGGER_KIND)] } },
        },
        {
            Sid: "OwnPasswordRotationSchedule",
            Action: ["secretsmanager:RotateSecret", "secretsmanager:DescribeSecret", "secretsmanager:CancelRotateSecret"],
            Resource: [arnOf(ctx, "secretsmanager", secret.pattern)],
            Condition: { StringLike: { [`aws:ResourceTag/${secret.tag}`]: cluster }, StringEquals: { "aws:ResourceTag/aws:secretsmanager:owningService": "rds" } },
        },
    ];
}

export interface RotationRestartArgs {
    /** `<cluster>-db-rotation` (contract.ts rotationRestartName): the rule and the state machine. */
    name: string;
    /** RDS's own secret of the cluster (Database.masterSecretArn). */
    secretArn: pulumi.Input<string>;
    /** The ECS cluster's name and the services to restart (the web service first, then each worker). */
    clusterName?: pulumi.Input<string>;
    serviceNames?: pulumi.Input<string>[];
    /**
     * Another platform's restart instead of ECS services' (Beanstalk: infra/platforms/beanstalk/database.ts
     * refreshDefinition). Exactly one of `definition` and `clusterName` with `serviceNames`. @default the ECS restart
     */
    definition?: pulumi.Input<string>;
    /** The stack's IAM path (contract.ts environmentRolePath) and permissions boundary (delivery stack). */
    rolePath: string;
    permissionsBoundary: pulumi.Input<string>;
    /** The delivery stack's `db-rotation-restart` and `db-rotation-trigger` runtime policies. */
    restartPolicyArn: pulumi.Input<string>;
    triggerPolicyArn: pulumi.Input<string>;
    ctx: AwsContext;
    /** Resources the state machine must follow (the services: a restart of a service not yet created fails). @default none */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /**
     * An alarm when a restart fails after its retries: the services would keep the old password, and new database
     * connections fail. Its name under the stack's alarm prefix (the deploy role writes only those), and the delivery
     * stack's SNS topic, the only action an environment's alarm may have. @default none
     */
    failureAlarm?: { alarmName: string; topicArn: pulumi.Input<string> };
}

/** AWS/States publishes ExecutionsFailed per state machine (Step Functions Developer Guide, "Execution metrics"): 5-minute Sum. */
export const RESTART_ALARM_PERIOD_SECONDS = 300;

function ecsDefinition(ctx: AwsContext, args: RotationRestartArgs): pulumi.Output<string> {
    if (args.clusterName === undefined || !args.serviceNames) throw new Error(`${args.name}: a rotation restart needs an ECS cluster and services, or a definition`);
    return pulumi.all([ctx.partition, args.clusterName, ...args.serviceNames]).apply(([partition, cluster, ...services]) => restartDefinition(partition, cluster, services));
}

/** The restart of the environment's services after each rotation of its database password. */
export class RotationRestart extends pulumi.ComponentResource {
    readonly stateMachine: sfn.StateMachine;
    readonly rule: cloudwatch.EventRule;
    readonly restartRole: iam.Role;
    readonly triggerRole: iam.Role;
    /** With failureAlarm: ExecutionsFailed ≥ 1 on the state machine, notifying the topic. */
    readonly failureAlarm?: cloudwatch.MetricAlarm;

    constructor(name: string, args: RotationRestartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:RotationRestart", name, {}, opts);
        const { ctx } = args;
        // Both services document aws:SourceAccount in their trust policies against the confused deputy.
        this.restartRole = serviceRole(
            `${name}-restart-role`,
            { service: STATES_PRINCIPAL, description: `Step Functions restarts ${args.name}'s services after a database password rotation`, path: args.rolePath, accountId: ctx.accountId, permissionsBoundary: args.permissionsBoundary },
            { parent: this },
        );
        new iam.RolePolicyAttachment(`${name}-restart-policy`, { role: this.restartRole.name, policyArn: args.restartPolicyArn }, { parent: this });
        this.stateMachine = new sfn.StateMachine(
            `${name}-machine`,
            {
                name: args.name,
                type: "STANDARD",
                roleArn: this.restartRole.arn,
                definition: args.definition ?? ecsDefinition(ctx, args),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.triggerRole = serviceRole(
            `${name}-trigger-role`,
            { service: EVENTS_PRINCIPAL, description: `EventBridge starts ${args.name} when RDS rotates the database password`, path: args.rolePath, accountId: ctx.accountId, permissionsBoundary: args.permissionsBoundary },
            { parent: this },
        );
        new iam.RolePolicyAttachment(`${name}-trigger-policy`, { role: this.triggerRole.name, policyArn: args.triggerPolicyArn }, { parent: this });
        this.rule = new cloudwatch.EventRule(
            `${name}-rule`,
            {
                name: args.name,
                description: `RDS rotated the master password of ${args.name.replace(/-db-rotation$/, "")}: restart its services`,
                eventPattern: pulumi.output(args.secretArn).apply((arn) => JSON.stringify(rotationEventPattern(arn))),
            },
            { parent: this },
        );
        new cloudwatch.EventTarget(
            `${name}-target`,
            { rule: this.rule.name, arn: this.stateMachine.arn, roleArn: this.triggerRole.arn, retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 } },
            { parent: this },
        );
        if (args.failureAlarm) {
            // One failed execution is enough; no executions (no rotation) is no data, which is not a failure.
            this.failureAlarm = new cloudwatch.MetricAlarm(
                `${name}-failed-alarm`,
                {
                    name: args.failureAlarm.alarmName,
                    alarmDescription: `A restart after a database password rotation failed (${args.name}): the services still hold the old password, so new database connections fail. Read the state machine's failed execution, then restart the services by hand.`,
                    namespace: "AWS/States",
                    metricName: "ExecutionsFailed",
                    dimensions: { StateMachineArn: this.stateMachine.arn },
                    statistic: "Sum",
                    period: RESTART_ALARM_PERIOD_SECONDS,
                    evaluationPeriods: 1,
                    threshold: 1,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: [args.failureAlarm.topicArn],
                    okActions: [args.failureAlarm.topicArn],
                },
                { parent: this },
            );
        }
        this.registerOutputs({ stateMachineArn: this.stateMachine.arn, ruleArn: this.rule.arn });
    }
}
