import * as pulumi from "@pulumi/pulumi";
import * as sns from "@pulumi/aws/sns";
import { AwsContext } from "./aws-context";
import { policyDocument } from "./iam";

export interface NotificationsArgs {
    /** Email addresses to subscribe; each receives a confirmation mail from AWS first. */
    emails: string[];
    /** KMS key that encrypts the topic; its policy must let CodeStar Notifications use it. */
    kmsKeyArn: pulumi.Input<string>;
    ctx: AwsContext;
}

/** The SNS topic for pipeline events and approval requests, encrypted and TLS-only, with email subscribers. */
export class Notifications extends pulumi.ComponentResource {
    readonly topic: sns.Topic;

    constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:Notifications", name, {}, opts);
        this.topic = new sns.Topic("topic", { kmsMasterKeyId: args.kmsKeyArn }, { parent: this });
        new sns.TopicPolicy(
            "policy",
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
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: ["sns:Publish"],
                        Resource: [this.topic.arn],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ]),
            },
            { parent: this },
        );
        args.emails.forEach((email, i) => {
            new sns.TopicSubscription(`email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this });
        });
        this.registerOutputs({ topicArn: this.topic.arn });
    }
}
