// slipway:database.iamAuthentication on ECS (infra/delivery/database-connect.ts), simulated with the policies the task
// roles really get: the delivery stack's `db-connect` runtime policy and the stack's boundary. What a process does:
// it signs an auth token with its task role and connects as its stack's own user, which RDS authorizes as
// `rds-db:connect` on arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>. The resource id is RDS's
// (cluster-XXXX, unknown offline): any value stands in for it, since the grant names the user, not the cluster.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../tools/plan/mock-engine";
import { Principal, principalOf, Request } from "../tools/check/iam-sim";
import { databaseIamUser, DATABASE_IAM_USER_VARIABLE, STACK_TAG } from "../infra/contract";
import { all, one } from "./helpers";
import { decisions, plan } from "./iam-helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const DELIVERY = "database-delivery";
const PRODUCTION = "database-production";
const STAGING = "database-staging";

/** Production with a worker and a job that use the database and a worker and a job that go without it (`database: false`). */
const MIXED = {
    "slipway:workers": JSON.stringify({ mailer: { command: "./bin/mailer" }, thumbnails: { command: "./bin/thumbs", database: false } }),
    "slipway:jobs": JSON.stringify({ nightly: { command: "./bin/vacuum", schedule: "cron(0 3 * * ? *)" }, report: { command: "./bin/report", schedule: "cron(0 4 * * ? *)", database: false } }),
};

async function role(stack: string, name: string, set: Record<string, string> = {}, edit?: (d: Plan) => Plan): Promise<Principal> {
    const env = await plan(stack, set);
    const d = await plan(DELIVERY);
    return principalOf(env, name, [env, edit ? edit(d) : d], {}, { [STACK_TAG]: `shop/${stack}` });
}

/** The call RDS authorizes when a process connects as `user` to a cluster (any resource id: the grant does not name it). */
function connect(user: string, why: string, resourceId = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0"): Request {
    return { action: "rds-db:connect", resource: `arn:aws:rds-db:${R}:${A}:dbuser:${resourceId}/${user}`, context: { "aws:RequestedRegion": R }, why };
}

const containerEnv = (p: Plan, taskDefinition: string) =>
    (JSON.parse(String(one(p, "aws:ecs/taskDefinition:TaskDefinition", taskDefinition).inputs.containerDefinitions)) as { environment: { name: string; value: string }[] }[])[0].environment;

test("the IAM user name is a valid unquoted PostgreSQL identifier, unique per stack and per app", () => {
    assert.equal(databaseIamUser("shop", "production"), "shop__production");
    assert.equal(databaseIamUser("shop", "review-pr-7"), "shop__review_pr_7");
    assert.equal(databaseIamUser("shop", "review-*"), "shop__review_*", "a review policy stack's pattern");
    // `-` becomes `_`: the `__` between app and stack keeps app shop's eu-production apart from app shop-eu's production.
    assert.notEqual(databaseIamUser("shop", "eu-production"), databaseIamUser("shop-eu", "production"));
    // The longest cluster identifier slipway accepts (44 characters) still fits PostgreSQL's 63 bytes.
    const long = databaseIamUser("a".repeat(20), "b".repeat(23));
    assert.ok(Buffer.byteLength(long) <= 63 && /^[a-z][a-z0-9_]*$/.test(long), long);
    assert.throws(() => databaseIamUser("a".repeat(40), "b".repeat(30)), /63 bytes/);
});

