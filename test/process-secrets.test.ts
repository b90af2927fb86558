// A worker's or a job's `secrets` and `database` (infra/platforms/ecs/process-secrets.ts): every config rule
// broken on purpose, the task definitions carrying exactly the named secrets, a rotation reaching exactly the
// processes that read the rotated value, and a process without the database getting neither its secrets nor
// its clients group.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { EnvironmentSettings, parseSettings } from "../infra/config/settings";
import type { Plan } from "../tools/plan/mock-engine";
import { all, one, planStack } from "./helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const W = "slipway:workers";
const J = "slipway:jobs";
const MAILER = { command: "celery -A shop worker" };
const NIGHTLY = { command: "./manage.py clearsessions", schedule: "cron(0 3 * * ? *)" };
const TD = "aws:ecs/taskDefinition:TaskDefinition";

interface Container {
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
}
const container = (p: Plan, name: string) => (JSON.parse(String(one(p, TD, name).inputs.containerDefinitions)) as Container[])[0];
const secretNames = (p: Plan, name: string) => container(p, name).secrets.map((s) => s.name).sort();
const label = (p: Plan, name: string) => container(p, name).dockerLabels["slipway.secrets-version"];
/** The secret ARN (without the JSON key) each of the container's secrets is read from. */
const sources = (p: Plan, name: string) => [...new Set(container(p, name).secrets.map((s) => s.valueFrom.replace(/:[A-Z_]+::$/, "")))];

const narrowed = (worker: Record<string, unknown>, job: Record<string, unknown> = NIGHTLY) => ({
    [W]: JSON.stringify({ mailer: { ...MAILER, ...worker } }),
    [J]: JSON.stringify({ nightly: job }),
});

test("secrets on a worker and a job parse: a sorted list of appSecrets names, [] for none, unset for all", () => {
    const s = parseSettings(rawConfig("apps-staging", narrowed({ secrets: ["API_KEY"] }, { ...NIGHTLY, secrets: [] }))) as EnvironmentSettings;
    assert.deepEqual(s.workers[0].secrets, ["API_KEY"]);
    assert.deepEqual(s.jobs[0].secrets, []);
    const d = parseSettings(rawConfig("apps-staging", narrowed({}))) as EnvironmentSettings;
    assert.equal(d.workers[0].secrets, undefined, "all of them, as before");
    assert.equal("database" in d.workers[0], false);
});

test("a secrets field that is not a list, names an unknown secret or repeats one is refused, naming the key path", () => {
    for (const [at, change] of [
        ["slipway:workers.mailer", (v: Record<string, unknown>) => narrowed(v)],
        ["slipway:jobs.nightly", (v: Record<string, unknown>) => narrowed({}, { ...NIGHTLY, ...v })],
    ] as const) {
        rejects(rawConfig("apps-staging", change({ secrets: "API_KEY" })), `${at}.secrets = "API_KEY" must be a list of slipway:appSecrets names`, "API_KEY, DATABASE_URL", `pulumi config set --path '${at}.secrets'`);
        rejects(rawConfig("apps-staging", change({ secrets: ["API_KEY", "STRIPE_KEY"] })), `${at}.secrets[1] = "STRIPE_KEY" is not a slipway:appSecrets name`, "slipway:appSecrets has API_KEY, DATABASE_URL", `pulumi config rm --path '${at}.secrets[1]'`);
        rejects(rawConfig("apps-staging", change({ secrets: [3] })), `${at}.secrets[0] = 3 is not a slipway:appSecrets name`);
        rejects(rawConfig("apps-staging", change({ secrets: ["API_KEY", "API_KEY"] })), `${at}.secrets[1] = "API_KEY" is listed twice`);
    }
    assert.deepEqual(problemsOf(rawConfig("apps-staging", narrowed({ secrets: ["DATABASE_URL", "API_KEY"] }))), []);
});

test("database on a process must be a boolean, and only where the stack has a database", () => {
    rejects(rawConfig("database-staging", narrowed({ database: "no" })), `slipway:workers.mailer.database = "no" must be true or false`);
    rejects(rawConfig("apps-staging", narrowed({ database: false })), "slipway:workers.mailer.database is set, but this stack has no slipway:database", "pulumi config rm --path 'slipway:workers.mailer.database'");
    rejects(rawConfig("apps-staging", narrowed({}, { ...NIGHTLY, database: true })), "slipway:jobs.nightly.database is set, but this stack has no slipway:database");
    const s = parseSettings(rawConfig("database-staging", narrowed({ database: false }, { ...NIGHTLY, database: true }))) as EnvironmentSettings;
    assert.equal(s.workers[0].database, false);
    assert.equal("database" in s.jobs[0], false, "true is the default");
});

