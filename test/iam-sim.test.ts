// The simulation's own shortcuts (tools/check/iam-sim.ts): statements whose Action or Resource cannot match the
// request are left out before iam-simulate evaluates it (forAction, forResource), and a request no statement is left for is
// implicitly denied without it. AWS's decision must not change; these tests
// compare decisions with and without the shortcut, on crafted policies and on the fixture stacks' roles.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { decide, Doc, forAction, forResource, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { attackRequests, deployRequests } from "../tools/check/iam-requests";
import { MOCK_ACCOUNT } from "../tools/plan/mock-engine";
import { planStack } from "./helpers";

const doc = (...Statement: object[]): Doc => ({ Version: "2012-10-17", Statement });
const principal = (policy: Doc, boundary?: Doc): Principal => ({ name: "r", arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/r`, policies: [{ name: "p", doc: policy }], boundary });
const request = (action: string, resource = "arn:aws:s3:::bucket-a/key"): Request => ({ action, resource, context: {}, why: "test" });
const both = async (p: Principal, r: Request, resourcePolicy?: Doc) => [await decide(p, r, resourcePolicy), await decide(p, r, resourcePolicy, { everyStatement: true })];

test("only statements whose Action matches, and every NotAction statement, are kept", () => {
    const d = doc(
        { Sid: "Get", Effect: "Allow", Action: "S3:get*", Resource: "*" },
        { Sid: "One", Effect: "Allow", Action: ["s3:GetObjec?"], Resource: "*" },
        { Sid: "Put", Effect: "Allow", Action: ["s3:PutObject"], Resource: "*" },
        { Sid: "Not", Effect: "Deny", NotAction: ["s3:PutObject"], Resource: "*" },
        { Sid: "None", Effect: "Allow", Action: [], Resource: "*" },
    );
    assert.deepEqual(
        forAction(d, "s3:GetObject").Statement.map((s) => (s as { Sid: string }).Sid),
        ["Get", "One", "Not"],
    );
    assert.equal(forAction(d, "s3:GetObject"), forAction(d, "s3:GetObject"), "made once per document and action");
    assert.equal(forAction(doc({ Effect: "Allow", Action: "*", Resource: "*" }), "ec2:RunInstances").Statement.length, 1);
});

test("only statements whose Resource can match, and every one with NotResource, no Resource or a policy variable, are kept", () => {
    const d = doc(
        { Sid: "Mine", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-a/*" },
        { Sid: "Case", Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::other", "ARN:AWS:S3:::BUCKET-?/KEY"] },
        { Sid: "Across", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:*y" },
        { Sid: "Theirs", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-b/*" },
        { Sid: "Variable", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::${aws:PrincipalTag/bucket}/*" },
        { Sid: "NotResource", Effect: "Deny", Action: "s3:GetObject", NotResource: "arn:aws:s3:::bucket-b/*" },
        { Sid: "NoResource", Effect: "Allow", Principal: "*", Action: "s3:GetObject" },
        { Sid: "Empty", Effect: "Allow", Action: "s3:GetObject", Resource: [] },
    );
    const sids = (x: Doc) => x.Statement.map((s) => (s as { Sid: string }).Sid);
    assert.deepEqual(sids(forResource(d, "arn:aws:s3:::bucket-a/key")), ["Mine", "Case", "Across", "Variable", "NotResource", "NoResource"]);
    assert.equal(forResource(d, "arn:aws:s3:::bucket-a/key"), forResource(d, "arn:aws:s3:::bucket-A/KEY"), "one view per document and kept set");
    assert.equal(forResource(d, "*"), d, "a request on * keeps every statement");
    const all = doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    assert.equal(forResource(all, "arn:aws:s3:::bucket-a/key"), all, "nothing left out: the document itself");
});

test("principals built from the same plan share one frozen document per policy, which cannot be edited in place", async () => {
    const delivery = await planStack("delivery");
    const [a, b] = [principalOf(delivery, "github-oidc-deploy-staging"), principalOf(delivery, "github-oidc-deploy-staging")];
    assert.ok(a.policies.length > 1);
    a.policies.forEach((p, i) => assert.equal(p.doc, b.policies[i].doc, p.name));
    assert.equal(a.boundary, b.boundary);
    assert.throws(() => (a.policies[0].doc.Statement as unknown[]).push({}), TypeError);
    assert.throws(() => ((a.policies[0].doc.Statement[0] as { Resource: unknown }).Resource = "*"), TypeError);
});

test("decisions are the same with and without leaving out statements whose Resource cannot match", async () => {
    const scoped = doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-a/*" }, { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-a/secret*" });
    const cases: [Principal, Request, string][] = [
        [principal(scoped), request("s3:GetObject"), "Allowed"],
        [principal(scoped), request("s3:GetObject", "arn:aws:s3:::bucket-b/key"), "ImplicitlyDenied"],
        [principal(scoped), request("s3:GetObject", "arn:aws:s3:::bucket-a/secret-1"), "ExplicitlyDenied"],
        // A boundary whose statements are all for another bucket grants nothing here.
        [principal(scoped, doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::bucket-b/*" })), request("s3:GetObject"), "ImplicitlyDenied"],
        // A Deny with NotResource applies to every resource it does not name.
        [principal(doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }, { Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::bucket-b/*" })), request("s3:GetObject"), "ExplicitlyDenied"],
        // A policy variable is resolved by the simulator (here from the principal's tag), never guessed here.
        [{ ...principal(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::${aws:PrincipalTag/bucket}/*" })), tags: { bucket: "bucket-a" } }, request("s3:GetObject"), "Allowed"],
    ];
    for (const [p, r, expected] of cases) assert.deepEqual(await both(p, r), [expected, expected], `${r.action} on ${r.resource}`);
    // A key policy with no Resource element still decides: kept, and the simulator allows the grant in it.
    const keyGrant = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT}:role/r` }, Action: "s3:GetObject" });
    assert.deepEqual(await both(principal(doc()), request("s3:GetObject"), keyGrant), ["Allowed", "Allowed"]);
});