test("production (iamAuthentication: true): the web's and release task's role may connect as its own user on any cluster, and is told the name", async () => {
    const p = await plan(PRODUCTION);
    const user = databaseIamUser("shop", PRODUCTION);
    const web = await role(PRODUCTION, "app-task");
    assert.ok(web.boundary, "the task role carries the stack's boundary");
    assert.deepEqual(web.policies.map((x) => x.name), [`runtime-policies-${PRODUCTION}-db-connect`]);
    assert.deepEqual(await decisions(web, [connect(user, "production's web connects as its user"), connect(user, "…to a re-created cluster (a new resource id)", "cluster-ZZZZ")], "Allowed"), []);
    // The release task runs with the web's task role (migrations, and the one-time CREATE USER).
    const release = one(p, "aws:ecs/taskDefinition:TaskDefinition", "release-task");
    assert.equal(release.inputs.taskRoleArn, one(p, "aws:ecs/taskDefinition:TaskDefinition", "app-task").inputs.taskRoleArn);
    for (const td of ["app-task", "release-task"]) {
        assert.deepEqual(containerEnv(p, td).filter((e) => e.name === DATABASE_IAM_USER_VARIABLE), [{ name: DATABASE_IAM_USER_VARIABLE, value: user }], `${td}: the user as a plain variable`);
    }
    // Not a secret: a name, and no task secret of that name.
    const secrets = (JSON.parse(String(release.inputs.containerDefinitions)) as { secrets: { name: string }[] }[])[0].secrets.map((s) => s.name);
    assert.ok(!secrets.includes(DATABASE_IAM_USER_VARIABLE));
});

