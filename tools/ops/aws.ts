// The AWS side of the ops commands (npm run metrics, status, rollback): one client per service in the
// stack's region, every call through call(), which turns what AWS or the SDK refuses into one line a
// person can act on (OpsError), never a stack trace. Credentials come from the SDK's default chain
// (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, web identity, instance roles).
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { SSMClient } from "@aws-sdk/client-ssm";

/** A refusal the command reports as one line and exit code 1. */
export class OpsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "OpsError";
    }
}

/** AWS refused the call (AccessDenied and the like): the caller may lack the right, or the resource is not the caller's. */
export class DeniedError extends OpsError {
    constructor(message: string) {
        super(message);
        this.name = "DeniedError";
    }
}

export interface Clients {
    codepipeline: CodePipelineClient;
    cloudwatch: CloudWatchClient;
    ssm: SSMClient;
    region: string;
}

/** The clients of `region`; the SDK retries throttled and transient calls itself (standard retry mode, here up to 5 attempts). */
export function clients(region: string): Clients {
    // slipway runs on Node 24 and still on Node 20 (package.json engines), where the pinned SDK warns that versions
    // published after January 2027 will need Node 22. Said once in docs/day-to-day.md instead of on every run.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const config = { region, maxAttempts: 5 };
    return { codepipeline: new CodePipelineClient(config), cloudwatch: new CloudWatchClient(config), ssm: new SSMClient(config), region };
}

/** The IAM service prefix of a client, for the action named when AWS refuses a call. */
function iamPrefix(client: unknown): string {
    if (client instanceof CodePipelineClient) return "codepipeline";
    if (client instanceof CloudWatchClient) return "cloudwatch";
    if (client instanceof SSMClient) return "ssm";
    return "aws";
}

const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException"]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId"]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);

/** The one message for an error an AWS call ended with (SDK or service), or undefined for a bug of ours. */
export function awsProblem(err: unknown, action: string, region: string): string | undefined {
    if (!(err instanceof Error)) return undefined;
    const name = err.name;
    if (name === "CredentialsProviderError" || /Could not load credentials/i.test(err.message)) {
        return `no AWS credentials: the AWS SDK found none (${err.message.split("\n")[0]}). Sign in first, e.g. aws sso login --profile <p> && export AWS_PROFILE=<p>, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN of a role allowed ${action}`;
    }
    if (EXPIRED.has(name)) return `the AWS credentials have expired (${name} on ${action}): sign in again (aws sso login, or fresh session credentials)`;
    if (/Region is missing/i.test(err.message)) return `no AWS region: set aws:region in the stack file (pulumi config set aws:region <region>)`;
    const meta = (err as { $metadata?: unknown }).$metadata;
    if (DENIED.has(name)) return `AWS refused ${action} in ${region} (${name}): ${err.message.split("\n")[0]}. The credentials need ${action} (docs/day-to-day.md lists what each command calls)`;
    if (THROTTLED.has(name)) return `AWS throttled ${action} in ${region} (${name}) after the SDK's retries: wait a minute and run it again`;
    if (name === "PipelineNotFoundException") return `no such pipeline in ${region} (${action}: ${err.message}). Pass --pipeline <name> or set PIPELINE_NAME (the repository variable the delivery stack writes)`;
    if (meta !== undefined || /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo/.test(err.message)) {
        return `${action} in ${region} failed (${name}): ${err.message.split("\n")[0]}`;
    }
    return undefined;
}

/**
 * Makes one call of `client` (send: `() => client.send(command)`); an AWS or SDK refusal becomes an OpsError naming the IAM action
 * (`codepipeline:ListPipelineExecutions`), anything else is rethrown as the bug it is.
 */
export async function call<O>(client: object, operation: string, region: string, send: () => Promise<O>): Promise<O> {
    const action = `${iamPrefix(client)}:${operation}`;
    try {
        return await send();
    } catch (err) {
        const problem = awsProblem(err, action, region);
        if (problem) throw err instanceof Error && DENIED.has(err.name) ? new DeniedError(problem) : new OpsError(problem);
        throw err;
    }
}
