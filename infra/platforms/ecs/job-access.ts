// Who may do what for an environment's scheduled jobs (infra/platforms/ecs/job.ts), in three places the
// delivery stack owns:
// - the `job-scheduler` runtime policy the environment's EventBridge Scheduler role gets attached (a deploy
//   role never writes a permission: it may only attach its stack's runtime policies);
// - the permissions boundary's allowance for what that policy grants (ecs:RunTask, sqs:SendMessage), only
//   on the stack's own task families and dead-letter queue;
// - the deploy role's statements for the schedule group, the schedules and the queue.
// The policy's kind is contract.ts JOB_SCHEDULER_KIND. Names come from contract.ts: families `<app>-<stack>_<process>`, the group `<app>-<stack>`, the queue
// `<app>-<stack>-jobs-dlq`. Schedules carry no tags (ScheduleArgs has no tags input; the service
// authorization reference gives the `schedule` resource type no condition key), so their ARN,
// `schedule/<group>/<name>`, is what pins them to their stack.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import type { DeployerScope } from "../../delivery/deployer-policy";
import { tagConditions } from "../../delivery/deployer-policy";
import { environmentName, jobDeadLetterQueueName, jobScheduleGroupName, OWN_STACK, ownStackRolesArn, stackPattern, stackRolesArn, STACK_TAG } from "../../contract";

/** The stack's task families, every revision and none (`<app>-<stack>_*`): RunTask is authorized on the ARN as given. */
function familyArns(ctx: AwsContext, app: string, pattern: string) {
    return [arnOf(ctx, "ecs", `task-definition/${environmentName(app, pattern)}_*`)];
}

/**
 * What the scheduler role needs to run the stack's jobs (the calls of Scheduler's ECS RunTask templated
 * target, modelled on AWS's AmazonEC2ContainerServiceEventsRole: "Amazon ECS EventBridge IAM Role", ECS
 * Developer Guide): RunTask of the stack's own families in its own cluster, tagging the tasks it starts
 * (the schedules set managed tags and propagate the family's), passing the stack's own task and execution
 * roles to ECS tasks, and the dead-letter queue. The role's own stack tag (aws:PrincipalTag) keeps a
 * review stack's role to its own stack among the review-* names.
 */
export function jobSchedulerStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [
        {
            Sid: "RunOwnJobs",
            Action: ["ecs:RunTask"],
            Resource: familyArns(ctx, app, pattern),
            Condition: {
                ArnLike: { "ecs:cluster": arnOf(ctx, "ecs", `cluster/${environmentName(app, pattern)}`) },
                StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK },
            },
        },
        {
            Sid: "TagOwnJobTasks",
            Action: ["ecs:TagResource"],
            Resource: [arnOf(ctx, "ecs", `task/${environmentName(app, pattern)}/*`)],
            Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        },
        {
            // Roles live under /slipway/<app>/<stack>/ (contract.ts environmentRolePath): the tag value fills <app>/<stack>.
            Sid: "PassOwnTaskRoles",
            Action: ["iam:PassRole"],
            Resource: [ownStackRolesArn(ctx)],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        {
            Sid: "OwnDeadLetters",
            Action: ["sqs:SendMessage"],
            Resource: [arnOf(ctx, "sqs", jobDeadLetterQueueName(app, pattern))],
            Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK } },
        },
    ];
}

/**
 * The boundary's allowance for the scheduler role: RunTask only on the stack's own families, SendMessage only
 * to its own dead-letter queue (NothingOfOtherStacks denies either on anything tagged for another stack).
 */
export function jobBoundaryStatements(app: string, policyStack: string, ctx: AwsContext): Statement[] {
    const pattern = stackPattern(policyStack);
    return [
        { Sid: "RunOnlyOwnFamilies", Action: ["ecs:RunTask"], Resource: familyArns(ctx, app, pattern) },
        { Sid: "DeadLettersOnlyToOwnQueue", Action: ["sqs:SendMessage"], Resource: [arnOf(ctx, "sqs", jobDeadLetterQueueName(app, pattern))] },
    ];
}

/** The deploy role's statements for the stack's schedule group, schedules and dead-letter queue. */
export function jobDeployStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const pattern = stackPattern(scope.policyStack);
    const group = arnOf(ctx, "scheduler", `schedule-group/${jobScheduleGroupName(app, pattern)}`);
    const schedules = arnOf(ctx, "scheduler", `schedule/${jobScheduleGroupName(app, pattern)}/*`);
    const queue = arnOf(ctx, "sqs", jobDeadLetterQueueName(app, pattern));
    return [
        // The group's name pins it to the stack; it must also be tagged for it (CreateScheduleGroup: aws:RequestTag).
        { Sid: "CreateOwnScheduleGroup", Action: ["scheduler:CreateScheduleGroup"], Resource: [group], Condition: t.creating },
        { Sid: "OwnScheduleGroup", Action: ["scheduler:GetScheduleGroup", "scheduler:DeleteScheduleGroup", "scheduler:ListTagsForResource"], Resource: [group] },
        { Sid: "TagOwnScheduleGroup", Action: ["scheduler:TagResource"], Resource: [group], Condition: t.pinnedTagging },
        { Sid: "UntagOwnScheduleGroup", Action: ["scheduler:UntagResource"], Resource: [group], Condition: t.untagging },
        // Schedules have no tags: only those in the stack's own group.
        { Sid: "OwnSchedules", Action: ["scheduler:CreateSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"], Resource: [schedules] },
        {
            // A schedule names its execution role: only the stack's own roles, only for Scheduler to assume.
            Sid: "PassOwnSchedulerRoles",
            Action: ["iam:PassRole"],
            Resource: [stackRolesArn(ctx, app, pattern)],
            Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
        },
        // The queue's name pins it to the stack; CreateQueue and TagQueue carry its tags (aws:RequestTag).
        { Sid: "CreateOwnDeadLetterQueue", Action: ["sqs:CreateQueue"], Resource: [queue], Condition: t.creating },
        { Sid: "OwnDeadLetterQueue", Action: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SetQueueAttributes", "sqs:ListQueueTags", "sqs:DeleteQueue"], Resource: [queue] },
        { Sid: "TagOwnDeadLetterQueue", Action: ["sqs:TagQueue"], Resource: [queue], Condition: t.pinnedTagging },
        { Sid: "UntagOwnDeadLetterQueue", Action: ["sqs:UntagQueue"], Resource: [queue], Condition: { "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": [STACK_TAG] }, Null: { "aws:TagKeys": "false" } } },
    ];
}
