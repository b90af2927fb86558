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
 * account (combined once per context), and one Output per ARN: the delivery stack names hundreds, many
 * in several statements, and an interpolate over the two Outputs each time made a fifth of its plan's
 * promises (docs/performance.md).
 */
export function arnOf(ctx: AwsContext, service: string, resource: string, opts: { global?: boolean } = {}): pulumi.Output<string> {
    let known = arns.get(ctx);
    if (!known) arns.set(ctx, (known = { account: pulumi.all([ctx.partition, ctx.accountId]), arns: new Map() }));
    const region = opts.global ? "" : ctx.region;
    const key = `${service}:${region}:${resource}`;
    let arn = known.arns.get(key);
    if (!arn) known.arns.set(key, (arn = known.account.apply(([partition, accountId]) => `arn:${partition}:${service}:${region}:${accountId}:${resource}`)));
    return arn;
}
/**
 * The account itself as a principal (`arn:<partition>:iam::<account>:root`): a resource policy that names
 * it leaves access to what the account's IAM policies grant (KMS Developer Guide, "Default key policy").
 */
export function accountRootArn(ctx: AwsContext): pulumi.Output<string> {
    return arnOf(ctx, "iam", "root", { global: true });
}
/** Per context: its partition and account combined, and each ARN made from them (one Output for an ARN named in many statements). */
const arns = new WeakMap<AwsContext, { account: pulumi.Output<[string, string]>; arns: Map<string, pulumi.Output<string>> }>();
