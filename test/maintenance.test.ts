// Maintenance mode (slipway:maintenancePage, ECS with the ALB ingress): its config checks, the fixed-response
// rule and how it sits before ECS's production listener rule, the Release action's variable, the release
// script run for real against a stub AWS CLI (the page always switched off again, on every failure path), and
// the release project's ModifyRule right simulated: sufficient for its own target's rule, denied on every other.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, parseSettings } from "../infra/config/settings";
import { releaseBuildSpec } from "../infra/platforms/ecs/release-action";
import { MAINTENANCE_HEADER, MAINTENANCE_OFF_CONDITIONS, MAINTENANCE_ON_CONDITIONS, MAINTENANCE_PAGE_MAX, MAINTENANCE_TAG } from "../infra/platforms/ecs/maintenance";
import { Plan, MOCK_ACCOUNT } from "../tools/plan/mock-engine";
import { Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ownArns, tagContext } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { modelLeadTime } from "../tools/estimates/lead-time";
import { all, one, planStack } from "./helpers";
import { Rule, runBuildSpec } from "./aws-stub";
import { rawConfig, rejects } from "./config-helpers";
import { decisions, view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const PAGE = "<h1>Down for maintenance</h1><p>shop is being upgraded; back in a few minutes.</p>";
const RULE = `arn:aws:elasticloadbalancing:${R}:${A}:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;

interface Action {
    name: string;
    configuration: Record<string, string>;
}

let delivery: Plan;
let production: Plan;
before(async () => {
    [delivery, production] = await Promise.all([planStack("apps-delivery"), planStack("apps-production")]);
});

const rules = (p: Plan) => all(p, "aws:lb/listenerRule:ListenerRule");
const releaseAction = (stage: string) => {
    const s = (one(delivery, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { name: string; actions: Action[] }[]).find((x) => x.name === stage);
    const a = s?.actions.find((x) => x.name === "Release");
    assert.ok(a, `no Release action in ${stage}`);
    return JSON.parse(a.configuration.EnvironmentVariables) as { name: string; value: string; type: string }[];
};

// --- config ------------------------------------------------------------------------------------------

test("a maintenance page without a release command, on the HTTP API, on Beanstalk, too long or blank is refused, naming the key", () => {
    rejects(rawConfig("apps-production", { "slipway:releaseCommand": "" }), "slipway:maintenancePage", "slipway:releaseCommand is empty", "pulumi config rm slipway:maintenancePage --stack apps-production");
    rejects(rawConfig("apps-staging", { "slipway:maintenancePage": PAGE }), "slipway:maintenancePage", "slipway:ingress is api", "MOCK integrations are supported only for WebSocket APIs", "pulumi config set slipway:ingress alb --stack apps-staging");
    rejects(rawConfig("beanstalk-staging", { "slipway:maintenancePage": PAGE }), "slipway:maintenancePage", "slipway:platform is beanstalk");
    rejects(rawConfig("apps-production", { "slipway:maintenancePage": "x".repeat(MAINTENANCE_PAGE_MAX + 1) }), "slipway:maintenancePage", "at most 1024 characters");
    rejects(rawConfig("apps-production", { "slipway:maintenancePage": "  " }), "slipway:maintenancePage", "must not be only whitespace");
});

test("the delivery stack reads maintenance mode from each target's own stack file", () => {
    const s = parseSettings(rawConfig("apps-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets.map((t) => [t.stack, t.maintenance]), [["apps-staging", undefined], ["apps-production", true]]);
});

// --- the environment: the rule beside ECS's production rule ------------------------------------------

test("the maintenance rule answers the page with a 503, is off as declared, and comes before ECS's production rule", () => {
    const maintenance = one(production, "aws:lb/listenerRule:ListenerRule", "web-maintenance");
    const shifting = one(production, "aws:lb/listenerRule:ListenerRule", "web-production");
    const https = all(production, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443);
    assert.ok(https);
    assert.equal(maintenance.inputs.listenerArn, shifting.inputs.listenerArn, "both rules are on the serving (HTTPS) listener");
    assert.equal(maintenance.inputs.priority, 1);
    assert.equal(shifting.inputs.priority, 2, "ELB evaluates the lowest priority first: the page outranks the canary's forward rule");
    assert.deepEqual(maintenance.inputs.actions, [{ type: "fixed-response", fixedResponse: { statusCode: "503", contentType: "text/html", messageBody: PAGE } }]);
    assert.deepEqual(maintenance.inputs.conditions, [{ httpHeader: { httpHeaderName: MAINTENANCE_HEADER, values: ["on"] } }]);
    assert.deepEqual(MAINTENANCE_OFF_CONDITIONS, [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: MAINTENANCE_HEADER, Values: ["on"] } }], "switching off restores the declared condition");
    assert.equal((maintenance.inputs.tags as Record<string, string>)[MAINTENANCE_TAG], "on-release");
    // ECS moves the production rule's weights only: the service names it, never the maintenance rule, and the
    // production rule keeps forward actions alone (a rule mixing forward and fixed-response fails ECS's deployment).
    const parameter = one(production, "aws:ssm/parameter:Parameter", "maintenance-rule");
    assert.equal(parameter.inputs.name, "/slipway/shop/apps-production/maintenance-rule");
    assert.match(String(parameter.inputs.insecureValue), /^arn:aws:elasticloadbalancing:.*:listener-rule\/app\//);
    const [lb] = one(production, "aws:ecs/service:Service", "app-service").inputs.loadBalancers as { advancedConfiguration: { productionListenerRule: string } }[];
    assert.match(lb.advancedConfiguration.productionListenerRule, /:listener-rule\/app\//);
    assert.notEqual(lb.advancedConfiguration.productionListenerRule, parameter.inputs.insecureValue);
    assert.ok((shifting.inputs.actions as { type: string }[]).every((a) => a.type === "forward"));
});

test("a stack without a maintenance page declares no maintenance rule, and its production rule keeps the priority it has with one", async () => {
    const plain = await planStack("production");
    assert.deepEqual(rules(plain).map((r) => [r.name, r.inputs.priority]), [["web-production", 2]]);
    assert.ok(!all(plain, "aws:ssm/parameter:Parameter").some((p) => p.name === "maintenance-rule"));
});

test("switching the maintenance page on or off never moves the production rule (ELB refuses two rules of one priority, and Pulumi deletes last)", async () => {
    // Turning it off would otherwise update the production rule to priority 1 while the maintenance rule,
    // deleted only at the end of the update, still holds it.
    const withPage = await planStack("apps-production");
    const without = await planStack("apps-production", { set: { "slipway:maintenancePage": null } });
    const production = (p: Plan) => one(p, "aws:lb/listenerRule:ListenerRule", "web-production").inputs;
    assert.deepEqual(production(without), production(withPage));
});

test("a rolling ALB stack with a maintenance page gets the rule alone, before the listener's default forward", async () => {
    const rolling = await planStack("apps-production", { set: { "slipway:deployStrategy": "rolling" } });
    assert.deepEqual(rules(rolling).map((r) => [r.name, r.inputs.priority]), [["web-maintenance", 1]]);
});

// --- the pipeline ------------------------------------------------------------------------------------

test("only the target with a maintenance page gets MAINTENANCE_RULE, resolved from its own parameter by CodeBuild", () => {
    assert.deepEqual(releaseAction("Apps-Production").find((v) => v.name === "MAINTENANCE_RULE"), { name: "MAINTENANCE_RULE", value: "/slipway/shop/apps-production/maintenance-rule", type: "PARAMETER_STORE" });
    assert.ok(!releaseAction("Apps-Staging").some((v) => v.name === "MAINTENANCE_RULE"));
});

test("the lead-time model still puts the release (with its two ModifyRule calls) before production's deploy", async () => {
    const m = modelLeadTime(delivery, { "apps-staging": await planStack("apps-staging"), "apps-production": production });
    const names = m.stages.map((s) => s.stage);
    const release = names.indexOf("Apps-Production: release (apps-production)");
    assert.ok(release >= 0 && names[release + 1].startsWith("Apps-Production: ECS deploy"), names.join(", "));
    assert.ok(m.stages[release].parts.some((p) => p.label.includes("maintenance")), JSON.stringify(m.stages[release].parts));
});

// --- the script, run for real: maintenance always switched off ---------------------------------------

const TASK = `arn:aws:ecs:${R}:${A}:task/shop-apps-production/5f0e2c1d9a8b4c7d`;
const NETWORK = '{"awsvpcConfiguration":{"subnets":["subnet-1"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}';
const TD = JSON.stringify({ taskDefinition: { family: "shop-apps-production_release", containerDefinitions: [{ name: "app", image: "x" }], networkMode: "awsvpc" }, tags: [] });
const ON = JSON.stringify(MAINTENANCE_ON_CONDITIONS);
const OFF = JSON.stringify(MAINTENANCE_OFF_CONDITIONS);

function stub(over: { on?: Rule["replies"]; off?: Rule["replies"]; run?: Rule["replies"]; status?: Rule["replies"]; result?: Rule["replies"] } = {}): Rule[] {
    return [
        { cmd: "elbv2 modify-rule", has: "path-pattern", replies: over.on ?? [{ out: `${RULE}\n` }] },
        { cmd: "elbv2 modify-rule", has: "http-header", replies: over.off ?? [{ out: `${RULE}\n` }] },
        { cmd: "ecs describe-task-definition", replies: [{ out: TD }] },
        { cmd: "ecs register-task-definition", replies: [{ out: `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-production_release:8\n` }] },
        { cmd: "ecs describe-services", replies: [{ out: NETWORK }] },
        { cmd: "ecs run-task", replies: over.run ?? [{ out: `${TASK}\t0\n` }] },
        { cmd: "ecs describe-tasks", has: "lastStatus", replies: over.status ?? [{ out: "RUNNING\n" }, { out: "STOPPED\n" }] },
        { cmd: "ecs describe-tasks", has: "exitCode", replies: over.result ?? [{ out: "0\tEssentialContainerExited\tdone\n" }] },
        { cmd: "ecs describe-tasks", has: "failures", replies: [{ out: "arn:x\tRESOURCE:ENI\tno addresses\n" }] },
        { cmd: "ecs stop-task", replies: [{ out: "{}" }] },
        { cmd: "logs get-log-events", replies: [{ out: "migrated\n" }] },
    ];
}

function run(rulesOf: Rule[], extra: Record<string, string> = {}, before?: string[]) {
    const env = Object.fromEntries(releaseAction("Apps-Production").map((v) => [v.name, v.value]));
    // CodeBuild hands the action's PARAMETER_STORE variable to the build resolved: the rule's ARN.
    env.MAINTENANCE_RULE = RULE;
    return runBuildSpec(releaseBuildSpec(), { name: "maintenance", rules: rulesOf, before, env: { AWS_REGION: R, REPOSITORY_URL: `${A}.dkr.ecr.${R}.amazonaws.com/shop`, ...env, ...extra }, imageTag: SHA });
}
type Run = ReturnType<typeof run>;
const explain = (r: Run) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\naws:\n${r.aws.join("\n")}`;
const switches = (r: Run) => r.aws.filter((c) => c.startsWith("elbv2 modify-rule")).map((c) => (c.includes("path-pattern") ? "on" : "off"));
const indexOf = (r: Run, prefix: string) => r.aws.findIndex((c) => c.startsWith(prefix));

test("a passing release switches the page on just before RunTask and off as soon as the task has stopped", () => {
    const r = run(stub());
    assert.equal(r.status, 0, explain(r));
    assert.deepEqual(switches(r), ["on", "off"], explain(r));
    const on = r.aws.findIndex((c) => c.includes("path-pattern"));
    const off = r.aws.findIndex((c) => c.includes("http-header"));
    assert.ok(on === indexOf(r, "ecs run-task") - 1, explain(r));
    assert.ok(off > r.aws.map((c) => c.includes("lastStatus")).lastIndexOf(true) && off < r.aws.findIndex((c) => c.includes("exitCode")), explain(r));
    assert.ok(r.aws[on].includes(`--rule-arn ${RULE} --conditions ${ON}`), r.aws[on]);
    assert.ok(r.aws[off].includes(`--rule-arn ${RULE} --conditions ${OFF}`), r.aws[off]);
});

test("maintenance is switched off when the release command fails, when RunTask fails and when the wait times out", () => {
    const failed = run(stub({ result: [{ out: "3\tEssentialContainerExited\tfailed\n" }] }));
    assert.equal(failed.status, 1, explain(failed));
    assert.deepEqual(switches(failed), ["on", "off"], explain(failed));
    assert.match(failed.stderr, /exited with 3/);
    const notStarted = run(stub({ run: [{ err: "AccessDeniedException", rc: 254 }] }));
    assert.equal(notStarted.status, 1, explain(notStarted));
    assert.deepEqual(switches(notStarted), ["on", "off"], explain(notStarted));
    const tooLong = run(stub({ status: [{ out: "RUNNING\n" }] }), { RELEASE_WAIT_SECONDS: "0" });
    assert.equal(tooLong.status, 1, explain(tooLong));
    assert.deepEqual(switches(tooLong), ["on", "off"], explain(tooLong));
    assert.ok(indexOf(tooLong, "ecs stop-task") >= 0);
});

test("a failed call while the task runs, and SIGTERM to the build, still switch the page off", () => {
    const lost = run(stub({ status: [{ out: "RUNNING\n" }, { err: "ThrottlingException", rc: 254 }] }));
    assert.equal(lost.status, 1, explain(lost));
    assert.deepEqual(switches(lost), ["on", "off"], explain(lost));
    // CodeBuild stopping the build signals the shell: the stub's second poll sends SIGTERM to the script.
    // The script is the outermost ancestor whose command line is the release script (its command substitutions'
    // subshells share that command line): only this test's own process tree is walked.
    const killed = run(stub(), {}, [
        'if [[ "$*" == *lastStatus* ]] && [ ! -e "$d/killed" ]; then touch "$d/killed"; p=$PPID; top=',
        '  while [ "$p" -gt 1 ]; do tr "\\0" " " < /proc/$p/cmdline | grep -q "slipway release phase" && top=$p; p=$(awk \'{print $4}\' /proc/$p/stat); done',
        '  [ -n "$top" ] && kill -TERM "$top"; fi',
    ]);
    assert.equal(killed.status, 143, explain(killed));
    assert.deepEqual(switches(killed), ["on", "off"], explain(killed));
});

test("a page that cannot be switched on fails before any task runs, undoing a half-made switch", () => {
    const r = run(stub({ on: [{ err: "AccessDenied", rc: 254 }] }));
    assert.equal(r.status, 1, explain(r));
    assert.equal(indexOf(r, "ecs run-task"), -1);
    assert.match(r.stderr, /could not switch maintenance mode on/);
    assert.deepEqual(switches(r), ["on", "off"]);
});

test("a page that cannot be switched off fails the action loudly, even after a successful release", () => {
    const r = run(stub({ off: [{ err: "ThrottlingException", rc: 254 }] }));
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /MAINTENANCE MODE IS STILL ON/);
    assert.match(r.stderr, /pulumi up --refresh --stack apps-production/);
    assert.ok(switches(r).filter((s) => s === "off").length >= 3, "it retries");
});