test("decisions are the same with and without the shortcut: allow, explicit deny, NotAction deny, boundary", async () => {
    const allow = doc({ Effect: "Allow", Action: ["s3:Get*"], Resource: "*" }, { Effect: "Allow", Action: ["ec2:*"], Resource: "*" });
    const cases: [Principal, Request, string][] = [
        [principal(allow), request("s3:GetObject"), "Allowed"],
        [principal(allow), request("s3:PutObject"), "ImplicitlyDenied"],
        [principal(doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", NotAction: ["ec2:*"], Resource: "*" })), request("s3:GetObject"), "ExplicitlyDenied"],
        // A boundary none of whose statements match still denies: it is kept, with no statements.
        [principal(allow, doc({ Effect: "Allow", Action: ["ec2:*"], Resource: "*" })), request("s3:GetObject"), "ImplicitlyDenied"],
        [principal(allow, doc({ Effect: "Allow", Action: ["s3:*"], Resource: "*" })), request("s3:GetObject"), "Allowed"],
    ];
    for (const [p, r, expected] of cases) assert.deepEqual(await both(p, r), [expected, expected], `${r.action}`);
    const bucketPolicy = doc({ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "*" });
    assert.deepEqual(await both(principal(allow), request("s3:GetObject"), bucketPolicy), ["ExplicitlyDenied", "ExplicitlyDenied"]);
    // No identity statement applies to PutObject (decided without the simulator, implicitly denied), unless a
    // resource policy of the same account grants it to the role: then the simulator decides, and allows.
    const bucketGrant = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT}:role/r` }, Action: "s3:PutObject", Resource: "*" });
    assert.deepEqual(await both(principal(allow), request("s3:PutObject"), bucketGrant), ["Allowed", "Allowed"]);
});

test("on the fixture stacks' deploy roles, every job request and a sample of attacks decide alike", async () => {
    const delivery = await planStack("delivery");
    const staging = await planStack("staging");
    const production = await planStack("production");
    const role = principalOf(delivery, "github-oidc-deploy-staging");
    const job = await deployRequests({ plan: staging, region: "us-east-1", tag: "shop/staging", app: "shop" });
    const attacks = (await attackRequests({ plan: production, region: "us-east-1", tag: "shop/production", app: "shop" }, "shop/staging")).filter((_, i) => i % 5 === 0);
    const decided = new Set<string>();
    for (const r of [...job, ...attacks]) {
        const [filtered, every] = await both(role, r);
        assert.equal(filtered, every, `${r.action} on ${r.resource} (${r.why})`);
        decided.add(filtered);
    }
    // Both outcomes were exercised: the comparison is not of one constant answer.
    assert.ok(decided.has("Allowed") && decided.size > 1, [...decided].join(", "));
});
