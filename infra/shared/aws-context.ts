import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";

/** Account facts every policy needs to build exact ARNs. */
export interface AwsContext {
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    region: string;
}

export function awsContext(region: string, opts?: pulumi.InvokeOutputOptions): AwsContext {
    return {
        accountId: getCallerIdentityOutput({}, opts).accountId,
        partition: getPartitionOutput({}, opts).partition,
        region,
    };
}

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>`. One apply on the context's partition and
 * account, combined once per context: the program builds hundreds of ARNs, and an interpolate over the
 * two Outputs each time cost a fifth of the delivery stack's promises (docs/performance.md).
 */
export function arnOf(ctx: AwsContext, service: string, resource: string, opts: { global?: boolean } = {}): pulumi.Output<string> {
    let account = accounts.get(ctx);
    if (!account) accounts.set(ctx, (account = pulumi.all([ctx.partition, ctx.accountId])));
    const region = opts.global ? "" : ctx.region;
    return account.apply(([partition, accountId]) => `arn:${partition}:${service}:${region}:${accountId}:${resource}`);
}
const accounts = new WeakMap<AwsContext, pulumi.Output<[string, string]>>();
