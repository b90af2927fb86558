import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
import { getPartition } from "@pulumi/aws/getPartition";
// arnOf lives in ./arn, which loads nothing, so that infra/contract.ts can build its ARNs with it too.
import { arnOf } from "./arn";

/** Account facts every policy needs to build exact ARNs: plain strings, known before any ARN is made. */
export interface AwsContext {
    accountId: string;
    partition: string;
    region: string;
}

/**
 * The stack's account and partition, asked once (the provider's data sources, which `pulumi preview` reads as
 * `up` does), so every ARN built from them is a string, not an Output. The delivery stack names hundreds of
 * ARNs: as Outputs of the two invokes they were a tenth of its plan's Outputs, and each policy document
 * waited on them (docs/performance.md).
 */
export async function awsContext(region: string): Promise<AwsContext> {
    const [identity, partition] = await Promise.all([getCallerIdentity({}), getPartition({})]);
    return { accountId: identity.accountId, partition: partition.partition, region };
}

export { arnOf };
/**
 * The account itself as a principal (`arn:<partition>:iam::<account>:root`): a resource policy that names
 * it leaves access to what the account's IAM policies grant (KMS Developer Guide, "Default key policy").
 */
export function accountRootArn(ctx: AwsContext): string {
    return arnOf(ctx, "iam", "root", { global: true });
}
