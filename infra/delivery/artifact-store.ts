import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import * as s3 from "@pulumi/aws/s3";
import { accountRootArn, AwsContext } from "../shared/aws-context";
import { policyDocument } from "../shared/iam";
import { renamedFrom } from "../contract";

export interface ArtifactStoreArgs {
    /** Days after which pipeline artifacts expire (they are only needed for retries and rollbacks). @default 30 */
    expireAfterDays?: number;
    /** Protect the bucket and key; when false the bucket is emptied and deleted on destroy. @default true */
    protect?: boolean;
    ctx: AwsContext;
}

/**
 * The pipeline's artifact store: a private, TLS-only, versioned S3 bucket encrypted with a customer
 * managed KMS key (rotated yearly) that the pipeline and build roles are granted explicitly. The same
 * key encrypts the notification topic. In a key policy, Resource "*" means "this key".
 */
export class ArtifactStore extends pulumi.ComponentResource {
    readonly bucket: s3.Bucket;
    readonly key: kms.Key;

    constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:ArtifactStore", name, {}, opts);
        const protect = args.protect ?? true;
        this.key = new kms.Key(
            `${name}-key`,
            {
                description: "slipway pipeline artifacts",
                enableKeyRotation: true,
                // KMS waits 7–30 days before deleting a key; 7 keeps test teardowns short.
                deletionWindowInDays: protect ? 30 : 7,
                policy: policyDocument([
                    {
                        // AWS's default key policy: IAM policies in this account decide who uses the key.
                        Sid: "AccountAdministersKey",
                        Principal: { AWS: accountRootArn(args.ctx) },
                        Action: ["kms:*"],
                        Resource: ["*"],
                    },
                    {
                        // The pipeline's notification topic is encrypted with this key.
                        Sid: "NotificationsEncryptTopic",
                        Principal: { Service: "codestar-notifications.amazonaws.com" },
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: ["*"],
                        Condition: { StringEquals: { "kms:ViaService": `sns.${args.ctx.region}.amazonaws.com` } },
                    },
                    {
                        // The environments' release alarms publish to that topic too: CloudWatch needs the same
                        // ("Enable compatibility between event sources from AWS services and encrypted topics", SNS Developer Guide).
                        Sid: "AlarmsEncryptTopic",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: ["*"],
                        Condition: { StringEquals: { "kms:ViaService": `sns.${args.ctx.region}.amazonaws.com` } },
                    },
                ]),
            },
            { parent: this, aliases: renamedFrom("key"), protect },
        );
        this.bucket = new s3.Bucket(`${name}-bucket`, { forceDestroy: !protect }, { parent: this, aliases: renamedFrom("bucket"), protect });
        const bucket = this.bucket.id;
        new s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this, aliases: renamedFrom("public-access-block") },
        );
        new s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this, aliases: renamedFrom("ownership") });
        new s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            { parent: this, aliases: renamedFrom("encryption") },
        );
        new s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, { parent: this, aliases: renamedFrom("versioning") });
        const days = args.expireAfterDays ?? 30;
        new s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket,
                rules: [
                    {
                        id: "expire-artifacts",
                        status: "Enabled",
                        filter: {},
                        expiration: { days },
                        noncurrentVersionExpiration: { noncurrentDays: days },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this, aliases: renamedFrom("lifecycle") },
        );
        new s3.BucketPolicy(
            `${name}-tls-only`,
            {
                bucket,
                policy: policyDocument([
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        // s3:* is the point of a deny-all-insecure-requests statement.
                        Action: ["s3:*"],
                        Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                                ]),
            },
            { parent: this, aliases: renamedFrom("tls-only") },
        );
        this.registerOutputs({ bucket: this.bucket.bucket, keyArn: this.key.arn });
    }
}
