// The chat channels' config key (`slipway:chat`, delivery stacks) and its checks: one message per problem,
// naming the key path and the fix. Light on purpose (zod only): infra/config/schema.ts adds the key,
// infra/config/settings.ts calls chatSettings() for the deep checks.
import { z } from "zod";
import { key } from "../config/keys";

/** The chat applications AWS Chatbot posts to, each a channel configuration type in the pinned @pulumi/aws. */
export const CHAT_KINDS = ["slack", "teams"] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

/** The events a channel may ask for. */
export const CHAT_EVENTS = ["started", "failed", "succeeded", "approval-needed", "rolled-back", "alarm"] as const;
export type ChatEvent = (typeof CHAT_EVENTS)[number];

/**
 * CodeStar Notifications event type ids for pipelines ("Events for notification rules on pipelines",
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#events-ref-pipeline; the same ids
 * as the CDK's PipelineNotificationEvents, which cites that page). There is no rollback event type:
 * slipway's stages roll back on failure (`onFailure: ROLLBACK`, infra/delivery/pipeline.ts), so a failed
 * stage is what announces a rollback. `alarm` is no pipeline event: it is the release alarms' state
 * changes, which reach the pipeline's SNS topic (docs/releases.md).
 */
export const PIPELINE_EVENT_IDS: Record<Exclude<ChatEvent, "alarm">, string> = {
    started: "codepipeline-pipeline-pipeline-execution-started",
    failed: "codepipeline-pipeline-pipeline-execution-failed",
    succeeded: "codepipeline-pipeline-pipeline-execution-succeeded",
    "approval-needed": "codepipeline-pipeline-manual-approval-needed",
    "rolled-back": "codepipeline-pipeline-stage-execution-failed",
};

/**
 * What the pipeline's topic already carries besides the alarms: the email rule's events
 * (infra/delivery/pipeline.ts). A channel subscribed to the topic for `alarm` gets these too.
 */
export const TOPIC_EVENTS: readonly ChatEvent[] = ["failed", "succeeded"];

/** Slack ids: a workspace (team) id starts with T, a channel id with C (public) or G (private), upper case letters and digits. */
export const SLACK_WORKSPACE_ID = /^T[A-Z0-9]{6,14}$/;
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,14}$/;
/** Microsoft Teams: tenant and team ids are GUIDs; a channel id is `19:…@thread.tacv2` (or `@thread.skype`). */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const TEAMS_CHANNEL_ID = /^19:[A-Za-z0-9_-]{1,100}@thread\.(tacv2|skype)$/;
/** AWS Chatbot channel configurations per account (Chatbot quotas: "Service quotas for AWS Chatbot"); slipway keeps it small. */
export const MAX_CHANNELS = 10;

const FIELDS = ["kind", "workspaceId", "channelId", "teamId", "tenantId", "events"] as const;

export const CHAT_KEYS = [
    key({
        key: "chat",
        roles: ["delivery"],
        type: "array",
        description:
            "Chat channels that get pipeline events through AWS Chatbot (docs/releases.md, Notifications where the team is): a list of { kind: slack | teams; Slack: workspaceId (T…), channelId (C… or G…); Teams: teamId and tenantId (GUIDs), channelId (19:…@thread.tacv2); events: any of started, failed, succeeded, approval-needed, rolled-back (a failed stage, which rolls back), alarm (the release alarms; also brings failed and succeeded, which must be listed) }. The workspace or tenant must first be authorized once in the AWS Chatbot console. Empty: no chat.",
        default: [],
        schema: z.array(z.unknown()),
        example: "[0].kind",
    }),
] as const;

