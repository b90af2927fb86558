// slipway:database.iamAuthentication on Elastic Beanstalk (test/fixtures/Pulumi.ebdb-production.yaml sets it,
// ebdb-staging does not), simulated with the policies the instance role really gets: the delivery stack's
// `db-connect` runtime policy (infra/delivery/database-connect.ts) and the stack's boundary. On EB's Docker platform
// the app's container has no task role: it signs its auth token with the instance profile's credentials, so the
// instance role is the one that connects, as `rds-db:connect` on
// arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>. The resource id is RDS's (cluster-XXXX,
// unknown offline): any value stands in for it, since the grant names the user, not the cluster.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../tools/plan/mock-engine";
import { Principal, principalOf, Request } from "../tools/check/iam-sim";
import { databaseIamUser, DATABASE_IAM_USER_VARIABLE, STACK_TAG } from "../infra/contract";
import { DeliverySettings, parseSettings } from "../infra/config/settings";
import { ENVIRONMENT_SECRETS_NAMESPACE } from "../infra/platforms/beanstalk/database";
import { BEANSTALK_MANAGED_POLICIES } from "../infra/platforms/beanstalk/environment";
import { all, one } from "./helpers";
import { decisions, plan } from "./iam-helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const DELIVERY = "ebdb-delivery";
const PRODUCTION = "ebdb-production";
const STAGING = "ebdb-staging";

interface Setting {
    namespace: string;
    name: string;
    value: string;
}
const settingsOf = (p: Plan) => one(p, "aws:elasticbeanstalk/environment:Environment").inputs.settings as Setting[];

/** AWS's web-tier policy as granting nothing: a connection must come from slipway's own policies. */
const NOTHING = { [BEANSTALK_MANAGED_POLICIES.webTier]: { Version: "2012-10-17", Statement: [] } };
async function instanceRole(stack: string, edit?: (d: Plan) => Plan): Promise<Principal> {
    const env = await plan(stack);
    const d = await plan(DELIVERY);
    return principalOf(env, "app-instance", [env, edit ? edit(d) : d], NOTHING, { [STACK_TAG]: `shop/${stack}` });
}

/** The call RDS authorizes when the app connects as `user` to a cluster (any resource id: the grant does not name it). */
function connect(user: string, why: string, resourceId = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0"): Request {
    return { action: "rds-db:connect", resource: `arn:aws:rds-db:${R}:${A}:dbuser:${resourceId}/${user}`, context: { "aws:RequestedRegion": R }, why };
}

const granted = (x: Principal) => x.policies.map((p) => p.name);

test("the delivery stack reads iamAuthentication from a Beanstalk target's stack file and from a Beanstalk review template", () => {
    const d = parseSettings(rawConfig(DELIVERY)) as DeliverySettings;
    assert.deepEqual(d.targets.map((t) => [t.stack, t.platform, Boolean(t.databaseIam)]), [[STAGING, "beanstalk", false], [PRODUCTION, "beanstalk", true]]);
    const template = (platform?: string) => ({ review: { "slipway:role": "environment", ...(platform ? { "slipway:platform": platform } : {}), "slipway:database": JSON.stringify({ name: "shop", iamAuthentication: true }) } });
    for (const platform of ["beanstalk", undefined]) {
        const review = parseSettings(rawConfig(DELIVERY, {}, template(platform))) as DeliverySettings;
        assert.deepEqual([review.reviewDatabase, review.reviewDatabaseIam, review.reviewDatabasePlatform], [true, true, platform ?? "ecs"], `review template on ${platform ?? "ecs"}`);
    }
});

