import * as pulumi from "@pulumi/pulumi";
import * as chatbot from "@pulumi/aws/chatbot";
import * as codestarnotifications from "@pulumi/aws/codestarnotifications";
import * as iam from "@pulumi/aws/iam";
import { arnOf, AwsContext } from "../shared/aws-context";
import { policyDocument, serviceRole } from "../shared/iam";
import { alarmNamePrefixOfTag } from "../contract";
import { ChatChannel, PIPELINE_EVENT_IDS, TOPIC_EVENTS } from "./chat-settings";

/**
 * The channels' guardrail: what anyone in the channel may ever do through Chatbot. The provider applies
 * AdministratorAccess when none is set (chatbot/slackChannelConfiguration.d.ts, guardrailPolicyArns).
 * CloudWatch read-only, not ReadOnlyAccess: the channels only show pipeline events and alarms, and
 * ReadOnlyAccess would let a channel member read every service's data (S3 objects, secrets' metadata, …).
 */
export const CHAT_GUARDRAIL_POLICY = "CloudWatchReadOnlyAccess";

/**
 * The channel role's own permissions: reading this app's release alarms (what a channel member asks
 * about an alarm notification), named, not the notifications-only template's cloudwatch:Describe*,
 * Get* and List* on "*" (the policy pack's iam-no-wildcard-resource). Posting notifications needs none:
 * Chatbot receives them through its service-linked role (AWSServiceRoleForAWSChatbot).
 */
export const CHAT_ROLE_ACTIONS = ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"];

export interface ChatNotificationsArgs {
    app: string;
    channels: ChatChannel[];
    /** The pipeline whose events the channels get (a notification rule per channel). */
    pipelineArn: pulumi.Input<string>;
    /** The pipeline's SNS topic: a channel asking for `alarm` subscribes to it. */
    topicArn: pulumi.Input<string>;
    rolePath: string;
    ctx: AwsContext;
}

/** One AWS Chatbot channel configuration per configured channel, with the events it asked for, and their role. */
export class ChatNotifications extends pulumi.ComponentResource {
    readonly role: iam.Role;
    readonly configurationArns: pulumi.Output<string>[] = [];

    constructor(name: string, args: ChatNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:ChatNotifications", name, {}, opts);
        // Chatbot assumes this role for the channel (the configuration's iamRoleArn). No aws:SourceAccount
        // guard: whether Chatbot sends one is not documented (not verified), and the role only reads CloudWatch.
        this.role = serviceRole(`${name}-role`, { service: "chatbot.amazonaws.com", description: `AWS Chatbot: ${args.app}'s pipeline channels (CloudWatch read only)`, path: args.rolePath }, { parent: this });
        new iam.RolePolicy(`${name}-role-policy`, { role: this.role.id, policy: policyDocument([{ Sid: "RenderAlarms", Action: CHAT_ROLE_ACTIONS, Resource: [arnOf(args.ctx, "cloudwatch", `alarm:${alarmNamePrefixOfTag(`${args.app}/*`)}*`)] }]) }, { parent: this });
        const guardrail = `arn:${args.ctx.partition}:iam::aws:policy/${CHAT_GUARDRAIL_POLICY}`;
        args.channels.forEach((c, i) => {
            const common = {
                configurationName: `${args.app}-pipeline-${i}`,
                iamRoleArn: this.role.arn,
                guardrailPolicyArns: [guardrail],
                loggingLevel: "ERROR",
                snsTopicArns: c.events.includes("alarm") ? [args.topicArn] : [],
            };
            const config =
                c.kind === "slack"
                    ? new chatbot.SlackChannelConfiguration(`${name}-${i}`, { ...common, slackTeamId: c.workspaceId, slackChannelId: c.channelId }, { parent: this })
                    : new chatbot.TeamsChannelConfiguration(`${name}-${i}`, { ...common, teamId: c.workspaceId, tenantId: c.tenantId as string, channelId: c.channelId }, { parent: this });
            this.configurationArns.push(config.chatConfigurationArn);
            // The topic already brings failed and succeeded to a channel subscribed for alarms.
            const viaTopic = c.events.includes("alarm") ? TOPIC_EVENTS : [];
            const ids = c.events.flatMap((e) => (e === "alarm" || viaTopic.includes(e) ? [] : [PIPELINE_EVENT_IDS[e]]));
            if (ids.length === 0) return;
            new codestarnotifications.NotificationRule(
                `${name}-${i}-events`,
                {
                    resource: args.pipelineArn,
                    detailType: "FULL",
                    eventTypeIds: ids,
                    targets: [{ address: config.chatConfigurationArn, type: c.kind === "slack" ? "AWSChatbotSlack" : "AWSChatbotMicrosoftTeams" }],
                },
                { parent: this },
            );
        });
        this.registerOutputs({ roleArn: this.role.arn, configurationArns: this.configurationArns });
    }
}
