// Managed domains, simulated (tools/check/iam-sim.ts): each deploy role requests certificates for its
// own name only and writes only its own records in its zone (Route 53's record-name and record-type
// condition keys), so another stack's records and certificates in the same zone stay out of reach.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { decide, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { breaches, denials } from "../tools/check/iam-check";
import { attackRequests, deployRequests, normalizedRecordName, StackView } from "../tools/check/iam-requests";
import { ACM_VALIDATION_LABEL, domainGrant, REVIEW_TEMPLATE_FILE_STACK } from "../infra/config/domain";
import { REVIEW_TEMPLATE_STACK } from "../infra/delivery/state-backend";
import { all, json, one, planStack } from "./helpers";

const ZONE = "Z07294381SHOPACMEEX";
const zoneArn = `arn:aws:route53:::hostedzone/${ZONE}`;
const view = (plan: Plan, stack = plan.stack): StackView => ({ plan, region: "us-east-1", tag: `shop/${stack}`, app: "shop" });

const plans = new Map<string, Promise<Plan>>();
const plan = (stack: string, as?: string) => {
    const k = `${stack}/${as ?? ""}`;
    if (!plans.has(k)) plans.set(k, planStack(stack, as ? { stackName: as } : {}));
    return plans.get(k) as Promise<Plan>;
};

const change = (names: string[], types: string[], why: string): Request => ({
    action: "route53:ChangeResourceRecordSets",
    resource: zoneArn,
    context: {
        "aws:RequestedRegion": "us-east-1",
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": names,
        "route53:ChangeResourceRecordSetsRecordTypes": types,
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
    },
    why,
});

test("the delivery stack gives each deploy role a deploy-domain policy for the zone and names its environment's stack file sets", async () => {
    const delivery = await plan("domains-delivery");
    const policy = (name: string) => all(delivery, "aws:iam/policy:Policy").find((p) => p.inputs.name === name);
    const staging = policy("shop-domains-staging-deploy-domain");
    const review = policy("shop-review-deploy-domain");
    const production = policy("shop-domains-production-deploy-domain");
    assert.ok(staging && review && production, "domains-staging, domains-production and review (the review template) have managed domains");
    assert.equal(all(await plan("delivery"), "aws:iam/policy:Policy").find((p) => p.inputs.name === "shop-production-deploy-domain"), undefined, "a stack on its own certificate ARN gets no Route 53 or ACM rights");
    type St = { Sid: string; Resource: string[]; Condition: Record<string, Record<string, unknown>> };
    const records = (p: typeof staging) => (json<{ Statement: St[] }>(p!, "policy").Statement.find((s) => s.Sid === "OwnRecords") as St);
    assert.deepEqual(records(staging).Resource, [zoneArn]);
    assert.deepEqual(records(staging).Condition["ForAllValues:StringLike"], { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["staging.shop.acme.example", `${ACM_VALIDATION_LABEL}.staging.shop.acme.example`] });
    assert.deepEqual(records(review).Condition["ForAllValues:StringLike"], { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["pr-*.review.shop.acme.example", `${ACM_VALIDATION_LABEL}.pr-*.review.shop.acme.example`] });
    assert.deepEqual(records(production).Condition["ForAllValues:StringLike"], { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["shop.acme.example", `${ACM_VALIDATION_LABEL}.shop.acme.example`] });
    assert.deepEqual(records(staging).Condition["ForAllValues:StringEquals"], { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"] });
});

test("a review stack's records and certificate are pr-<N> names under the template's parent, and the review role may write them", async () => {
    const p = await plan("review", "review-pr-7");
    assert.equal(one(p, "aws:acm/certificate:Certificate").inputs.domainName, "pr-7.review.shop.acme.example");
    const names = all(p, "aws:route53/record:Record").map((r) => normalizedRecordName(String(r.inputs.name))).sort();
    assert.equal(names.length, 2);
    assert.match(names[0], /^_[0-9a-f]{32}\.pr-7\.review\.shop\.acme\.example$/);
    assert.equal(names[1], "pr-7.review.shop.acme.example");
    const requests = (await deployRequests(view(p))).filter((r) => r.action.startsWith("route53:") || r.action.startsWith("acm:"));
    assert.ok(requests.some((r) => r.action === "acm:RequestCertificate") && requests.some((r) => r.action === "route53:ChangeResourceRecordSets"));
    assert.deepEqual(await denials(principalOf(await plan("domains-delivery"), "github-oidc-deploy-review"), requests), []);
});

test("the review role cannot serve a name outside pr-*.<parent>: staging's config as a review stack is refused its certificate and records", async () => {
    // Broken on purpose: pr-7.staging.shop.acme.example is not a name the review template grants.
    const requests = (await deployRequests(view(await plan("domains-staging", "review-pr-7")))).filter((r) => /^(route53:Change|acm:RequestCertificate)/.test(r.action));
    const found = await denials(principalOf(await plan("domains-delivery"), "github-oidc-deploy-review"), requests);
    assert.ok(found.some((d) => d.includes("acm:RequestCertificate on * is ImplicitlyDenied")), found.join("\n"));
    assert.ok(found.some((d) => d.includes(`route53:ChangeResourceRecordSets on ${zoneArn} is ImplicitlyDenied (review-pr-7 aws:route53/record:Record dns-record`)), found.join("\n"));
});

test("another stack's records in the same zone and its certificate are out of reach, whichever role asks", async () => {
    const delivery = await plan("domains-delivery");
    for (const [role, own, victim, as] of [
        ["github-oidc-deploy-review", "review-pr-7", "domains-staging", undefined],
        ["github-oidc-deploy-review", "review-pr-7", "domains-production", undefined],
        ["github-oidc-deploy-domains-staging", "domains-staging", "review", "review-pr-8"],
        ["github-oidc-deploy-domains-staging", "domains-staging", "domains-production", undefined],
        ["github-oidc-deploy-domains-production", "domains-production", "domains-staging", undefined],
        ["github-oidc-deploy-domains-production", "domains-production", "review", "review-pr-8"],
    ] as const) {
        const attacks = await attackRequests(view(await plan(victim, as), as ?? victim), `shop/${own}`);
        const onRecords = attacks.filter((r) => r.action === "route53:ChangeResourceRecordSets");
        const onCertificates = attacks.filter((r) => r.action.startsWith("acm:"));
        assert.ok(onRecords.length >= 2 && onCertificates.some((r) => r.action === "acm:DeleteCertificate"), `${victim}: ${attacks.length} attacks, none on its domain`);
        assert.ok(onRecords.every((r) => (r.context["route53:ChangeResourceRecordSetsNormalizedRecordNames"] as string[]).length === 1));
        assert.deepEqual(await breaches(principalOf(delivery, role), [...onRecords, ...onCertificates]), [], `${role} against ${as ?? victim}`);
    }
});

test("a deploy role may not write names beside its own in the zone: the apex, another stack's, a sub-name's validation record, or another type", async () => {
    const delivery = await plan("domains-delivery");
    const staging = principalOf(delivery, "github-oidc-deploy-domains-staging");
    const review = principalOf(delivery, "github-oidc-deploy-review");
    const token = "a79865eb4cd1a6ab990a45779b4e0b96";
    assert.equal(await decide(staging, change(["staging.shop.acme.example"], ["A"], "own alias")), "Allowed");
    assert.equal(await decide(staging, change([`_${token}.staging.shop.acme.example`], ["CNAME"], "own validation")), "Allowed");
    for (const [names, types] of [
        [["shop.acme.example"], ["A"]],
        [["staging.shop.acme.example", "shop.acme.example"], ["A"]],
        [[`_${token}.pr-7.staging.shop.acme.example`], ["CNAME"]],
        [["pr-7.review.shop.acme.example"], ["A"]],
        [["staging.shop.acme.example"], ["TXT"]],
        [["staging.shop.acme.example"], ["NS"]],
    ]) {
        assert.equal(await decide(staging, change(names, types, "attack")), "ImplicitlyDenied", `staging: ${names.join(",")} ${types.join(",")}`);
    }
    assert.equal(await decide(review, change(["pr-12.review.shop.acme.example"], ["A"], "another review stack's name: review stacks share one role by design")), "Allowed");
    assert.equal(await decide(review, change(["staging.shop.acme.example"], ["A"], "attack")), "ImplicitlyDenied");
    // Another zone: the role names only its own.
    const other = { ...change(["staging.shop.acme.example"], ["A"], "attack"), resource: "arn:aws:route53:::hostedzone/ZOTHERZONE" };
    assert.equal(await decide(staging, other), "ImplicitlyDenied");
});

test("a deploy role whose record statement lost its name condition is caught reaching another stack's records", async () => {
    const delivery = await plan("domains-delivery");
    const principal = principalOf(delivery, "github-oidc-deploy-review");
    const widened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({
            ...p,
            doc: { ...p.doc, Statement: p.doc.Statement.map((s) => ((s as { Sid?: string }).Sid === "OwnRecords" ? { ...(s as object), Condition: {} } : s)) },
        })),
    };
    const attacks = (await attackRequests(view(await plan("domains-staging")), "shop/review-pr-7")).filter((r) => r.action === "route53:ChangeResourceRecordSets");
    const found = await breaches(widened, attacks);
    assert.ok(found.some((b) => b.startsWith(`domains-delivery/github-oidc-deploy-review: route53:ChangeResourceRecordSets on ${zoneArn} is allowed (domains-staging aws:route53/record:Record`)), found.join("\n"));
});

