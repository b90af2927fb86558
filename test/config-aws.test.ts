// Item 2: inputs the offline plan would accept and AWS (or the pipeline) would refuse.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { cidrNetwork, DeliverySettings, parseSettings } from "../infra/config/settings";
import { ALL_AWS_REGIONS, AWS_REGIONS, AWS_REGIONS_CHECKED } from "../infra/config/schema";
import { problemsOf, rawConfig as raw, rejects } from "./config-helpers";
import { planStack, rejection } from "./helpers";

// --- VPC CIDR ---------------------------------------------------------------------------------------------

test("a VPC CIDR with host bits set is refused, naming the network address to use", () => {
    rejects(raw("staging", { "slipway:vpcCidr": "10.20.1.0/16" }), "slipway:vpcCidr", '"10.20.1.0/16" has host bits set', "pulumi config set slipway:vpcCidr 10.20.0.0/16 --stack staging");
    rejects(raw("staging", { "slipway:vpcCidr": "10.20.0.64/25" }), "slipway:vpcCidr", "10.20.0.0/25");
});

test("cidrNetwork clears the host bits", () => {
    assert.equal(cidrNetwork("10.20.1.0/16"), "10.20.0.0/16");
    assert.equal(cidrNetwork("172.16.255.255/12"), "172.16.0.0/12");
    assert.equal(cidrNetwork("10.20.0.0/16"), "10.20.0.0/16");
    assert.equal(cidrNetwork("192.168.7.200/28"), "192.168.7.192/28");
});

test("a VPC prefix outside AWS's /16 to /28 is refused", () => {
    rejects(raw("staging", { "slipway:vpcCidr": "10.0.0.0/15" }), "slipway:vpcCidr", "/16 to /28");
    rejects(raw("staging", { "slipway:vpcCidr": "10.0.0.0/29" }), "slipway:vpcCidr", "/16 to /28");
});

test("a VPC too small for one subnet per zone, two bits longer, is refused with the largest prefix that fits", () => {
    // Staging uses the HTTP API (no load balancer): subnets may be /28, so the VPC may be /26.
    rejects(raw("staging", { "slipway:vpcCidr": "10.20.0.0/27" }), "slipway:vpcCidr", "too small for slipway:azCount = 2", "(/29)", "smallest subnet is /28", "pulumi config set slipway:vpcCidr 10.20.0.0/26 --stack staging");
    assert.deepEqual(problemsOf(raw("staging", { "slipway:vpcCidr": "10.20.0.0/26" })), []);
    assert.deepEqual(problemsOf(raw("staging", { "slipway:vpcCidr": "10.20.0.0/26", "slipway:azCount": "3" })), []);
});

test("behind a load balancer each subnet must be /27 or larger", () => {
    rejects(raw("production", { "slipway:vpcCidr": "10.30.0.0/26" }), "slipway:vpcCidr", "/27 for a load balancer's subnets", "pulumi config set slipway:vpcCidr 10.30.0.0/25 --stack production");
    assert.deepEqual(problemsOf(raw("production", { "slipway:vpcCidr": "10.30.0.0/25" })), []);
    rejects(raw("beanstalk-production", { "slipway:vpcCidr": "10.50.0.0/26" }), "slipway:vpcCidr", "load balancer");
});

// --- aws:region --------------------------------------------------------------------------------------------

test("a region AWS does not have is refused with a did-you-mean and the fix", () => {
    rejects(raw("staging", { "aws:region": "us-east-9" }), "aws:region", '"us-east-9" is not an AWS region code', "did you mean us-east-1?", "pulumi config set aws:region us-east-1 --stack staging", AWS_REGIONS_CHECKED);
    rejects(raw("staging", { "aws:region": "eu-wset-1" }), "aws:region", "did you mean eu-west-1?");
    rejects(raw("staging", { "aws:region": "mars-1" }), "aws:region", "AWS region code");
});

test("commercial, GovCloud, China and European Sovereign Cloud regions are accepted; isolated regions are not", () => {
    for (const region of ["ap-southeast-7", "mx-central-1", "ap-east-2", "ap-southeast-6", "ca-west-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1"]) {
        assert.deepEqual(problemsOf(raw("staging", { "aws:region": region })), [], region);
    }
    rejects(raw("staging", { "aws:region": "us-iso-east-1" }), "aws:region", "not an AWS region code");
});

