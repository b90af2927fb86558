// ARNs of the stack's own account, made from its AwsContext (nothing loaded: infra/contract.ts uses it too).
import type { AwsContext } from "./aws-context";

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; `global` leaves the region out (IAM, CloudFront). */
export function arnOf(ctx: AwsContext, service: string, resource: string, opts: { global?: boolean } = {}): string {
    return `arn:${ctx.partition}:${service}:${opts.global ? "" : ctx.region}:${ctx.accountId}:${resource}`;
}
