import * as pulumi from "@pulumi/pulumi";
import * as sns from "@pulumi/aws/sns";
import { arnOf, AwsContext } from "../shared/aws-context";
import { policyDocument } from "../shared/iam";
import { alarmNamePrefixOfTag, renamedFrom } from "../contract";

export interface NotificationsArgs {
    /** Email addresses to subscribe; each receives a confirmation mail from AWS first. */
    emails: string[];
    /** KMS key that encrypts the topic; its policy must let CodeStar Notifications and CloudWatch use it. */
    kmsKeyArn: pulumi.Input<string>;
    /** The app whose environments' release alarms may publish here (alarms named slipway/<app>/…). */
    app: string;
    ctx: AwsContext;
}

/** The SNS topic for pipeline events and approval requests, encrypted and TLS-only, with email subscribers. */
export class Notifications extends pulumi.ComponentResource {
    readonly topic: sns.Topic;

    constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:Notifications", name, {}, opts);
        this.topic = new sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.kmsKeyArn }, { parent: this, aliases: renamedFrom("topic") });
        new sns.TopicPolicy(
            `${name}-policy`,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "PipelineNotifications",
                        Principal: { Service: "codestar-notifications.amazonaws.com" },
                        Action: ["sns:Publish"],
                        Resource: [this.topic.arn],
                        Condition: { StringEquals: { "aws:SourceAccount": args.ctx.accountId } },
                    },
                    {
                        // The environments' release alarms (infra/environment/release-alarms.ts): only this
                        // account's alarms of this app ("Amazon SNS: … encrypted topics" lists CloudWatch).
                        Sid: "ReleaseAlarms",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["sns:Publish"],
                        Resource: [this.topic.arn],
                        Condition: {
                            StringEquals: { "aws:SourceAccount": args.ctx.accountId },
                            ArnLike: { "aws:SourceArn": arnOf(args.ctx, "cloudwatch", `alarm:${alarmNamePrefixOfTag(`${args.app}/*`)}*`) },
                        },
                    },
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: ["sns:Publish"],
                        Resource: [this.topic.arn],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ]),
            },
            { parent: this, aliases: renamedFrom("policy") },
        );
        args.emails.forEach((email, i) => {
            new sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this, aliases: renamedFrom(`email-${i}`) });
        });
        this.registerOutputs({ topicArn: this.topic.arn });
    }
}
