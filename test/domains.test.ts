// Managed domains (slipway:domainZoneId): each config rule broken on purpose, and the records and
// certificate each ingress kind gets (ALB alias, HTTP API custom domain alias, Beanstalk CNAME).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings, Settings } from "../infra/config/settings";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { all, childrenOf, one, planStack } from "./helpers";

const ZONE = "Z07294381SHOPACMEEX";
const env = (stack: string, set: Record<string, string | null> = {}, as?: string) => {
    const r = rawConfig(stack, set);
    if (as) r.stack = as;
    return r;
};

test("the managed-domain fixtures are valid config", () => {
    for (const [stack, as] of [["domains-staging"], ["domains-production"], ["review", "review-pr-7"]]) assert.deepEqual(problemsOf(env(stack, {}, as)), [], stack);
    const s = parseSettings(env("review", {}, "review-pr-7")) as Extract<Settings, { role: "environment" }>;
    assert.deepEqual(s.managedDomain, { zoneId: ZONE, name: "pr-7.review.shop.acme.example" });
    assert.equal(s.domainName, "pr-7.review.shop.acme.example");
});

test("a zone id of the wrong shape is refused with the key named", () => {
    rejects(env("domains-staging", { "slipway:domainZoneId": "z0123abc" }), "slipway:domainZoneId", "upper-case letters and digits");
    rejects(env("domains-staging", { "slipway:domainZoneId": `/hostedzone/${ZONE}` }), "slipway:domainZoneId", "without the /hostedzone/ prefix");
    rejects(env("domains-staging", { "slipway:domainZoneId": "Z".repeat(33) }), "slipway:domainZoneId", "1–32");
});