test("no stack's task role connects as another stack's user: production cannot be staging's or a review stack's, and the reverse holds", async () => {
    const production = await role(PRODUCTION, "app-task");
    const others = [STAGING, "review-pr-7", "review-pr-1", "staging", "production"].map((s) => connect(databaseIamUser("shop", s), `as ${s}'s user`));
    // Another app's user of the same stack name too, and the cluster's master user.
    others.push(connect(databaseIamUser("shop-eu", "database-production"), "as app shop-eu's user"), connect("app", "as the master user"));
    assert.deepEqual(await decisions(production, others, "denied"), []);
    // Even granted rds-db:connect on everything, production's boundary allows only its own user.
    const wide: Principal = { ...production, name: `${production.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: "*" }] } }] };
    assert.deepEqual(await decisions(wide, others, "denied"), []);
    assert.deepEqual(await decisions(wide, [connect(databaseIamUser("shop", PRODUCTION), "its own")], "Allowed"), []);
});

test("without iamAuthentication (staging) no grant exists: no db-connect policy, no attachment, no PGUSER_IAM, and its roles cannot connect", async () => {
    const d = await plan(DELIVERY);
    const connectPolicies = all(d, "aws:iam/policy:Policy").filter((r) => r.name.endsWith("-db-connect")).map((r) => r.name);
    assert.deepEqual(connectPolicies, [`runtime-policies-${PRODUCTION}-db-connect`], "only production's stack file sets iamAuthentication");
    const boundary = String(one(d, "aws:iam/policy:Policy", `runtime-policies-${STAGING}-boundary`).inputs.policy);
    assert.ok(!boundary.includes("rds-db:"), "staging's boundary allows no rds-db action");
    const s = await plan(STAGING);
    for (const name of ["app-task", "worker-mailer-task", "jobs-nightly-task"]) {
        const r = await role(STAGING, name);
        assert.deepEqual(await decisions(r, [connect(databaseIamUser("shop", STAGING), `${name} as staging's user`)], "denied"), []);
        const wide: Principal = { ...r, name: `${r.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: "*" }] } }] };
        assert.deepEqual(await decisions(wide, [connect(databaseIamUser("shop", STAGING), "as its own"), connect(databaseIamUser("shop", PRODUCTION), "as production's")], "denied"), [], "the boundary caps it");
    }
    for (const td of all(s, "aws:ecs/taskDefinition:TaskDefinition")) assert.ok(!String(td.inputs.containerDefinitions).includes(DATABASE_IAM_USER_VARIABLE), `${td.name}: no PGUSER_IAM`);
});

test("a worker or job with `database: false` has no grant and no PGUSER_IAM; those that use the database have both", async () => {
    const p = await plan(PRODUCTION, MIXED);
    const user = databaseIamUser("shop", PRODUCTION);
    const cases: [string, string, boolean][] = [
        ["worker-mailer-task", "worker-mailer-task", true],
        ["jobs-nightly-task", "jobs-nightly-task", true],
        ["worker-thumbnails-task", "worker-thumbnails-task", false],
        ["jobs-report-task", "jobs-report-task", false],
    ];
    for (const [roleName, td, uses] of cases) {
        const r = await role(PRODUCTION, roleName, MIXED);
        assert.deepEqual(await decisions(r, [connect(user, `${roleName} as production's user`)], uses ? "Allowed" : "denied"), []);
        assert.equal(r.policies.some((x) => x.name.endsWith("-db-connect")), uses, `${roleName}: db-connect attached only when it uses the database`);
        assert.equal(containerEnv(p, td).some((e) => e.name === DATABASE_IAM_USER_VARIABLE && e.value === user), uses, `${td}: PGUSER_IAM only when it uses the database`);
    }
});

test("the boundary's allowance is what lets a task connect: without it rds-db:connect is denied (caught)", async () => {
    const boundaryName = `runtime-policies-${PRODUCTION}-boundary`;
    const drop = (d: Plan): Plan => ({
        ...d,
        resources: d.resources.map((r: PlannedResource) => {
            if (r.type !== "aws:iam/policy:Policy" || r.name !== boundaryName) return r;
            const doc = JSON.parse(String(r.inputs.policy)) as { Statement: { Sid?: string }[] };
            const before = doc.Statement.length;
            doc.Statement = doc.Statement.filter((s) => s.Sid !== "DatabaseConnectOwnUser");
            assert.equal(before - doc.Statement.length, 1, "the boundary has the allowance");
            return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
        }),
    });
    const web = await role(PRODUCTION, "app-task", {}, drop);
    assert.deepEqual(await decisions(web, [connect(databaseIamUser("shop", PRODUCTION), "production's web without the boundary's allowance")], "denied"), []);
});

test("with iamAuthentication an app setting or secret named PGUSER_IAM is refused (one message naming the key and the fix); without it, allowed", () => {
    rejects(rawConfig(PRODUCTION, { "slipway:appSettings": JSON.stringify({ APP_ENV: "production", PGUSER_IAM: "someone" }) }), "slipway:appSettings.PGUSER_IAM", "collides with slipway:database", `pulumi config rm --path 'slipway:appSettings.PGUSER_IAM' --stack ${PRODUCTION}`);
    assert.deepEqual(problemsOf(rawConfig(STAGING, { "slipway:appSettings": JSON.stringify({ APP_ENV: "staging", PGUSER_IAM: "someone" }) })), []);
});

test("only production's deploy role may attach production's db-connect, to its own roles; staging's may not attach it, nor write any rds-db policy", async () => {
    const d = await plan(DELIVERY);
    const policy = `arn:aws:iam::${A}:policy/slipway/shop/shop-${PRODUCTION}-db-connect`;
    const attach = (stack: string): Request => ({ action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${A}:role/slipway/shop/${stack}/app-task-abc1234`, context: { "iam:PolicyARN": policy }, why: `db-connect onto ${stack}'s task role` });
    const production = principalOf(d, `github-oidc-deploy-${PRODUCTION}`);
    const staging = principalOf(d, `github-oidc-deploy-${STAGING}`);
    assert.deepEqual(await decisions(production, [attach(PRODUCTION)], "Allowed"), [], "the environment can attach what the delivery stack wrote");
    assert.deepEqual(await decisions(production, [attach(STAGING)], "denied"), []);
    assert.deepEqual(await decisions(staging, [attach(STAGING), attach(PRODUCTION)], "denied"), []);
    const rewrite: Request[] = [
        { action: "iam:CreatePolicyVersion", resource: policy, context: {}, why: "rewriting production's db-connect" },
        { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${A}:role/slipway/shop/${STAGING}/app-task-abc1234`, context: {}, why: "an inline rds-db:connect on its own role" },
    ];
    for (const r of [production, staging]) assert.deepEqual(await decisions(r, rewrite, "denied"), []);
});
