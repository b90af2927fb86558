import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { CostEstimate, DEFAULT_ASSUMPTIONS, estimateCost, parseCostArgs, renderCost } from "../tools/estimates/cost";
import { HOURS_PER_MONTH, PRICES } from "../tools/estimates/prices";
import { planStack } from "./helpers";

function resource(type: string, name: string, inputs: Record<string, unknown>, custom = true): PlannedResource {
    return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, parent: null, inputs, protect: false, dependsOn: [], custom, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false };
}

function fargatePlan(o: { spot?: boolean; tasks?: number; cpu?: string; memory?: string; publicIp?: boolean; tier?: string } = {}): Plan {
    return {
        project: "slipway",
        stack: "env",
        outputs: { tier: o.tier ?? "staging" },
        resources: [
            resource("aws:ecs/taskDefinition:TaskDefinition", "task", { cpu: o.cpu ?? "256", memory: o.memory ?? "512" }),
            resource("aws:ecs/service:Service", "service", {
                desiredCount: o.tasks ?? 1,
                capacityProviderStrategies: [{ capacityProvider: o.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
                networkConfiguration: { assignPublicIp: o.publicIp ?? true },
            }),
        ],
    };
}

const total = (e: CostEstimate) => e.total;
const line = (e: CostEstimate, pattern: RegExp) => e.lines.filter((l) => pattern.test(l.item));

test("Fargate Spot prices the same tasks lower than on-demand Fargate", () => {
    assert.ok(total(estimateCost(fargatePlan({ spot: true }))) < total(estimateCost(fargatePlan({ spot: false }))));
});

test("more tasks and a bigger task size cost more", () => {
    const one = total(estimateCost(fargatePlan({ tasks: 1 })));
    assert.ok(total(estimateCost(fargatePlan({ tasks: 2 }))) > one);
    assert.ok(total(estimateCost(fargatePlan({ cpu: "512", memory: "1024" }))) > one);
});

test("a task's vCPU and memory are priced at the table's hourly rates for a 730-hour month", () => {
    const e = estimateCost(fargatePlan({ cpu: "1024", memory: "2048", publicIp: false }));
    assert.equal(e.lines.length, 2);
    assert.equal(Number(e.total.toFixed(6)), Number((HOURS_PER_MONTH * (PRICES.fargate.vcpuHour + 2 * PRICES.fargate.gbHour)).toFixed(6)));
});

test("each task with a public IP is billed $0.005 an hour for its IPv4 address", () => {
    const e = estimateCost(fargatePlan({ tasks: 3 }));
    const ip = line(e, /public IPv4/);
    assert.equal(ip.length, 1);
    assert.equal(ip[0].monthly, 3 * HOURS_PER_MONTH * 0.005);
    assert.equal(line(estimateCost(fargatePlan({ publicIp: false })), /public IPv4/).length, 0);
});

test("a scale-to-zero schedule scales task hours but not the load balancer", () => {
    const plan = fargatePlan({ publicIp: false });
    plan.resources.push(resource("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", subnets: ["a", "b"] }));
    const full = estimateCost(plan);
    const part = estimateCost(plan, { ...DEFAULT_ASSUMPTIONS, taskHoursFraction: 0.5 });
    const fargate = (e: CostEstimate) => line(e, /Fargate/).reduce((s, l) => s + l.monthly, 0);
    assert.equal(Number(fargate(part).toFixed(6)), Number((fargate(full) / 2).toFixed(6)));
    assert.deepEqual(line(part, /ALB hours/), line(full, /ALB hours/));
});

test("an internet-facing ALB is priced by the hour, by LCU and by one public IPv4 per zone", () => {
    const plan: Plan = { project: "p", stack: "s", outputs: {}, resources: [resource("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", subnets: ["a", "b", "c"] })] };
    const e = estimateCost(plan);
    assert.equal(line(e, /ALB hours/)[0].monthly, HOURS_PER_MONTH * PRICES.alb.hour);
    assert.equal(line(e, /public IPv4 × 3/).length, 1);
    assert.equal(line(e, /LCU/).length, 1);
});

