// Chat channels through AWS Chatbot (slipway:chat, infra/delivery/chat.ts): the config is refused key path
// by key path, and the delivery stack declares one channel configuration per channel with a read-only
// guardrail, a rule naming exactly the pipeline events it asked for, and a role only Chatbot assumes.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings } from "../infra/config/settings";
import { PIPELINE_EVENT_IDS } from "../infra/delivery/chat-settings";
import { problemsOf, rawConfig } from "./config-helpers";
import { all, json, one, planStack } from "./helpers";

const CHAT = "slipway:chat";
const problems = (value: unknown) => problemsOf(rawConfig("delivery", { [CHAT]: JSON.stringify(value) }));
const slack = (events: string[] = ["failed"], extra: Record<string, unknown> = {}) => ({ kind: "slack", workspaceId: "T0123ABCD", channelId: "C0123ABCD", events, ...extra });
const teams = (events: string[] = ["failed"], extra: Record<string, unknown> = {}) => ({
    kind: "teams",
    teamId: "11111111-2222-3333-4444-555555555555",
    tenantId: "66666666-7777-8888-9999-000000000000",
    channelId: "19:abcdef@thread.tacv2",
    events,
    ...extra,
});
const SLACK_CONFIG = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";
const TEAMS_CONFIG = "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration";
const RULE = "aws:codestarnotifications/notificationRule:NotificationRule";

// --- config ------------------------------------------------------------------------------------------

test("the chat fixture's channel is read as typed settings; without slipway:chat there is none", () => {
    const s = parseSettings(rawConfig("chat-delivery"));
    assert.deepEqual(s.role === "delivery" && s.chat, [
        { kind: "slack", workspaceId: "T0123ABCD", channelId: "C0123ABCD", events: ["started", "failed", "succeeded", "approval-needed", "rolled-back", "alarm"] },
    ]);
    const plain = parseSettings(rawConfig("delivery"));
    assert.deepEqual(plain.role === "delivery" && plain.chat, []);
});

test("a kind other than slack or teams is refused, naming the path and the fix", () => {
    assert.match(problems([{ kind: "discord", events: ["failed"] }])[0], /slipway:chat\[0\]\.kind = "discord" must be slack or teams .* Fix: pulumi config set --path 'slipway:chat\[0\]\.kind' slack --stack delivery/);
    assert.match(problems(["slack"])[0], /slipway:chat\[0\] must be a map/);
});

test("Slack ids that are not a workspace (T…) or channel (C…/G…) id are refused, one message each", () => {
    const p = problems([slack(["failed"], { workspaceId: "acme", channelId: "#releases" })]);
    assert.equal(p.length, 2, p.join("\n"));
    assert.match(p[0], /slipway:chat\[0\]\.workspaceId = "acme" is not a Slack workspace id .* Fix: pulumi config set --path 'slipway:chat\[0\]\.workspaceId' T0123ABCD/);
    assert.match(p[1], /slipway:chat\[0\]\.channelId = "#releases" is not a Slack channel id/);
    assert.match(problems([{ kind: "slack", channelId: "C0123ABCD", events: ["failed"] }])[0], /slipway:chat\[0\]\.workspaceId is required for a slack channel/);
    assert.match(problems([slack(["failed"], { tenantId: "x" })])[0], /slipway:chat\[0\]\.tenantId is not a slack field/);
});

