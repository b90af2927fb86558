import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { containerDefinitions } from "../infra/platforms/ecs/task-definition";
import { subnetCidrs } from "../infra/environment/network";
import { Plan } from "../tools/plan/mock-engine";
import { all, json, one, planStack } from "./helpers";

interface Container {
    name: string;
    image: string;
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
    logConfiguration: { logDriver: string; options: Record<string, string> };
    portMappings: { containerPort: number }[];
}

let staging: Plan;
let stagingAlb: Plan;
let production: Plan;
before(async () => {
    staging = await planStack("staging");
    stagingAlb = await planStack("staging", { set: { "slipway:ingress": "alb" } });
    production = await planStack("production");
});

const containers = (plan: Plan) => json<Container[]>(one(plan, "aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions");

test("the VPC has public subnets in two zones and no NAT gateway", () => {
    assert.equal(all(staging, "aws:ec2/natGateway:NatGateway").length, 0);
    const subnets = all(staging, "aws:ec2/subnet:Subnet");
    assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1b"]);
    assert.deepEqual(subnets.map((s) => s.inputs.cidrBlock), ["10.20.0.0/18", "10.20.64.0/18"]);
    const routes = one(staging, "aws:ec2/routeTable:RouteTable").inputs.routes as { cidrBlock: string; gatewayId: string }[];
    assert.equal(routes[0].cidrBlock, "0.0.0.0/0");
});

test("subnet CIDRs split the VPC range without overlap", () => {
    assert.deepEqual(subnetCidrs("10.30.0.0/16", 3), ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
    assert.deepEqual(subnetCidrs("192.168.4.0/24", 2), ["192.168.4.0/26", "192.168.4.64/26"]);
});

test("without a certificate the load balancer serves HTTP on port 80 only", () => {
    const listeners = all(stagingAlb, "aws:lb/listener:Listener");
    assert.deepEqual(listeners.map((l) => [l.inputs.port, l.inputs.protocol]), [[80, "HTTP"]]);
    assert.match(String(stagingAlb.outputs.url), /^http:\/\/[a-z0-9-]+\.us-east-1\.elb\.amazonaws\.com$/);
});

test("with a certificate the load balancer serves HTTPS with a TLS 1.2+ policy and redirects HTTP", () => {
    const listeners = all(production, "aws:lb/listener:Listener");
    const https = listeners.find((l) => l.inputs.protocol === "HTTPS");
    assert.equal(https?.inputs.port, 443);
    assert.equal(https?.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.match(String(https?.inputs.certificateArn), /^arn:aws:acm:/);
    const http = listeners.find((l) => l.inputs.protocol === "HTTP");
    assert.deepEqual((http?.inputs.defaultActions as { type: string; redirect: unknown }[])[0], {
        type: "redirect",
        redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
    });
    assert.equal(production.outputs.url, "https://shop.acme.example");
});

test("the load balancer drops invalid headers and is deletion-protected in production only", () => {
    assert.equal(one(stagingAlb, "aws:lb/loadBalancer:LoadBalancer").inputs.dropInvalidHeaderFields, true);
    assert.equal(one(stagingAlb, "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
    assert.equal(one(production, "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
});

test("the target group checks the health path fast and drains in seconds", () => {
    const tg = one(stagingAlb, "aws:lb/targetGroup:TargetGroup");
    assert.equal(tg.inputs.targetType, "ip");
    assert.equal(tg.inputs.port, 8080);
    assert.equal(tg.inputs.deregistrationDelay, 10);
    assert.deepEqual(tg.inputs.healthCheck, {
        path: "/health",
        matcher: "200-299",
        interval: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        timeout: 4,
    });
});

test("tasks accept traffic only from the load balancer's security group", () => {
    const sg = one(stagingAlb, "aws:ec2/securityGroup:SecurityGroup", "app-tasks");
    const ingress = sg.inputs.ingress as { fromPort: number; securityGroups?: string[]; cidrBlocks?: string[] }[];
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].fromPort, 8080);
    assert.equal(ingress[0].cidrBlocks, undefined);
    assert.equal(ingress[0].securityGroups?.length, 1);
    const alb = one(stagingAlb, "aws:ec2/securityGroup:SecurityGroup", "web-alb");
    for (const rule of alb.inputs.ingress as { fromPort: number; cidrBlocks: string[] }[]) assert.ok([80, 443].includes(rule.fromPort));
});

test("the service rolls back a failed deploy and keeps full capacity while rolling", () => {
    const service = one(staging, "aws:ecs/service:Service");
    assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(service.inputs.deploymentMinimumHealthyPercent, 100);
    assert.equal(service.inputs.deploymentMaximumPercent, 200);
    assert.deepEqual(service.ignoreChanges, ["desiredCount"], "autoscaling owns the count");
    assert.equal(service.inputs.name, "shop-staging");
});

test("staging runs on Fargate Spot and production on on-demand Fargate", () => {
    const provider = (p: Plan) => (one(p, "aws:ecs/service:Service").inputs.capacityProviderStrategies as { capacityProvider: string }[])[0].capacityProvider;
    assert.equal(provider(staging), "FARGATE_SPOT");
    assert.equal(provider(production), "FARGATE");
});

test("the task definition runs the image the pipeline last verified, with the configured size", () => {
    const def = one(staging, "aws:ecs/taskDefinition:TaskDefinition");
    assert.deepEqual([def.inputs.family, def.inputs.cpu, def.inputs.memory], ["shop-staging", "256", "512"]);
    const [c] = containers(staging);
    // The mock answers the image-tag parameter with "latest", as AWS would before the first pipeline run.
    assert.equal(c.image, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:latest");
    assert.deepEqual(c.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
});

test("app settings are environment variables and app secrets come from Secrets Manager, never the environment", () => {
    const [c] = containers(staging);
    assert.deepEqual(c.environment, [
        { name: "APP_ENV", value: "staging" },
        { name: "LOG_LEVEL", value: "debug" },
        { name: "PORT", value: "8080" },
    ]);
    assert.deepEqual(c.secrets.map((s) => s.name), ["API_KEY", "DATABASE_URL"]);
    for (const s of c.secrets) assert.equal(s.valueFrom, `${staging.outputs.secretArn}:${s.name}::`);
    assert.ok(!c.environment.some((e) => ["API_KEY", "DATABASE_URL"].includes(e.name)));
});

test("the container logs to a CloudWatch group with the configured retention", () => {
    const [c] = containers(staging);
    assert.equal(c.logConfiguration.logDriver, "awslogs");
    assert.equal(c.logConfiguration.options["awslogs-group"], "/slipway/shop/staging/app");
    assert.equal(one(staging, "aws:cloudwatch/logGroup:LogGroup", "app-logs").inputs.retentionInDays, 14);
    assert.equal(one(production, "aws:cloudwatch/logGroup:LogGroup", "app-logs").inputs.retentionInDays, 90);
});

test("autoscaling tracks CPU between the configured minimum and maximum", () => {
    const target = one(production, "aws:appautoscaling/target:Target");
    assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity], [2, 6]);
    assert.equal(target.inputs.resourceId, "service/shop-production/shop-production");
    const policy = one(production, "aws:appautoscaling/policy:Policy");
    const cfg = policy.inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number; predefinedMetricSpecification: { predefinedMetricType: string } };
    assert.equal(cfg.targetValue, 60);
    assert.equal(cfg.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
});

test("the environment reads the registry from the delivery stack", () => {
    assert.equal(one(staging, "pulumi:pulumi:StackReference").inputs.name, "delivery");
});

test("stack outputs name the URL, cluster, service and log group", () => {
    for (const key of ["url", "clusterName", "serviceName", "logGroup"]) assert.ok(staging.outputs[key], key);
    assert.equal(staging.outputs.clusterName, "shop-staging");
});

test("a review stack made from staging's config is a review tier that runs staging's verified image", async () => {
    const review = await planStack("staging", { stackName: "review-pr-7" });
    assert.equal(review.outputs.tier, "review");
    assert.equal(review.outputs.clusterName, "shop-review-pr-7");
    assert.ok(review.resources.every((r) => !r.protect));
    assert.equal(one(review, "aws:ssm/parameter:Parameter").inputs.name, "/slipway/shop/review-pr-7/health-url");
});

test("container definitions are built from the given settings only", () => {
    const [c] = containerDefinitions({
        image: "repo:abc1234",
        containerPort: 3000,
        environment: { B: "2", A: "1" },
        secretArn: "arn:secret",
        secretNames: ["TOKEN"],
        secretsVersion: "v2",
        logGroup: "/g",
        region: "eu-west-1",
    }) as unknown as Container[];
    assert.deepEqual(c.environment.map((e) => e.name), ["A", "B"]);
    assert.deepEqual(c.secrets, [{ name: "TOKEN", valueFrom: "arn:secret:TOKEN::" }]);
    assert.deepEqual(c.dockerLabels, { "slipway.secrets-version": "v2" });
});

test("production gets a CloudWatch dashboard of its own service and load balancer; staging only when asked", async () => {
    assert.equal(staging.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard").length, 0);
    const dash = one(production, "aws:cloudwatch/dashboard:Dashboard");
    assert.equal(dash.inputs.dashboardName, "shop-production");
    const body = JSON.parse(String(dash.inputs.dashboardBody)) as { widgets: { properties: { title: string; metrics: unknown[][] } }[] };
    assert.deepEqual(body.widgets.map((w) => w.properties.title), ["Requests", "5xx responses", "Latency p95 (s)", "Healthy targets", "CPU %", "Memory %"]);
    assert.deepEqual(body.widgets[4].properties.metrics[0].slice(0, 6), ["AWS/ECS", "CPUUtilization", "ClusterName", "shop-production", "ServiceName", "shop-production"]);
    const withApi = await planStack("staging", { set: { "slipway:dashboard": "true" } });
    const apiBody = JSON.parse(String(one(withApi, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody)) as typeof body;
    assert.deepEqual(apiBody.widgets[0].properties.metrics[0].slice(0, 3), ["AWS/ApiGateway", "Count", "ApiId"]);
});

test("the service waits for the capacity providers and the listener before it is created", () => {
    const service = one(stagingAlb, "aws:ecs/service:Service");
    const capacity = one(stagingAlb, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
    const listener = one(stagingAlb, "aws:lb/listener:Listener");
    assert.ok(service.dependsOn.includes(capacity.urn));
    assert.ok(service.dependsOn.includes(listener.urn));
});

test("staging is served by an HTTP API that reaches the tasks through a VPC link and Cloud Map, without a load balancer", () => {
    assert.equal(staging.outputs.ingress, "api");
    assert.equal(staging.resources.filter((r) => r.type.startsWith("aws:lb/")).length, 0);
    const api = one(staging, "aws:apigatewayv2/api:Api");
    assert.equal(api.inputs.protocolType, "HTTP");
    const integration = one(staging, "aws:apigatewayv2/integration:Integration");
    assert.deepEqual(
        [integration.inputs.integrationType, integration.inputs.connectionType, integration.inputs.integrationMethod],
        ["HTTP_PROXY", "VPC_LINK", "ANY"],
    );
    const discovery = one(staging, "aws:servicediscovery/service:Service");
    assert.deepEqual((discovery.inputs.dnsConfig as { dnsRecords: unknown[] }).dnsRecords, [{ type: "SRV", ttl: 10 }]);
    const service = one(staging, "aws:ecs/service:Service");
    assert.deepEqual(service.inputs.loadBalancers, []);
    assert.equal((service.inputs.serviceRegistries as { containerPort: number }).containerPort, 8080);
    assert.equal(service.inputs.healthCheckGracePeriodSeconds, undefined);
    const stage = one(staging, "aws:apigatewayv2/stage:Stage");
    assert.equal(stage.inputs.name, "$default");
    assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingRateLimit: 50, throttlingBurstLimit: 100 });
    assert.match(String(staging.outputs.url), /^https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$/);
});

test("behind the HTTP API, tasks accept traffic only from the VPC link's security group", () => {
    const link = one(staging, "aws:ec2/securityGroup:SecurityGroup", "web-vpc-link");
    assert.deepEqual(link.inputs.ingress, []);
    assert.deepEqual((link.inputs.egress as { cidrBlocks: string[] }[])[0].cidrBlocks, ["10.20.0.0/16"]);
    const tasks = one(staging, "aws:ec2/securityGroup:SecurityGroup", "app-tasks");
    const ingress = tasks.inputs.ingress as { fromPort: number; securityGroups: string[]; cidrBlocks?: string[] }[];
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].cidrBlocks, undefined);
    assert.equal(ingress[0].securityGroups.length, 1);
});

test("an HTTP API with a certificate serves on the custom domain", async () => {
    const plan = await planStack("staging", {
        set: {
            "slipway:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "slipway:domainName": "staging.shop.example",
        },
    });
    const domain = one(plan, "aws:apigatewayv2/domainName:DomainName");
    assert.deepEqual(domain.inputs.domainNameConfiguration, {
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        endpointType: "REGIONAL",
        securityPolicy: "TLS_1_2",
    });
    assert.equal(plan.outputs.url, "https://staging.shop.example");
});

test("production defaults to the load balancer, other tiers to the HTTP API", async () => {
    assert.equal(production.outputs.ingress, "alb");
    const review = await planStack("staging", { stackName: "review-pr-3" });
    assert.equal(review.outputs.ingress, "api");
    const prodLike = await planStack("staging", { set: { "slipway:tier": "production", "slipway:policyWaivers": JSON.stringify({ "production-https": "a production-tier copy of staging, planned offline only" }) } });
    assert.equal(prodLike.outputs.ingress, "alb");
});

test("a configured container health check gates the roll where no load balancer checks health", async () => {
    assert.equal((containers(staging)[0] as unknown as { healthCheck?: unknown }).healthCheck, undefined);
    const plan = await planStack("staging", { set: { "slipway:containerHealthCheck": "curl -fsS http://localhost:8080/health || exit 1" } });
    const [c] = containers(plan) as unknown as { healthCheck: { command: string[]; interval: number; retries: number } }[];
    assert.deepEqual(c.healthCheck.command, ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"]);
    assert.equal(c.healthCheck.interval, 10);
    assert.equal(c.healthCheck.retries, 3);
});