test("a managed domain and a certificate ARN are exclusive: one message names both and how to keep either", () => {
    const found = problemsOf(env("domains-production", { "slipway:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }));
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0], /slipway:domainZoneId and slipway:certificateArn are both set/);
    assert.match(found[0], /pulumi config rm slipway:certificateArn --stack domains-production .* pulumi config rm slipway:domainZoneId --stack domains-production/);
});

test("a zone without a name, a name too long for ACM, and a review parent without room for pr-<N> are refused", () => {
    rejects(env("domains-staging", { "slipway:domainName": "" }), "slipway:domainZoneId", "slipway:domainName is empty", "pulumi config set slipway:domainName");
    const long = `${"a".repeat(50)}.shop.acme.example`;
    rejects(env("domains-staging", { "slipway:domainName": long }), "slipway:domainName", "over 64 characters");
    const parent = `${"a".repeat(40)}.shop.acme.example`; // 58: fits ACM alone, not with pr-<N>.
    assert.deepEqual(problemsOf(env("domains-staging", { "slipway:domainName": parent })), []);
    rejects(env("review", { "slipway:domainName": parent }, "review-pr-7"), "slipway:domainName", "pr-<N>", "at most 54 characters");
});

test("a review-tier stack with a managed domain must be review-pr-<N>", () => {
    rejects(env("review", {}, "review-feature-x"), "slipway:domainZoneId", "review-pr-<N>");
});

test("a single-instance Beanstalk environment cannot hold the certificate", () => {
    rejects(env("beanstalk-staging", { "slipway:domainZoneId": ZONE, "slipway:domainName": "eb.shop.acme.example" }), "slipway:domainZoneId", "SingleInstance", "beanstalkEnvironmentType LoadBalanced");
});

test("a managed domain satisfies production's HTTPS rule; without it or a certificate production is refused", () => {
    assert.deepEqual(problemsOf(env("domains-production")), []);
    rejects(env("domains-production", { "slipway:domainZoneId": "", "slipway:domainName": "" }), "slipway:certificateArn", "plain HTTP", "pulumi config set slipway:domainZoneId");
});

test("behind an ALB: the validated certificate on the HTTPS listener and an A alias to the load balancer", async () => {
    const p = await planStack("domains-production");
    const cert = one(p, "aws:acm/certificate:Certificate");
    assert.deepEqual([cert.inputs.domainName, cert.inputs.validationMethod], ["shop.acme.example", "DNS"]);
    const [validation, alias] = [one(p, "aws:route53/record:Record", "domain-validation"), one(p, "aws:route53/record:Record", "dns-record")];
    assert.deepEqual([validation.inputs.zoneId, validation.inputs.type, validation.inputs.allowOverwrite], [ZONE, "CNAME", false]);
    assert.match(String(validation.inputs.name), /^_[0-9a-f]{32}\.shop\.acme\.example\.$/);
    assert.deepEqual(one(p, "aws:acm/certificateValidation:CertificateValidation").inputs.validationRecordFqdns, [String(validation.inputs.name).replace(/\.$/, "")]);
    assert.deepEqual([alias.inputs.name, alias.inputs.type, alias.inputs.zoneId], ["shop.acme.example", "A", ZONE]);
    const target = (alias.inputs.aliases as { name: string; zoneId: string; evaluateTargetHealth: boolean }[])[0];
    assert.match(target.name, /\.us-east-1\.elb\.amazonaws\.com$/);
    assert.deepEqual([target.zoneId, target.evaluateTargetHealth], ["Z35SXDOTRQ7X7K", false]);
    const https = all(p, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443);
    assert.match(String(https?.inputs.certificateArn), /^arn:aws:acm:us-east-1:123456789012:certificate\//);
    assert.equal(p.outputs.url, "https://shop.acme.example");
    const component = p.resources.find((r) => r.type === "slipway:environment:DomainCertificate");
    assert.ok(component && childrenOf(p, component).length === 3, "certificate, validation record and validation are the component's children");
});

test("behind the HTTP API: a regional custom domain with the certificate, its mapping and an A alias to its endpoint", async () => {
    const p = await planStack("domains-staging");
    const domain = one(p, "aws:apigatewayv2/domainName:DomainName");
    assert.equal(domain.inputs.domainName, "staging.shop.acme.example");
    assert.match(String((domain.inputs.domainNameConfiguration as { certificateArn: string }).certificateArn), /^arn:aws:acm:/);
    one(p, "aws:apigatewayv2/apiMapping:ApiMapping");
    const alias = one(p, "aws:route53/record:Record", "dns-record");
    const target = (alias.inputs.aliases as { name: string; zoneId: string }[])[0];
    assert.match(target.name, /^d-[0-9a-f]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
    assert.equal(target.zoneId, "Z1UJRXOUMOOFQ8");
    assert.equal(p.outputs.url, "https://staging.shop.acme.example");
});

test("on Beanstalk (load-balanced): the certificate on its HTTPS listener and a CNAME to the environment's name", async () => {
    const p = await planStack("beanstalk-production", { set: { "slipway:certificateArn": "", "slipway:domainZoneId": ZONE } });
    const record = one(p, "aws:route53/record:Record", "dns-record");
    assert.deepEqual([record.inputs.name, record.inputs.type, record.inputs.ttl], ["shop.acme.example", "CNAME", 60]);
    assert.match(String((record.inputs.records as string[])[0]), /\.us-east-1\.elasticbeanstalk\.com$/);
    const env = one(p, "aws:elasticbeanstalk/environment:Environment");
    const settings = env.inputs.settings as { namespace: string; name: string; value: string }[];
    assert.match(String(settings.find((x) => x.namespace === "aws:elbv2:listener:443" && x.name === "SSLCertificateArns")?.value), /^arn:aws:acm:/);
});

test("a stack on its own certificate ARN declares no certificate and no record", async () => {
    const p = await planStack("production");
    assert.equal(all(p, "aws:acm/certificate:Certificate").length + all(p, "aws:route53/record:Record").length, 0);
});

test("review stacks destroy cleanly: nothing of the domain is protected", async () => {
    const p = await planStack("review", { stackName: "review-pr-7" });
    for (const r of p.resources.filter((x) => /^aws:(acm|route53)\//.test(x.type))) assert.notEqual(r.protect, true, r.name);
});
