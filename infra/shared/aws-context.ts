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

/** `arn:<partition>:<service>:<region>:<account>:<resource>` */
export function arnOf(ctx: AwsContext, service: string, resource: string, opts: { global?: boolean } = {}): pulumi.Output<string> {
    return pulumi.interpolate`arn:${ctx.partition}:${service}:${opts.global ? "" : ctx.region}:${ctx.accountId}:${resource}`;
}