test("the task definitions carry exactly the named secrets: all by default, a copy of its own when narrowed, none for []", async () => {
    const p = await planStack("apps-staging", { set: narrowed({ secrets: ["API_KEY"] }, { ...NIGHTLY, secrets: [] }) });
    const app = String(one(p, "aws:secretsmanager/secret:Secret", "secrets-app").inputs.namePrefix);
    assert.deepEqual(secretNames(p, "app-task"), ["API_KEY", "DATABASE_URL"]);
    assert.deepEqual(secretNames(p, "release-task"), ["API_KEY", "DATABASE_URL"], "the release phase runs as the web process");
    assert.deepEqual(secretNames(p, "worker-mailer-task"), ["API_KEY"]);
    assert.deepEqual(secretNames(p, "jobs-nightly-task"), []);
    assert.equal(label(p, "jobs-nightly-task"), undefined, "no secret, no version to roll on");
    // The mailer reads its own copy, which holds API_KEY only; the web reads the app's secret.
    const copy = one(p, "aws:secretsmanager/secret:Secret", "secrets-mailer-secret");
    assert.equal(copy.inputs.namePrefix, `${app}mailer/`, "under the stack's prefix (its deploy role writes it), in the process's own folder (its execution role reads only that)");
    assert.equal(copy.inputs.recoveryWindowInDays, 0, "staging deletes it at once");
    assert.notDeepEqual(sources(p, "worker-mailer-task"), sources(p, "app-task"));
    assert.equal(sources(p, "worker-mailer-task").length, 1);
    assert.equal(all(p, "aws:secretsmanager/secret:Secret", "secrets-nightly-secret").length, 0, "[] needs no copy");
    const revealed = await planStack("apps-staging", { set: narrowed({ secrets: ["API_KEY"] }), secret: { "slipway:appSecrets": JSON.stringify({ API_KEY: "k-1", DATABASE_URL: "db-1" }) }, revealSecrets: true });
    assert.deepEqual(JSON.parse(String(one(revealed, "aws:secretsmanager/secretVersion:SecretVersion", "secrets-mailer-current").inputs.secretString)), { API_KEY: "k-1" });
    // Naming every secret is still a choice: a copy of all of them, read by the process's own execution role.
    const every = await planStack("apps-staging", { set: narrowed({ secrets: ["API_KEY", "DATABASE_URL"] }) });
    assert.equal(all(every, "aws:secretsmanager/secret:Secret").length, 2);
    assert.deepEqual(secretNames(every, "worker-mailer-task"), ["API_KEY", "DATABASE_URL"]);
    assert.notDeepEqual(sources(every, "worker-mailer-task"), sources(every, "app-task"));
    // Without a choice: the app's secret and the stack's execution role, as before.
    const plain = await planStack("apps-staging");
    assert.deepEqual(sources(plain, "worker-mailer-task"), sources(plain, "app-task"));
    assert.equal(one(plain, TD, "worker-mailer-task").inputs.executionRoleArn, one(plain, TD, "app-task").inputs.executionRoleArn);
    assert.equal(all(plain, "aws:iam/role:Role").filter((r) => r.name.startsWith("execution-")).length, 0);
    // With one: an execution role of its own, for [] too.
    for (const name of ["worker-mailer-task", "jobs-nightly-task"]) assert.notEqual(one(p, TD, name).inputs.executionRoleArn, one(p, TD, "app-task").inputs.executionRoleArn, name);
    assert.deepEqual(all(p, "aws:iam/role:Role").filter((r) => r.name.startsWith("execution-")).map((r) => r.name).sort(), ["execution-mailer-role", "execution-nightly-role"]);
    assert.equal(one(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "execution-mailer-policy").inputs.policyArn, "arn:aws:iam::123456789012:policy/slipway/shop/shop-apps-staging-execution-mailer");
    const prod = await planStack("apps-production", { set: narrowed({ secrets: ["API_KEY"] }) });
    const prodCopy = one(prod, "aws:secretsmanager/secret:Secret", "secrets-mailer-secret");
    assert.equal(prodCopy.inputs.recoveryWindowInDays, 30, "production's copy is recoverable, like the app's secret");
    assert.equal(prodCopy.protect, true, "and protected (the policy pack's stateful-resources-protected)");
    assert.equal(copy.protect, false);
});