test("without MAINTENANCE_RULE the script never touches a listener rule", () => {
    const env = Object.fromEntries(releaseAction("Apps-Staging").map((v) => [v.name, v.value]));
    const r = runBuildSpec(releaseBuildSpec(), { name: "maintenance", rules: stub(), env: { AWS_REGION: R, REPOSITORY_URL: "x", ...env }, imageTag: SHA });
    assert.equal(r.status, 0, `${r.stderr}\n${r.aws.join("\n")}`);
    assert.ok(!r.aws.some((c) => c.startsWith("elbv2")));
});

// --- the release project's role, simulated -----------------------------------------------------------

/** The release role of target `stack` (one project and role per target): production's by default, the target with a page. */
const releaseRole = (stack = "apps-production"): Principal => principalOf(delivery, `release-${stack}-role`, [delivery], {}, { [STACK_TAG]: "shop/apps-delivery" });

/** ModifyRule of `name` in `p`, as ELB authorizes it (the rule's own tags in the context). */
function modify(p: Plan, name: string, app = "shop", why = `switch ${name} of ${p.stack}`): Request {
    const r = one(p, "aws:lb/listenerRule:ListenerRule", name);
    const tags = (r.inputs.tags as Record<string, string> | undefined) ?? {};
    const context: Record<string, string | string[]> = { "aws:RequestedRegion": R, ...tagContext(`${app}/${p.stack}`, true, false) };
    for (const [k, v] of Object.entries(tags)) if (k !== STACK_TAG) context[`aws:ResourceTag/${k}`] = v;
    return { action: "elasticloadbalancing:ModifyRule", resource: ownArns(r, view(p, app))[0].arn, context, why };
}