test("the region list is dated, grouped and free of duplicates", () => {
    assert.match(AWS_REGIONS_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(new Set(ALL_AWS_REGIONS).size, ALL_AWS_REGIONS.length);
    assert.deepEqual(AWS_REGIONS.govCloud, ["us-gov-east-1", "us-gov-west-1"]);
    assert.deepEqual(AWS_REGIONS.china, ["cn-north-1", "cn-northwest-1"]);
    assert.equal(AWS_REGIONS.commercial.length, 34);
    for (const r of ALL_AWS_REGIONS) assert.match(r, /^[a-z]{2,4}(-[a-z]+)+-\d$/, r);
});

// --- pipelineStacks entries need a stack file ----------------------------------------------------------------

test("a pipeline stack without a stack file is refused instead of planning it as ECS", () => {
    rejects(
        raw("delivery", { "slipway:pipelineStacks": '["staging","qa","production"]' }),
        "slipway:pipelineStacks",
        '"qa"',
        "no Pulumi.qa.yaml next to Pulumi.delivery.yaml",
        "pulumi stack init qa && pulumi config set slipway:role environment --stack qa",
        "pulumi config set --path 'slipway:pipelineStacks[1]' <stack> --stack delivery",
    );
});

test("a pipeline stack that is a delivery stack is refused", () => {
    rejects(raw("delivery", { "slipway:pipelineStacks": '["staging","beanstalk-delivery","production"]' }), "slipway:pipelineStacks", '"beanstalk-delivery", a delivery stack', "slipway:pipelineStacks[1]");
});

test("a delivery stack with a pipeline stack that does not exist stops before any resource is declared", async () => {
    const message = await rejection(() => planStack("delivery", { set: { "slipway:pipelineStacks": '["stagign","production"]' } }));
    assert.match(message, /slipway:pipelineStacks lists "stagign", but there is no Pulumi\.stagign\.yaml/);
});

test("the targets' platforms still come from their stack files", () => {
    const s = parseSettings(raw("beanstalk-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets.map((t) => [t.stack, t.tier, t.platform]), [["beanstalk-staging", "staging", "beanstalk"], ["beanstalk-production", "production", "beanstalk"]]);
});

// --- environment stacks must be deployed by their delivery stack ------------------------------------------

test("an environment stack the delivery stack does not deploy is refused, with the entry to add", () => {
    const r = raw("staging");
    r.stack = "qa";
    rejects(r, "slipway:pipelineStacks", "stack qa is not deployed by its delivery stack", "Pulumi.delivery.yaml lists staging, production", "pulumi config set --path 'slipway:pipelineStacks[2]' qa --stack delivery");
});

test("review stacks (review-* and the review template stack) are deployed outside the pipeline", () => {
    for (const stack of ["review-pr-7", "review"]) {
        const r = raw("staging");
        r.stack = stack;
        assert.deepEqual(problemsOf(r), [], stack);
    }
});

test("a missing delivery stack file is itself a problem", () => {
    rejects(raw("staging", { "slipway:deliveryStack": "shop-delivery" }), "slipway:deliveryStack", "no Pulumi.shop-delivery.yaml next to Pulumi.staging.yaml", "pulumi config set slipway:deliveryStack <delivery-stack> --stack staging");
});

test("an org/project/stack reference finds the delivery stack file by its last part", () => {
    assert.deepEqual(problemsOf(raw("staging", { "slipway:deliveryStack": "acme/slipway/delivery" })), []);
});

test("a delivery stack file without pipelineStacks deploys Pulumi.yaml's default stacks", () => {
    const delivery = { "slipway:role": "delivery" };
    assert.deepEqual(problemsOf(raw("staging", {}, { delivery })), []);
    const r = raw("staging", {}, { delivery });
    r.stack = "qa";
    rejects(r, "slipway:pipelineStacks", "lists staging, production");
});

test("a deliveryStack that names an environment stack is refused", () => {
    rejects(raw("staging", { "slipway:deliveryStack": "production" }), "slipway:deliveryStack", "an environment stack");
});

test("an environment stack nobody deploys stops before any resource is declared", async () => {
    const message = await rejection(() => planStack("staging", { stackName: "qa" }));
    assert.match(message, /stack qa is not deployed by its delivery stack/);
});
