// Rules for AWS Chatbot (Amazon Q Developer in chat applications) channel configurations
// (infra/delivery/chat.ts): what a channel member may do through Chatbot is the intersection of the
// channel role's permissions and the guardrail policies ("Understanding permissions", Chatbot
// Administrator Guide), so the guardrails are the cap; an unset guardrail means AdministratorAccess
// (@pulumi/aws chatbot/slackChannelConfiguration.d.ts and teamsChannelConfiguration.d.ts,
// guardrailPolicyArns: "The AWS managed AdministratorAccess policy is applied by default if this is not set").
import { asArray, resourceRule, SlipwayRule } from "./kit";

export const CHATBOT_TYPES = ["aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration"];

/** AWS managed policies that grant (nearly) everything or the means to grant it: never a channel's cap. */
export const ADMIN_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSSupportServiceRolePolicy"];

const policyName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export const chatRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "chatbot-guardrails-set",
            description: "Every Chatbot channel configuration sets guardrail policies, none of them administrator-class (unset means AdministratorAccess).",
            sources: ["@pulumi/aws chatbot guardrailPolicyArns (AdministratorAccess by default)", "AWS Chatbot Administrator Guide: Understanding permissions (guardrails)", "cdk-nag AwsSolutions-IAM4 intent (documented managed policies only)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set guardrailPolicyArns to a read-only policy the channel needs (slipway: CloudWatchReadOnlyAccess), never AdministratorAccess or PowerUserAccess.",
        },
        CHATBOT_TYPES,
        (p, report) => {
            const guardrails = asArray(p.guardrailPolicyArns).map(String);
            if (!guardrails.length) report("no guardrailPolicyArns: Chatbot applies AdministratorAccess, so anyone in the channel could do whatever the channel role can. Set a read-only guardrail.");
            const admin = guardrails.filter((g) => ADMIN_POLICIES.includes(policyName(g)));
            if (admin.length) report(`guardrail ${admin.map(policyName).join(", ")} caps nothing: use a read-only policy.`);
        },
    ),
    resourceRule(
        {
            name: "chatbot-logging-on",
            description: "Every Chatbot channel configuration logs to CloudWatch Logs (loggingLevel ERROR or INFO, not NONE or unset).",
            sources: ["@pulumi/aws chatbot loggingLevel (ERROR | INFO | NONE)", "AWS best practice: an audit trail of what the channel did"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set loggingLevel to ERROR (slipway's choice) or INFO.",
        },
        CHATBOT_TYPES,
        (p, report) => {
            const level = typeof p.loggingLevel === "string" ? p.loggingLevel : "";
            if (level !== "ERROR" && level !== "INFO") report(`loggingLevel is ${level ? JSON.stringify(level) : "unset"}: set ERROR or INFO so failed deliveries and commands leave a log.`);
        },
    ),
];