test("Teams needs GUID team and tenant ids and a 19:…@thread channel id", () => {
    assert.deepEqual(problems([teams()]), []);
    const p = problems([teams(["failed"], { teamId: "acme", tenantId: undefined, channelId: "general" })]);
    assert.equal(p.length, 3, p.join("\n"));
    assert.match(p[0], /slipway:chat\[0\]\.teamId = "acme" is not a Microsoft Teams team id \(a GUID/);
    assert.match(p[1], /slipway:chat\[0\]\.tenantId is required for a teams channel/);
    assert.match(p[2], /slipway:chat\[0\]\.channelId = "general" is not a Teams channel id/);
    assert.match(problems([teams(["failed"], { workspaceId: "T0123ABCD" })])[0], /workspaceId is not a teams field/);
});

test("events come from the fixed set, at least one, each once; unknown fields are refused", () => {
    assert.match(problems([slack([])])[0], /slipway:chat\[0\]\.events must list at least one of started, failed, succeeded, approval-needed, rolled-back, alarm/);
    assert.match(problems([slack(["failed", "deployed"])])[0], /slipway:chat\[0\]\.events\[1\] = "deployed" is not an event slipway posts/);
    assert.match(problems([slack(["failed", "failed"])])[0], /events lists failed twice/);
    assert.match(problems([slack(["failed"], { channel: "releases" })])[0], /slipway:chat\[0\]\.channel is not a channel field/);
});

test("alarm without failed and succeeded is refused: the topic would bring them anyway", () => {
    const p = problems([slack(["alarm", "failed"])]);
    assert.equal(p.length, 1, p.join("\n"));
    assert.match(p[0], /slipway:chat\[0\]\.events lists alarm but not succeeded: .* Fix: pulumi config set --path 'slipway:chat\[0\]\.events\[2\]' succeeded/);
});

test("the same Slack channel twice, or two Teams channels of one team, are refused", () => {
    assert.match(problems([slack(), slack(["started"])])[0], /slipway:chat\[1\] repeats slipway:chat\[0\]'s Slack channel C0123ABCD/);
    assert.deepEqual(problems([slack(), slack(["started"], { channelId: "C0456EFGH" })]), []);
    assert.match(problems([teams(), teams(["started"], { channelId: "19:other@thread.tacv2" })])[0], /names Teams team .* again .* finds a Teams channel configuration by its team id alone/);
});

test("more than 10 channels are refused", () => {
    const many = Array.from({ length: 11 }, (_, i) => slack(["failed"], { channelId: `C0000${String(i).padStart(4, "0")}` }));
    assert.match(problems(many)[0], /slipway:chat lists 11 channels: at most 10/);
});

// --- resources ---------------------------------------------------------------------------------------

test("the Slack channel configuration: the configured ids, ERROR logging, a CloudWatch read-only guardrail, the topic for alarms", async () => {
    const plan = await planStack("chat-delivery");
    const c = one(plan, SLACK_CONFIG);
    assert.equal(c.inputs.slackTeamId, "T0123ABCD");
    assert.equal(c.inputs.slackChannelId, "C0123ABCD");
    assert.equal(c.inputs.loggingLevel, "ERROR");
    assert.match(String(c.inputs.configurationName), /^[A-Za-z0-9_-]{1,128}$/);
    // Never the provider's default AdministratorAccess, nor the broad ReadOnlyAccess.
    assert.deepEqual(c.inputs.guardrailPolicyArns, ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]);
    // The pipeline's topic, the one its email rule targets.
    const emailRule = one(plan, RULE, "pipeline-events");
    assert.deepEqual(c.inputs.snsTopicArns, [(emailRule.inputs.targets as { address: string }[])[0].address]);
});

test("the channel's rule targets the Chatbot configuration with the asked-for pipeline events, minus what the topic brings", async () => {
    const plan = await planStack("chat-delivery");
    const rules = all(plan, RULE).filter((r) => r.name.startsWith("chat-"));
    assert.equal(rules.length, 1);
    const [rule] = rules;
    assert.equal(rule.inputs.resource, one(plan, RULE, "pipeline-events").inputs.resource);
    // failed and succeeded reach this channel through the topic (it asked for alarm): not twice.
    assert.deepEqual(rule.inputs.eventTypeIds, [
        "codepipeline-pipeline-pipeline-execution-started",
        "codepipeline-pipeline-manual-approval-needed",
        "codepipeline-pipeline-stage-execution-failed",
    ]);
    assert.deepEqual(rule.inputs.targets, [{ address: "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/shop-pipeline-0", type: "AWSChatbotSlack" }]);
});

test("a Teams channel without alarm: its own configuration and rule, AWSChatbotMicrosoftTeams, no topic", async () => {
    const plan = await planStack("delivery", { set: { [CHAT]: JSON.stringify([teams(["failed", "succeeded"])]) } });
    const c = one(plan, TEAMS_CONFIG);
    assert.equal(c.inputs.teamId, "11111111-2222-3333-4444-555555555555");
    assert.equal(c.inputs.tenantId, "66666666-7777-8888-9999-000000000000");
    assert.equal(c.inputs.channelId, "19:abcdef@thread.tacv2");
    assert.deepEqual(c.inputs.snsTopicArns, []);
    const rule = all(plan, RULE).find((r) => r.name === "chat-0-events");
    assert.ok(rule);
    assert.deepEqual(rule.inputs.eventTypeIds, [PIPELINE_EVENT_IDS.failed, PIPELINE_EVENT_IDS.succeeded]);
    assert.equal((rule.inputs.targets as { type: string }[])[0].type, "AWSChatbotMicrosoftTeams");
});

test("the channel role: only Chatbot assumes it, it reads only this app's alarms, and has no managed policies", async () => {
    const plan = await planStack("chat-delivery");
    const role = one(plan, "aws:iam/role:Role", "chat-role");
    const trust = json<{ Statement: { Principal: { Service: string }; Action: string }[] }>(role, "assumeRolePolicy");
    assert.deepEqual(trust.Statement.map((s) => [s.Principal.Service, s.Action]), [["chatbot.amazonaws.com", "sts:AssumeRole"]]);
    assert.equal(role.inputs.path, "/slipway/shop/");
    assert.equal(role.inputs.managedPolicyArns, undefined);
    const policy = json<{ Statement: { Action: string[]; Resource: string[] }[] }>(one(plan, "aws:iam/rolePolicy:RolePolicy", "chat-role-policy"), "policy");
    assert.deepEqual(policy.Statement.flatMap((s) => s.Action), ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"]);
    for (const r of policy.Statement.flatMap((s) => s.Resource)) assert.match(r, /:alarm:slipway\/shop\/.*\*$/);
});

test("without slipway:chat the delivery stack declares no Chatbot resource", async () => {
    const plan = await planStack("delivery");
    assert.equal(all(plan, SLACK_CONFIG).length + all(plan, TEAMS_CONFIG).length, 0);
    assert.equal(plan.resources.filter((r) => r.name.startsWith("chat")).length, 0);
});