export interface ChatChannel {
    kind: ChatKind;
    /** Slack team id or Teams team id. */
    workspaceId: string;
    channelId: string;
    /** Teams only. */
    tenantId?: string;
    events: ChatEvent[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The validated channels; problems name the key path and the fix. */
export function chatSettings(value: readonly unknown[], stack: string, problems: string[]): ChatChannel[] {
    const at = "slipway:chat";
    const set = (path: string, example: string) => `pulumi config set --path '${at}${path}' ${example} --stack ${stack}`;
    const before = problems.length;
    const channels: ChatChannel[] = [];
    if (value.length > MAX_CHANNELS) problems.push(`${at} lists ${value.length} channels: at most ${MAX_CHANNELS}. Fix: pulumi config rm --path '${at}[${value.length - 1}]' --stack ${stack}`);
    value.forEach((raw, i) => {
        const p = `${at}[${i}]`;
        if (!isObject(raw)) {
            problems.push(`${p} must be a map { kind, …, events }. Fix: ${set(`[${i}].kind`, "slack")}`);
            return;
        }
        for (const f of Object.keys(raw)) {
            if (!(FIELDS as readonly string[]).includes(f)) problems.push(`${p}.${f} is not a channel field (${FIELDS.join(", ")}). Fix: pulumi config rm --path '${p}.${f}' --stack ${stack}`);
        }
        const kind = raw.kind;
        if (kind !== "slack" && kind !== "teams") {
            problems.push(`${p}.kind = ${JSON.stringify(kind)} must be slack or teams (the chat applications AWS Chatbot posts to). Fix: ${set(`[${i}].kind`, "slack")}`);
            return;
        }
        const text = (f: string): string | undefined => (typeof raw[f] === "string" ? (raw[f] as string) : undefined);
        const need = (f: string, re: RegExp, what: string, example: string): string | undefined => {
            const v = text(f);
            if (v === undefined || !re.test(v)) {
                problems.push(`${p}.${f} ${v === undefined ? "is required" : `= ${JSON.stringify(v)} is not`} ${v === undefined ? `for a ${kind} channel:` : ""} ${what}. Fix: ${set(`[${i}].${f}`, example)}`.replace(/ {2,}/g, " "));
                return undefined;
            }
            return v;
        };
        const refuse = (f: string, why: string) => {
            if (raw[f] !== undefined) problems.push(`${p}.${f} is not a ${kind} field: ${why}. Fix: pulumi config rm --path '${p}.${f}' --stack ${stack}`);
        };
        let ids: { workspaceId?: string; channelId?: string; tenantId?: string };
        if (kind === "slack") {
            refuse("teamId", "a Slack channel names its workspace with workspaceId");
            refuse("tenantId", "Slack has no tenant");
            ids = {
                workspaceId: need("workspaceId", SLACK_WORKSPACE_ID, "a Slack workspace id (T followed by upper-case letters and digits, shown in the AWS Chatbot console once the workspace is authorized)", "T0123ABCD"),
                channelId: need("channelId", SLACK_CHANNEL_ID, "a Slack channel id (C… or G…, the end of the channel's link)", "C0123ABCD"),
            };
        } else {
            refuse("workspaceId", "a Teams channel names its team with teamId");
            ids = {
                workspaceId: need("teamId", GUID, "a Microsoft Teams team id (a GUID, shown in the AWS Chatbot console once the team is authorized)", "00000000-0000-0000-0000-000000000000"),
                tenantId: need("tenantId", GUID, "a Microsoft Entra tenant id (a GUID)", "00000000-0000-0000-0000-000000000000"),
                channelId: need("channelId", TEAMS_CHANNEL_ID, "a Teams channel id (19:…@thread.tacv2, from the channel's link)", "'19:abc@thread.tacv2'"),
            };
        }
        const events: ChatEvent[] = [];
        const rawEvents = raw.events;
        if (!Array.isArray(rawEvents) || rawEvents.length === 0) {
            problems.push(`${p}.events must list at least one of ${CHAT_EVENTS.join(", ")}. Fix: ${set(`[${i}].events[0]`, "failed")}`);
        } else {
            rawEvents.forEach((e, j) => {
                if (!(CHAT_EVENTS as readonly unknown[]).includes(e)) {
                    problems.push(`${p}.events[${j}] = ${JSON.stringify(e)} is not an event slipway posts: it must be one of ${CHAT_EVENTS.join(", ")}. Fix: ${set(`[${i}].events[${j}]`, "failed")}`);
                } else if (events.includes(e as ChatEvent)) {
                    problems.push(`${p}.events lists ${e} twice. Fix: pulumi config rm --path '${p}.events[${j}]' --stack ${stack}`);
                } else events.push(e as ChatEvent);
            });
            if (events.includes("alarm")) {
                for (const e of TOPIC_EVENTS.filter((t) => !events.includes(t))) {
                    problems.push(
                        `${p}.events lists alarm but not ${e}: the alarms reach the channel through the pipeline's SNS topic, which also carries every ${e} pipeline execution (the email rule), so the channel would get ${e} anyway. Fix: ${set(`[${i}].events[${rawEvents.length}]`, e)} (or drop alarm)`,
                    );
                }
            }
        }
        if (ids.workspaceId && ids.channelId && (kind === "slack" || ids.tenantId)) {
            const dup = channels.findIndex((c) => c.kind === kind && c.workspaceId === ids.workspaceId && (kind === "teams" || c.channelId === ids.channelId));
            if (dup >= 0) {
                problems.push(
                    kind === "slack"
                        ? `${p} repeats ${at}[${dup}]'s Slack channel ${ids.channelId}: list its events once. Fix: pulumi config rm --path '${p}' --stack ${stack}`
                        : `${p} names Teams team ${ids.workspaceId} again (${at}[${dup}]): the pinned provider finds a Teams channel configuration by its team id alone (terraform-provider-aws internal/service/chatbot, findTeamsChannelConfigurationByTeamID), so a second one in the same team would not be read back. Fix: pulumi config rm --path '${p}' --stack ${stack}`,
                );
            } else {
                channels.push({ kind, workspaceId: ids.workspaceId, channelId: ids.channelId, ...(ids.tenantId ? { tenantId: ids.tenantId } : {}), events });
            }
        }
    });
    return problems.length > before ? [] : channels;
}