test("ebdb-production: the instance role gets exactly the stack's db-connect beside its own policies, and the app is told its user as a plain property", async () => {
    const p = await plan(PRODUCTION);
    const user = databaseIamUser("shop", PRODUCTION);
    const instance = await instanceRole(PRODUCTION);
    assert.ok(instance.boundary, "the instance role carries the stack's boundary");
    assert.deepEqual(granted(instance).filter((n) => n.endsWith("-db-connect")), [`runtime-policies-${PRODUCTION}-db-connect`]);
    const attachment = all(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").find((r) => String(r.inputs.policyArn).endsWith(`/shop-${PRODUCTION}-db-connect`));
    assert.ok(attachment, "the db-connect attachment");
    assert.equal(attachment.inputs.role, one(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-instance-policy").inputs.role, "onto the instance role, beside its beanstalk-instance policy");
    // The environment waits for it: the instances' first connection may be in the release command.
    const env = one(p, "aws:elasticbeanstalk/environment:Environment");
    assert.ok((env.dependsOn ?? []).includes(attachment.urn), "the environment depends on the db-connect attachment");
    // PGUSER_IAM is an environment property (a name, not a secret), never an environment secret.
    const settings = settingsOf(p);
    assert.deepEqual(settings.filter((s) => s.name === DATABASE_IAM_USER_VARIABLE), [{ namespace: "aws:elasticbeanstalk:application:environment", name: DATABASE_IAM_USER_VARIABLE, value: user }]);
    assert.ok(!settings.some((s) => s.namespace === ENVIRONMENT_SECRETS_NAMESPACE && s.name === DATABASE_IAM_USER_VARIABLE));
    assert.equal(one(p, "aws:rds/cluster:Cluster").inputs.iamDatabaseAuthenticationEnabled, true);
});

test("ebdb-production's instance role connects as its own user on any cluster (a re-created one too)", async () => {
    const instance = await instanceRole(PRODUCTION);
    const user = databaseIamUser("shop", PRODUCTION);
    assert.deepEqual(await decisions(instance, [connect(user, "the app connects as PGUSER_IAM"), connect(user, "…to a re-created cluster (a new resource id)", "cluster-ZZZZ")], "Allowed"), []);
});

test("no Beanstalk instance role connects as another stack's user: production not as staging's, a review stack's or another app's, even granted rds-db:connect on *", async () => {
    const production = await instanceRole(PRODUCTION);
    const others = [STAGING, "review-pr-7", "staging", "production", "database-production"].map((s) => connect(databaseIamUser("shop", s), `as ${s}'s user`));
    others.push(connect(databaseIamUser("shop-eu", PRODUCTION), "as app shop-eu's user"), connect("shop", "as the master user"));
    assert.deepEqual(await decisions(production, others, "denied"), []);
    const wide: Principal = { ...production, name: `${production.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: "*" }] } }] };
    assert.deepEqual(await decisions(wide, others, "denied"), [], "the boundary allows only its own user");
    assert.deepEqual(await decisions(wide, [connect(databaseIamUser("shop", PRODUCTION), "its own")], "Allowed"), []);
});

test("without iamAuthentication (ebdb-staging) no grant exists: no db-connect policy or attachment, no PGUSER_IAM, and its instance role cannot connect, even granted everything", async () => {
    const d = await plan(DELIVERY);
    assert.deepEqual(all(d, "aws:iam/policy:Policy").filter((r) => r.name.endsWith("-db-connect")).map((r) => r.name), [`runtime-policies-${PRODUCTION}-db-connect`]);
    const s = await plan(STAGING);
    assert.ok(!all(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((r) => String(r.inputs.policyArn).endsWith("-db-connect")));
    assert.ok(!settingsOf(s).some((x) => x.name === DATABASE_IAM_USER_VARIABLE));
    assert.equal(one(s, "aws:rds/cluster:Cluster").inputs.iamDatabaseAuthenticationEnabled, false);
    const staging = await instanceRole(STAGING);
    const targets = [connect(databaseIamUser("shop", STAGING), "as its own user"), connect(databaseIamUser("shop", PRODUCTION), "as production's user")];
    assert.deepEqual(await decisions(staging, targets, "denied"), []);
    const wide: Principal = { ...staging, name: `${staging.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: "*" }] } }] };
    assert.deepEqual(await decisions(wide, targets, "denied"), [], "its boundary has no rds-db allowance");
});

test("the boundary's allowance is what lets the instance role connect: without it rds-db:connect is denied (caught)", async () => {
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
    const instance = await instanceRole(PRODUCTION, drop);
    assert.deepEqual(await decisions(instance, [connect(databaseIamUser("shop", PRODUCTION), "production's instances without the boundary's allowance")], "denied"), []);
});

test("only ebdb-production's deploy role may attach its db-connect, to its own instance role; ebdb-staging's may not, and neither writes an rds-db permission", async () => {
    const d = await plan(DELIVERY);
    const policy = `arn:aws:iam::${A}:policy/slipway/shop/shop-${PRODUCTION}-db-connect`;
    const attach = (stack: string): Request => ({ action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${A}:role/slipway/shop/${stack}/app-instance-abc1234`, context: { "iam:PolicyARN": policy }, why: `db-connect onto ${stack}'s instance role` });
    const production = principalOf(d, `github-oidc-deploy-${PRODUCTION}`);
    const staging = principalOf(d, `github-oidc-deploy-${STAGING}`);
    assert.deepEqual(await decisions(production, [attach(PRODUCTION)], "Allowed"), [], "the environment can attach what the delivery stack wrote");
    assert.deepEqual(await decisions(production, [attach(STAGING)], "denied"), []);
    assert.deepEqual(await decisions(staging, [attach(STAGING), attach(PRODUCTION)], "denied"), []);
    const rewrite: Request[] = [
        { action: "iam:CreatePolicyVersion", resource: policy, context: {}, why: "rewriting production's db-connect" },
        { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${A}:role/slipway/shop/${STAGING}/app-instance-abc1234`, context: {}, why: "an inline rds-db:connect on its own instance role" },
    ];
    for (const r of [production, staging]) assert.deepEqual(await decisions(r, rewrite, "denied"), []);
});

test("on Beanstalk with iamAuthentication an app setting or secret named PGUSER_IAM is refused (one message naming the key and the fix); without it, allowed", () => {
    rejects(rawConfig(PRODUCTION, { "slipway:appSettings": JSON.stringify({ APP_ENV: "production", PGUSER_IAM: "someone" }) }), "slipway:appSettings.PGUSER_IAM", "collides with slipway:database", `pulumi config rm --path 'slipway:appSettings.PGUSER_IAM' --stack ${PRODUCTION}`);
    assert.deepEqual(problemsOf(rawConfig(STAGING, { "slipway:appSettings": JSON.stringify({ APP_ENV: "staging", PGUSER_IAM: "someone" }) })), []);
});