test("the release role can read its target's rule parameter and switch that rule", async () => {
    const parameter = { action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter/slipway/shop/apps-production/maintenance-rule`, context: { "aws:RequestedRegion": R }, why: "CodeBuild resolves MAINTENANCE_RULE" };
    assert.deepEqual(await decisions(releaseRole(), [parameter, modify(production, "web-maintenance")], "Allowed"), []);
});

test("the release role cannot switch ECS's production rule, nor any rule of a stack that is not its target's with a page", async () => {
    const review = await planStack("apps-production", { stackName: "review-pr-7" });
    const other = await planStack("apps-production", { set: { "slipway:appName": "other" } });
    const plain = await planStack("production");
    const attacks = [
        modify(production, "web-production", "shop", "the canary's weights, in the release's own target"),
        modify(review, "web-maintenance", "shop", "a review stack's page"),
        modify(other, "web-maintenance", "other", "another app's page"),
        modify(plain, "web-production", "shop", "a stack without a maintenance page"),
        { action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter/slipway/shop/review-pr-7/maintenance-rule`, context: { "aws:RequestedRegion": R }, why: "a review stack's parameter" },
    ];
    assert.deepEqual(await decisions(releaseRole(), attacks, "denied"), []);
});

test("a release role that lost its ModifyRule statement is caught, naming the rule", async () => {
    const role = releaseRole();
    const weakened: Principal = { ...role, policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "SwitchMaintenance") } })) };
    const request = modify(production, "web-maintenance");
    assert.deepEqual(await decisions(weakened, [request], "Allowed"), [`${role.name}: elasticloadbalancing:ModifyRule on ${request.resource} is ImplicitlyDenied (switch web-maintenance of apps-production)`]);
});