test("a rotation reaches every process that reads the rotated secret, and no other", async () => {
    const set = narrowed({ secrets: ["API_KEY"] }, { ...NIGHTLY, secrets: [] });
    const plan = (values: Record<string, string>) => planStack("apps-staging", { set, secret: { "slipway:appSecrets": JSON.stringify(values) } });
    const [base, apiRotated, dbRotated] = await Promise.all([
        plan({ API_KEY: "k-1", DATABASE_URL: "db-1" }),
        plan({ API_KEY: "k-2", DATABASE_URL: "db-1" }),
        plan({ API_KEY: "k-1", DATABASE_URL: "db-2" }),
    ]);
    const changed = (after: Plan) => ["app-task", "release-task", "worker-mailer-task", "jobs-nightly-task"].filter((n) => label(base, n) !== label(after, n) || one(base, TD, n).inputs.containerDefinitions !== one(after, TD, n).inputs.containerDefinitions);
    assert.deepEqual(changed(apiRotated), ["app-task", "release-task", "worker-mailer-task"], "API_KEY: the web, the release and the mailer, which read it");
    assert.deepEqual(changed(dbRotated), ["app-task", "release-task"], "DATABASE_URL: not the mailer, which does not read it, nor the job, which reads none");
    for (const p of [apiRotated, dbRotated]) assert.ok(!JSON.stringify(p).includes("k-2") && !JSON.stringify(p).includes("db-2"), "no value in the plan");
});

test("a worker or job with database: false gets no PG* secret, is not in the database's clients group, and is not restarted on its rotation", async () => {
    const p = await planStack("database-staging", { set: narrowed({ database: false }, { ...NIGHTLY, database: false }) });
    const base = await planStack("database-staging");
    const pg = ["PGDATABASE", "PGHOST", "PGPASSWORD", "PGPORT", "PGUSER"];
    assert.deepEqual(secretNames(base, "worker-mailer-task"), ["API_KEY", ...pg].sort(), "by default every process reads the database");
    assert.deepEqual(secretNames(p, "worker-mailer-task"), ["API_KEY"]);
    assert.deepEqual(secretNames(p, "jobs-nightly-task"), ["API_KEY"]);
    assert.deepEqual(secretNames(p, "app-task"), ["API_KEY", ...pg].sort(), "the web keeps it");
    const net = (plan: Plan) => (one(plan, "aws:ecs/service:Service", "worker-mailer-service").inputs.networkConfiguration as { securityGroups: string[] }).securityGroups;
    const sched = (plan: Plan) => ((one(plan, "aws:scheduler/schedule:Schedule").inputs.target as { ecsParameters: { networkConfiguration: { securityGroups: string[] } } }).ecsParameters.networkConfiguration.securityGroups);
    assert.equal(net(base).length, 2, "by default: its own group and the database's clients group");
    assert.equal(net(p).length, 1);
    assert.equal(sched(base).length, 2);
    assert.equal(sched(p).length, 1);
    const services = (plan: Plan) => Object.values((JSON.parse(String(one(plan, "aws:sfn/stateMachine:StateMachine").inputs.definition)) as { States: Record<string, { Parameters: { Service: string } }> }).States).map((s) => s.Parameters.Service).sort();
    assert.deepEqual(services(base), ["shop-database-staging", "shop-database-staging-mailer"]);
    assert.deepEqual(services(p), ["shop-database-staging"], "the mailer never read the password: nothing to restart");
});