test("an HTTP API ingress bills requests, its Cloud Map instances and the namespace's hosted zone, not the VPC link", () => {
    const plan = fargatePlan({ tasks: 2, publicIp: false });
    plan.resources.push(
        resource("aws:apigatewayv2/api:Api", "api", { protocolType: "HTTP" }),
        resource("aws:apigatewayv2/vpcLink:VpcLink", "link", {}),
        resource("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "namespace", {}),
        resource("aws:servicediscovery/service:Service", "discovery", {}),
    );
    const e = estimateCost(plan);
    assert.deepEqual(e.notPriced, []);
    assert.equal(line(e, /HTTP API requests/)[0].monthly, DEFAULT_ASSUMPTIONS.apiMillionRequests.other * PRICES.httpApiPerMillionRequests);
    assert.equal(line(e, /Cloud Map registered instances × 2/)[0].monthly, 2 * PRICES.cloudMapInstanceMonth);
    assert.equal(line(e, /hosted zone/)[0].monthly, PRICES.route53HostedZoneMonth);
    assert.equal(e.lines.filter((l) => l.resource.startsWith("VpcLink")).length, 0);
});

test("a NAT gateway, were one declared, is priced with its Elastic IP", () => {
    const plan: Plan = { project: "p", stack: "s", outputs: {}, resources: [resource("aws:ec2/natGateway:NatGateway", "nat", {})] };
    const e = estimateCost(plan);
    assert.equal(e.total, HOURS_PER_MONTH * (PRICES.natGateway.hour + PRICES.publicIpv4Hour));
});

test("unknown resource types are listed as not priced, free plumbing and components are skipped", () => {
    const plan: Plan = {
        project: "p",
        stack: "s",
        outputs: {},
        resources: [
            resource("aws:redshift/cluster:Cluster", "warehouse", {}),
            resource("aws:iam/role:Role", "role", {}),
            resource("slipway:environment:Network", "network", {}, false),
        ],
    };
    const e = estimateCost(plan);
    assert.deepEqual(e.notPriced, ["Cluster warehouse (aws:redshift/cluster:Cluster)"]);
    assert.equal(e.total, 0);
    assert.match(renderCost(e), /Not priced:\n {2}- Cluster warehouse/);
});

test("a single-instance Beanstalk environment pays for one instance and its Elastic IP, no load balancer", () => {
    const settings = [
        { namespace: "aws:elasticbeanstalk:environment", name: "EnvironmentType", value: "SingleInstance" },
        { namespace: "aws:ec2:instances", name: "InstanceTypes", value: "t3.micro" },
    ];
    const e = estimateCost({ project: "p", stack: "s", outputs: {}, resources: [resource("aws:elasticbeanstalk/environment:Environment", "env", { settings })] });
    assert.equal(line(e, /EC2 t3.micro × 1/)[0].monthly, HOURS_PER_MONTH * PRICES.ec2Hour["t3.micro"]);
    assert.equal(line(e, /Elastic IP/).length, 1);
    assert.equal(line(e, /ALB/).length, 0);
});

test("an instance type missing from the price table is reported, not guessed", () => {
    const settings = [{ namespace: "aws:ec2:instances", name: "InstanceTypes", value: "r7a.large" }];
    const e = estimateCost({ project: "p", stack: "s", outputs: {}, resources: [resource("aws:elasticbeanstalk/environment:Environment", "env", { settings })] });
    assert.match(e.notPriced.join(), /EC2 r7a.large/);
});

test("more pipeline runs cost more build minutes", () => {
    const project = resource("aws:codebuild/project:Project", "project", { environment: { computeType: "BUILD_GENERAL1_SMALL", privilegedMode: true } });
    const plan: Plan = { project: "p", stack: "delivery", outputs: {}, resources: [project] };
    const few = estimateCost(plan, { ...DEFAULT_ASSUMPTIONS, buildsPerMonth: 10 });
    const many = estimateCost(plan, { ...DEFAULT_ASSUMPTIONS, buildsPerMonth: 100 });
    assert.equal(Number((many.total / few.total).toFixed(6)), 10);
});

test("cost options need a stack and accept the build count and task-hours share", () => {
    assert.throws(() => parseCostArgs([]), /--stack is required/);
    const o = parseCostArgs(["--stack", "staging", "--builds", "40", "--task-hours", "0.36"]);
    assert.equal(o.assumptions.buildsPerMonth, 40);
    assert.equal(o.assumptions.taskHoursFraction, 0.36);
    assert.throws(() => parseCostArgs(["--stack", "s", "--task-hours", "2"]), /from 0 to 1/);
    assert.deepEqual(parseCostArgs(["--stack", "s", "--set", "cpu=512", "--set", 'aws:region=us-east-2']).set, { "slipway:cpu": "512", "aws:region": "us-east-2" });
    assert.throws(() => parseCostArgs(["--stack", "s", "--set", "cpu"]), /key=value/);
});

test("every shipped stack is fully priced", async () => {
    for (const stack of ["delivery", "staging", "production"]) {
        const e = estimateCost(await planStack(stack));
        assert.deepEqual(e.notPriced.filter((n) => !/Container Insights/.test(n)), [], stack);
        assert.ok(e.total > 0, stack);
    }
});

test("a canary or linear deployment bills a second set of tasks through its steps and bake; the second target group and rule are free; rolling bills none", async () => {
    const production = estimateCost(await planStack("production"));
    const second = line(production, /second set of 2 task\(s\) for 7 min a deployment/);
    assert.equal(second.length, 2, production.lines.map((l) => l.item).join("\n"));
    // 2 tasks × 7 min × 100 deployments; production's tasks are 0.5 vCPU and 1 GB.
    const hours = (2 * 7 * DEFAULT_ASSUMPTIONS.buildsPerMonth) / 60;
    assert.ok(Math.abs(second[0].monthly - hours * 0.5 * PRICES.fargate.vcpuHour) < 0.01, `${second[0].monthly}`);
    assert.ok(Math.abs(second[1].monthly - hours * 1 * PRICES.fargate.gbHour) < 0.01, `${second[1].monthly}`);
    assert.ok(!production.notPriced.some((n) => /ListenerRule|TargetGroup/.test(n)), production.notPriced.join("; "));
    assert.deepEqual(line(estimateCost(await planStack("staging")), /second set/), []);
});

test("Chatbot channels cost nothing of their own; one subscribed to the pipeline's topic pays SNS's HTTP/S deliveries, one per build", async () => {
    const e = estimateCost(await planStack("chat-delivery"));
    const channels = line(e, /AWS Chatbot channel configuration/);
    assert.ok(channels.length >= 1, "a line per channel configuration");
    for (const c of channels) assert.equal(c.monthly, 0);
    assert.ok(!e.notPriced.some((n) => /chatbot|notificationRule/i.test(n)), e.notPriced.join(", "));
    const slack = resource("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "chat-0", { snsTopicArns: ["arn:aws:sns:us-east-1:123456789012:t"] });
    const teams = resource("aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", "chat-1", { snsTopicArns: [] });
    const m = estimateCost({ project: "p", stack: "s", outputs: {}, resources: [slack, teams] });
    const deliveries = line(m, /SNS deliveries to the channel/);
    assert.equal(deliveries.length, 1, "only the subscribed channel");
    assert.equal(deliveries[0].monthly, (100 / 1e6) * PRICES.sns.httpDeliveryPerMillion);
});