test("a certificate request is allowed only for the role's own names", async () => {
    const delivery = await plan("domains-delivery");
    const request = (names: string[]): Request => ({
        action: "acm:RequestCertificate",
        resource: "*",
        context: { "aws:RequestedRegion": "us-east-1", "acm:DomainNames": names, "acm:ValidationMethod": "DNS", "aws:RequestTag/slipway:stack": "shop/domains-staging", "aws:TagKeys": ["slipway:stack"] },
        why: "probe",
    });
    const staging = principalOf(delivery, "github-oidc-deploy-domains-staging");
    assert.equal(await decide(staging, request(["staging.shop.acme.example"])), "Allowed");
    assert.equal(await decide(staging, request(["staging.shop.acme.example", "shop.acme.example"])), "ImplicitlyDenied");
    assert.equal(await decide(staging, request(["*.shop.acme.example"])), "ImplicitlyDenied");
    const untagged = request(["staging.shop.acme.example"]);
    delete untagged.context["aws:RequestTag/slipway:stack"];
    assert.equal(await decide(staging, untagged), "ImplicitlyDenied", "an untagged certificate would be no stack's");
});

test("Route 53's normalized record names: lower-case, no root dot, other characters as octal escapes", () => {
    assert.equal(normalizedRecordName("_ABC.Shop.Example."), "_abc.shop.example");
    assert.equal(normalizedRecordName("*.shop.example"), "\\052.shop.example");
});

test("the review template's name is the one the delivery stack reads it under", () => {
    assert.equal(REVIEW_TEMPLATE_FILE_STACK, REVIEW_TEMPLATE_STACK);
    assert.deepEqual(domainGrant(ZONE, "review.shop.acme.example", true).certificateNames, ["pr-*.review.shop.acme.example"]);
});