test("the error-rate alarm leaves the page's own 503s out, so a release with the page up does not alarm or roll back", async () => {
    // The page is the load balancer's fixed response: counted in HTTP_Fixed_Response_Count (the only fixed-response
    // action slipway declares), and likely in HTTPCode_ELB_5XX_Count too, which ECS's deployment alarms then read.
    const queries = (p: Plan) => {
        const alarm = all(p, "aws:cloudwatch/metricAlarm:MetricAlarm").find((r) => String(r.inputs.name).endsWith("/error-rate"));
        assert.ok(alarm, "an error-rate alarm");
        return alarm.inputs.metricQueries as { id: string; expression?: string; metric?: { metricName: string } }[];
    };
    const withPage = queries(await planStack("apps-production"));
    assert.ok(withPage.some((q) => q.metric?.metricName === "HTTP_Fixed_Response_Count"), JSON.stringify(withPage));
    assert.match(String(withPage.find((q) => q.id === "rate")?.expression), /- FILL\(fixed, 0\)/);
    const without = queries(await planStack("apps-production", { set: { "slipway:maintenancePage": null } }));
    assert.ok(!without.some((q) => q.metric?.metricName === "HTTP_Fixed_Response_Count"));
    assert.doesNotMatch(String(without.find((q) => q.id === "rate")?.expression), /fixed/);
});

test("staging's release role cannot switch production's page nor read its parameter, and production's cannot switch staging's", async () => {
    // Production's page and parameter, attacked by staging's release role (its stack file has no page: no SwitchMaintenance at all).
    const parameter = (stack: string) => ({ action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter/slipway/shop/${stack}/maintenance-rule`, context: { "aws:RequestedRegion": R }, why: `${stack}'s parameter` });
    assert.deepEqual(await decisions(releaseRole("apps-staging"), [modify(production, "web-maintenance", "shop", "production's page"), parameter("apps-production")], "denied"), []);
    // Were staging behind an ALB with a page of its own, production's release role still could not switch it: the rule
    // is tagged for apps-staging, and production's role names only apps-production.
    const stagingWithPage = await planStack("apps-staging", { set: { "slipway:ingress": "alb", "slipway:maintenancePage": "<h1>down</h1>" } });
    assert.deepEqual(await decisions(releaseRole("apps-production"), [modify(stagingWithPage, "web-maintenance", "shop", "staging's page"), parameter("apps-staging")], "denied"), []);
});