test("a narrowed process's copy passes the policy pack as the app's secret does: no new violation in staging or production", async () => {
    const { evaluatePlan } = await import("../tools/check/policy-report");
    const rulesOf = async (p: Plan) => (await evaluatePlan(p, {})).violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.rule}: ${v.message}`).sort();
    for (const stack of ["apps-staging", "apps-production"]) {
        const [base, narrow] = await Promise.all([planStack(stack), planStack(stack, { set: narrowed({ secrets: ["API_KEY"] }, { ...NIGHTLY, secrets: [] }) })]);
        assert.deepEqual(await rulesOf(narrow), await rulesOf(base), stack);
    }
});

// --- the execution roles, simulated (fixture queue-staging: mailer reads API_KEY and the database, indexer nothing) ------

test("a narrowed process's execution role reads exactly its own secrets; the stack's still reads all of them", async () => {
    const { decide, principalOf } = await import("../tools/check/iam-sim");
    const { STACK_TAG } = await import("../infra/contract");
    const [delivery, env] = await Promise.all([planStack("queue-delivery"), planStack("queue-staging")]);
    const tag = "shop/queue-staging";
    const role = (name: string) => principalOf(env, name, [env, delivery], {}, { [STACK_TAG]: tag });
    const context = { "aws:RequestedRegion": "us-east-1", [`aws:ResourceTag/${STACK_TAG}`]: tag, [`aws:PrincipalTag/${STACK_TAG}`]: tag };
    const read = (arn: string, extra: Record<string, string> = {}) => ({ action: "secretsmanager:GetSecretValue", resource: arn, context: { ...context, ...extra }, why: `read ${arn}` });
    const arnsOf = (name: string) => container(env, name).secrets.map((x) => x.valueFrom.split(":").slice(0, 7).join(":"));
    const appSecret = sources(env, "app-task").find((a) => !a.includes("rds!") && !a.includes("/database-")) as string;
    const mailerCopy = arnsOf("worker-mailer-task").find((a) => a.includes("/mailer/")) as string;
    const connection = arnsOf("worker-mailer-task").find((a) => a.includes("/database-")) as string;
    const password = arnsOf("worker-mailer-task").find((a) => a.includes("rds!cluster-")) as string;
    assert.ok(appSecret && mailerCopy && connection && password, JSON.stringify(arnsOf("worker-mailer-task")));
    const rds = { "aws:ResourceTag/aws:rds:primaryDBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:shop-queue-staging", "aws:ResourceTag/aws:secretsmanager:owningService": "rds" };
    const mailer = role("execution-mailer-role");
    for (const r of [read(mailerCopy), read(connection), read(password, rds)]) assert.equal(await decide(mailer, r), "Allowed", r.why);
    assert.notEqual(await decide(mailer, read(appSecret)), "Allowed", "the app's secret (DATABASE_URL in it) is not the mailer's");
    const indexer = role("execution-indexer-role");
    for (const r of [read(appSecret), read(mailerCopy), read(connection), read(password, rds)]) assert.notEqual(await decide(indexer, r), "Allowed", `indexer: ${r.why}`);
    // A copy of a process with a longer name that starts alike is not the mailer's: the process's folder ends in '/'.
    assert.notEqual(await decide(mailer, read(mailerCopy.replace("/mailer/", "/mailer-x/"))), "Allowed");
    // Both still pull their images and write their logs.
    for (const [r, name] of [[mailer, "worker-mailer-task"], [indexer, "worker-indexer-task"]] as const) {
        const group = (JSON.parse(String(one(env, TD, name).inputs.containerDefinitions)) as { logConfiguration: { options: Record<string, string> } }[])[0].logConfiguration.options["awslogs-group"];
        const stream = `arn:aws:logs:us-east-1:123456789012:log-group:${group}:log-stream:app/app/abc`;
        assert.equal(await decide(r, { action: "logs:PutLogEvents", resource: stream, context, why: "awslogs" }), "Allowed", name);
        assert.equal(await decide(r, { action: "ecr:GetAuthorizationToken", resource: "*", context, why: "login" }), "Allowed", name);
        const pull = { action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:123456789012:repository/shop", context: { "aws:RequestedRegion": "us-east-1", [`aws:ResourceTag/${STACK_TAG}`]: "shop/queue-delivery", [`aws:PrincipalTag/${STACK_TAG}`]: tag }, why: "pull the app's image" };
        assert.equal(await decide(r, pull), "Allowed", `${name} pulls`);
    }
    // The stack's shared execution role (the web's, the release's) still reads every secret of the stack: what narrowing leaves.
    const shared = role("app-execution");
    for (const r of [read(appSecret), read(mailerCopy), read(connection)]) assert.equal(await decide(shared, r), "Allowed", `shared: ${r.why}`);
});

test("database: false passes the policy pack: a service that reads no database password needs no restart after its rotation", async () => {
    const { evaluatePlan } = await import("../tools/check/policy-report");
    const rulesOf = async (p: Plan) => (await evaluatePlan(p, {})).violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.rule}: ${v.message}`).sort();
    const [base, without] = await Promise.all([planStack("database-staging"), planStack("database-staging", { set: narrowed({ database: false }, { ...NIGHTLY, database: false }) })]);
    assert.deepEqual(await rulesOf(without), await rulesOf(base));
});
