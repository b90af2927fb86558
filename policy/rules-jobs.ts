// Rules for scheduled jobs (infra/platforms/ecs/job.ts): their dead-letter queue is encrypted at rest, a
// schedule that runs an ECS task keeps failed invocations (retries and a dead-letter queue), and a
// scheduled task's public IP is visible as the services' is.
import { get, resourceRule, SlipwayRule } from "./kit";

const QUEUE = "aws:sqs/queue:Queue";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

export const jobRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "sqs-encrypted",
            description: "SQS queues are encrypted at rest (SSE with SQS-managed keys, or a KMS key).",
            sources: ["tfsec aws-sqs-enable-queue-encryption", "AWS Security Hub SQS.1"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set sqsManagedSseEnabled: true (or kmsMasterKeyId) on the queue.",
        },
        [QUEUE],
        (p, report) => {
            if (p.sqsManagedSseEnabled !== true && !p.kmsMasterKeyId) report("the queue's messages are not encrypted at rest: set sqsManagedSseEnabled: true (or kmsMasterKeyId).");
        },
    ),
    resourceRule(
        {
            name: "scheduler-ecs-dead-letter",
            description: "A schedule that runs an ECS task has a retry policy and a dead-letter queue, so an invocation that keeps failing is kept, not dropped.",
            sources: ["EventBridge Scheduler user guide, \"Configuring a dead-letter queue for EventBridge Scheduler\""],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Give the schedule's target a retryPolicy and a deadLetterConfig { arn } naming a standard SQS queue (slipway:jobs does both).",
        },
        [SCHEDULE],
        (p, report) => {
            if (get(p, "target.ecsParameters") === undefined) return;
            if (!get(p, "target.deadLetterConfig.arn")) report("the schedule has no dead-letter queue: a failed invocation would be dropped after its retries.");
            if (get(p, "target.retryPolicy") === undefined) report("the schedule has no retry policy: say how often a failed invocation is retried (target.retryPolicy).");
        },
    ),
    resourceRule(
        {
            name: "scheduler-ecs-no-public-ip",
            description: "Scheduled ECS tasks get no public IP (advisory, as for services: slipway's no-NAT layout gives tasks public IPs, behind a security group without inbound rules).",
            sources: ["Checkov CKV_AWS_333 (for ECS services; the same exposure for scheduled tasks)"],
            severity: "medium",
            enforcementLevel: "advisory",
            remediationSteps: "Run tasks in private subnets with a NAT gateway or VPC endpoints and set assignPublicIp: false, if the cost is justified.",
        },
        [SCHEDULE],
        (p, report) => {
            if (get(p, "target.ecsParameters.networkConfiguration.assignPublicIp") === true) report("the job's tasks get public IPs (no-NAT design; their security group admits no inbound traffic).");
        },
    ),
];
