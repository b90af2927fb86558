// The ECS platform's environment components built from their Args: FargateApp (cluster, roles, task
// definition, service, autoscaling), WebLoadBalancer (ALB), HttpApiIngress (API Gateway + VPC link + Cloud
// Map), ReleaseTask and ServiceDashboard. What each asserts is what would reach AWS on the real path: the
// tasks' security group admits only the ingress's group, the ingress's groups reach only the tasks' port
// inside the VPC, secrets reach the container only as `valueFrom` references (never plain environment
// values), HTTPS listeners use slipway's TLS policy, health checks and draining come from
// infra/shared/health.ts, the log group is the one infra/contract.ts names, and the documented defaults
// (protect, Spot, Container Insights, deletion protection, API throttling) show.
import * as assert from "node:assert/strict";
import * as lb from "@pulumi/aws/lb";
import { appLogGroupName, CONTAINER_NAME, logGroupPrefix, processFamily, RELEASE_PROCESS } from "../../infra/contract";
import { HttpApiIngress, HttpApiIngressArgs } from "../../infra/platforms/ecs/api-ingress";
import { ServiceDashboard, ServiceDashboardArgs } from "../../infra/platforms/ecs/dashboard";
import { WebLoadBalancer, WebLoadBalancerArgs } from "../../infra/platforms/ecs/load-balancer";
import { ReleaseTask, ReleaseTaskArgs } from "../../infra/platforms/ecs/release-task";
import { FargateApp, FargateAppArgs } from "../../infra/platforms/ecs/service";
import { HEALTH, TLS_POLICY } from "../../infra/shared/health";
import { mockId } from "../../tools/plan/identities";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, fargateArgs, json, MOCK_ACCOUNT, ofType, REGION, registeredOutputs, res, SECRET_ARN, statements, SUBNETS, TARGET_GROUP_ARN, VPC } from "./harness";

const test = componentTests(__filename);

const CIDR = "10.20.0.0/16";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

interface Container {
    name: string;
    image: string;
    essential: boolean;
    command?: string[];
    portMappings: { containerPort: number; protocol: string }[];
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
    logConfiguration: { logDriver: string; options: Record<string, string> };
    privileged: boolean;
    healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
}
const containers = (r: { type: string; name: string; inputs: Record<string, unknown> }) => json<Container[]>(r as never, "containerDefinitions");

// --- FargateApp --------------------------------------------------------------------------------------------

const FARGATE = "slipway:environment:FargateApp";
const SERVICE = "aws:ecs/service:Service";
const ROLE = "aws:iam/role:Role";
const fargate = (over: Partial<FargateAppArgs> = {}, name = "app", dependsOn = false) =>
    build((ctx) => {
        const marker = dependsOn ? new lb.Listener("app-listener", { loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1", defaultActions: [] }) : undefined;
        const f = new FargateApp(name, { ...fargateArgs(ctx, over), dependsOn: marker ? [marker] : undefined });
        return {
            clusterName: f.cluster.name,
            clusterArn: f.cluster.arn,
            serviceName: f.service.name,
            logGroup: f.logGroup.name,
            taskDefinitionArn: f.taskDefinition.arn,
            executionRoleArn: f.executionRole.arn,
            executionRoleName: f.executionRole.name,
            taskRoleArn: f.taskRole.arn,
            listenerUrn: marker?.urn,
        };
    });

test("a FargateApp owns its cluster, roles, task definition, group, service and scaling, all named after it", async () => {
    const [a, b] = [await fargate({}, "app"), await fargate({}, "worker")];
    assertOwnsItsChildren(a, FARGATE, "app");
    assertDisjoint(a, b);
});

test("the log group is the contract's name with the given retention, unprotected by default and protected with protect", async () => {
    const p = await fargate();
    const logs = res(p, LOG_GROUP, "app-logs");
    assert.deepEqual([logs.inputs.name, logs.inputs.retentionInDays, logs.protect], ["/slipway/shop/staging/app", 14, false]);
    assert.equal(p.outputs.logGroup, appLogGroupName("shop", "staging"));
    assert.equal(res(await fargate({ protect: true }), LOG_GROUP, "app-logs").protect, true);
});

test("by default the cluster has Container Insights off and both Fargate providers; the service runs on FARGATE", async () => {
    const p = await fargate();
    const cluster = res(p, "aws:ecs/cluster:Cluster", "app-cluster").inputs;
    assert.equal(cluster.name, "shop-staging");
    assert.deepEqual(cluster.settings, [{ name: "containerInsights", value: "disabled" }]);
    assert.deepEqual(res(p, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "app-capacity").inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
    assert.deepEqual(res(p, SERVICE, "app-service").inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
});

test("spot and containerInsights reach the service and the cluster", async () => {
    const p = await fargate({ spot: true, containerInsights: true });
    assert.deepEqual(res(p, "aws:ecs/cluster:Cluster", "app-cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
    assert.deepEqual(res(p, SERVICE, "app-service").inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
});

test("two distinct roles, both assumable only by ECS tasks for this account, under the role path, with the boundary", async () => {
    const p = await fargate();
    const execution = res(p, ROLE, "app-execution");
    const task = res(p, ROLE, "app-task");
    for (const role of [execution, task]) {
        assert.equal(role.inputs.path, "/slipway/shop/staging/");
        assert.equal(role.inputs.permissionsBoundary, `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-boundary`);
        assert.equal(role.inputs.maxSessionDuration, 3600);
        const [trust] = statements(role, "assumeRolePolicy");
        assert.deepEqual(trust.Principal, { Service: "ecs-tasks.amazonaws.com" });
        assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } });
        assert.equal(statements(role, "assumeRolePolicy").length, 1);
    }
    // The execution role gets only the delivery stack's runtime policy; the task role gets nothing.
    const attachments = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepEqual(attachments.map((a) => [a.inputs.role, a.inputs.policyArn]), [[p.outputs.executionRoleName, `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-task-execution`]]);
    assert.deepEqual(ofType(p, "aws:iam/rolePolicy:RolePolicy"), []);
});

test("the task definition is Fargate, awsvpc, x86_64 Linux, with the given size and both roles", async () => {
    const p = await fargate();
    const td = res(p, TASK_DEFINITION, "app-task").inputs;
    assert.deepEqual(
        [td.family, td.requiresCompatibilities, td.networkMode, td.cpu, td.memory, td.runtimePlatform, td.executionRoleArn, td.taskRoleArn],
        ["shop-staging", ["FARGATE"], "awsvpc", "256", "512", { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" }, p.outputs.executionRoleArn, p.outputs.taskRoleArn],
    );
});

test("the container: secrets only as valueFrom references into the JSON secret, plain settings as environment, logs to the group", async () => {
    const p = await fargate();
    const [c, ...others] = containers(res(p, TASK_DEFINITION, "app-task"));
    assert.deepEqual(others, []);
    assert.deepEqual([c.name, c.image, c.essential, c.privileged], [CONTAINER_NAME, `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`, true, false]);
    assert.deepEqual(c.portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
    assert.deepEqual(c.secrets, [
        { name: "DATABASE_URL", valueFrom: `${SECRET_ARN}:DATABASE_URL::` },
        { name: "STRIPE_KEY", valueFrom: `${SECRET_ARN}:STRIPE_KEY::` },
    ]);
    // Sorted, and no secret's name among the plain values.
    assert.deepEqual(c.environment, [
        { name: "LOG_LEVEL", value: "info" },
        { name: "PORT", value: "8080" },
    ]);
    assert.deepEqual(c.dockerLabels, { "slipway.secrets-version": "v-1" });
    assert.deepEqual(c.logConfiguration, {
        logDriver: "awslogs",
        options: { "awslogs-group": appLogGroupName("shop", "staging"), "awslogs-region": REGION, "awslogs-stream-prefix": CONTAINER_NAME },
    });
    assert.equal(c.healthCheck, undefined);
    assert.equal(c.command, undefined);
});

test("without secret names the container references no secret and carries no secrets label", async () => {
    const [c] = containers(res(await fargate({ secrets: { arn: SECRET_ARN, names: [], versionId: "v-1" } }), TASK_DEFINITION, "app-task"));
    assert.deepEqual([c.secrets, c.dockerLabels], [[], {}]);
});

test("healthCheckCommand gives the container HEALTH.container's check", async () => {
    const [c] = containers(res(await fargate({ healthCheckCommand: "curl -fs http://localhost:8080/health" }), TASK_DEFINITION, "app-task"));
    assert.deepEqual(c.healthCheck, {
        command: ["CMD-SHELL", "curl -fs http://localhost:8080/health"],
        interval: HEALTH.container.intervalSeconds,
        timeout: HEALTH.container.timeoutSeconds,
        retries: HEALTH.container.retries,
        startPeriod: HEALTH.container.startPeriodSeconds,
    });
});

test("the tasks' group admits exactly the container port from the ingress's group, and no CIDR", async () => {
    const sg = res(await fargate(), SECURITY_GROUP, "app-tasks").inputs;
    assert.equal(sg.vpcId, VPC);
    assert.deepEqual(sg.ingress, [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-0ingress000000000"], description: "From the load balancer or the API VPC link" }]);
    assert.deepEqual(sg.egress, [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "All outbound" }]);
});

test("behind an ALB the service registers in the target group with the grace period, rolls with 100/200 and the circuit breaker, and waits for the listener", async () => {
    const p = await fargate({}, "app", true);
    const service = res(p, SERVICE, "app-service");
    const s = service.inputs;
    assert.deepEqual([s.name, s.cluster, s.taskDefinition, s.desiredCount], ["shop-staging", p.outputs.clusterArn, p.outputs.taskDefinitionArn, 2]);
    assert.deepEqual(s.networkConfiguration, { subnets: SUBNETS, securityGroups: [mockId(SECURITY_GROUP, "app-tasks", "")], assignPublicIp: true });
    assert.deepEqual(s.loadBalancers, [{ targetGroupArn: TARGET_GROUP_ARN, containerName: CONTAINER_NAME, containerPort: 8080 }]);
    assert.equal(s.serviceRegistries, undefined);
    assert.equal(s.healthCheckGracePeriodSeconds, HEALTH.gracePeriodSeconds);
    assert.deepEqual([s.deploymentMinimumHealthyPercent, s.deploymentMaximumPercent], [100, 200]);
    assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(s.alarms, undefined);
    assert.deepEqual([s.propagateTags, s.enableEcsManagedTags, s.waitForSteadyState], ["SERVICE", true, false]);
    // Autoscaling owns the count; the service waits for the capacity providers and the listener.
    assert.deepEqual(service.ignoreChanges, ["desiredCount"]);
    assert.deepEqual(service.dependsOn.sort(), [res(p, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "app-capacity").urn, p.outputs.listenerUrn].sort());
});
test("behind an HTTP API the service registers in Cloud Map instead, with no grace period", async () => {
    const registry = `arn:aws:servicediscovery:${REGION}:${MOCK_ACCOUNT}:service/srv-0123456789abcdef`;
    const s = res(await fargate({ targetGroupArn: undefined, serviceRegistryArn: registry }), SERVICE, "app-service").inputs;
    assert.deepEqual(s.loadBalancers, []);
    assert.deepEqual(s.serviceRegistries, { registryArn: registry, containerName: CONTAINER_NAME, containerPort: 8080 });
    assert.equal(s.healthCheckGracePeriodSeconds, undefined);
});

test("deploymentAlarmNames make the service fail and roll back a deployment on those alarms", async () => {
    const s = res(await fargate({ deploymentAlarmNames: ["slipway-shop-staging-5xx-rate"] }), SERVICE, "app-service").inputs;
    assert.deepEqual(s.alarms, { alarmNames: ["slipway-shop-staging-5xx-rate"], enable: true, rollback: true });
    assert.equal(res(await fargate({ deploymentAlarmNames: [] }), SERVICE, "app-service").inputs.alarms, undefined);
});

test("autoscaling tracks the CPU target between min and max on this service", async () => {
    const p = await fargate();
    const target = res(p, "aws:appautoscaling/target:Target", "app-scaling").inputs;
    assert.deepEqual(
        [target.serviceNamespace, target.scalableDimension, target.resourceId, target.minCapacity, target.maxCapacity],
        ["ecs", "ecs:service:DesiredCount", "service/shop-staging/shop-staging", 1, 4],
    );
    const policy = res(p, "aws:appautoscaling/policy:Policy", "app-cpu").inputs;
    assert.equal(policy.policyType, "TargetTrackingScaling");
    assert.equal(policy.resourceId, "service/shop-staging/shop-staging");
    assert.deepEqual(policy.targetTrackingScalingPolicyConfiguration, {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: 60,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
    });
});

test("a FargateApp registers its cluster, service and log group names", async () => {
    const p = await fargate();
    assert.deepEqual(registeredOutputs(p, res(p, FARGATE, "app")), { clusterName: "shop-staging", serviceName: "shop-staging", logGroup: "/slipway/shop/staging/app" });
});

// --- WebLoadBalancer ---------------------------------------------------------------------------------------

const WEB = "slipway:environment:WebLoadBalancer";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const CERT = `arn:aws:acm:${REGION}:${MOCK_ACCOUNT}:certificate/0123abcd-0000-4000-8000-000000000000`;
const web = (over: Partial<WebLoadBalancerArgs> = {}, name = "web") =>
    build(() => {
        const w = new WebLoadBalancer(name, { vpcId: VPC, vpcCidr: CIDR, subnetIds: SUBNETS, targetPort: 8080, healthPath: "/health", ...over });
        return { dnsName: w.loadBalancer.dnsName, lbArn: w.loadBalancer.arn, tgArn: w.targetGroup.arn, sgId: w.securityGroup.id, listenerUrn: w.listener.urn };
    });

test("a WebLoadBalancer owns its group, ALB, target group and listeners, all named after it, with or without HTTPS", async () => {
    for (const args of [{}, { certificateArn: CERT }]) {
        const [a, b] = [await web(args, "web"), await web(args, "admin")];
        assertOwnsItsChildren(a, WEB, "web");
        assertDisjoint(a, b);
    }
});

test("without a certificate: the group admits port 80 only, reaches only the tasks' port in the VPC, and port 80 forwards", async () => {
    const p = await web();
    const sg = res(p, SECURITY_GROUP, "web-alb").inputs;
    assert.deepEqual(sg.ingress, [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP" }]);
    assert.deepEqual(sg.egress, [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [CIDR], description: "To the app tasks only" }]);
    const [listener] = ofType(p, LISTENER);
    assert.equal(ofType(p, LISTENER).length, 1);
    assert.deepEqual([listener.name, listener.inputs.port, listener.inputs.protocol, listener.inputs.loadBalancerArn], ["web-http", 80, "HTTP", p.outputs.lbArn]);
    assert.deepEqual(listener.inputs.defaultActions, [{ type: "forward", targetGroupArn: p.outputs.tgArn }]);
    assert.equal(p.outputs.listenerUrn, listener.urn);
});

test("with a certificate: 80 and 443 open, HTTPS on slipway's TLS policy forwards, and port 80 redirects with a 301", async () => {
    const p = await web({ certificateArn: CERT });
    assert.deepEqual(
        (res(p, SECURITY_GROUP, "web-alb").inputs.ingress as { fromPort: number; cidrBlocks: string[] }[]).map((r) => [r.fromPort, r.cidrBlocks]),
        [[80, ["0.0.0.0/0"]], [443, ["0.0.0.0/0"]]],
    );
    const https = res(p, LISTENER, "web-https");
    assert.deepEqual([https.inputs.port, https.inputs.protocol, https.inputs.sslPolicy, https.inputs.certificateArn], [443, "HTTPS", TLS_POLICY, CERT]);
    assert.equal(TLS_POLICY, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.deepEqual(https.inputs.defaultActions, [{ type: "forward", targetGroupArn: p.outputs.tgArn }]);
    assert.equal(p.outputs.listenerUrn, https.urn);
    const http = res(p, LISTENER, "web-http");
    assert.deepEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
    assert.deepEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
});

test("the ALB is public, drops invalid headers, and has deletion protection off by default and on when asked", async () => {
    const p = await web();
    const alb = res(p, ALB, "web-alb").inputs;
    assert.deepEqual(
        [alb.loadBalancerType, alb.internal, alb.subnets, alb.securityGroups, alb.dropInvalidHeaderFields, alb.enableDeletionProtection],
        ["application", false, SUBNETS, [p.outputs.sgId], true, false],
    );
    assert.equal(res(await web({ deletionProtection: true }), ALB, "web-alb").inputs.enableDeletionProtection, true);
});

test("the target group takes task IPs on the target port, checks the health path with HEALTH.target and drains in HEALTH.target's delay", async () => {
    const tg = res(await web(), TARGET_GROUP, "web-app").inputs;
    assert.deepEqual([tg.vpcId, tg.port, tg.protocol, tg.targetType, tg.deregistrationDelay], [VPC, 8080, "HTTP", "ip", HEALTH.target.deregistrationDelaySeconds]);
    assert.deepEqual(tg.healthCheck, {
        path: "/health",
        matcher: "200-299",
        interval: HEALTH.target.intervalSeconds,
        healthyThreshold: HEALTH.target.healthyThreshold,
        unhealthyThreshold: HEALTH.target.unhealthyThreshold,
        timeout: HEALTH.target.timeoutSeconds,
    });
});

test("a WebLoadBalancer registers its DNS name", async () => {
    const p = await web();
    assert.match(String(p.outputs.dnsName), new RegExp(`\\.${REGION}\\.elb\\.amazonaws\\.com$`));
    assert.deepEqual(registeredOutputs(p, res(p, WEB, "web")), { dnsName: p.outputs.dnsName });
});

// --- HttpApiIngress ----------------------------------------------------------------------------------------

const API_INGRESS = "slipway:environment:HttpApiIngress";
const STAGE = "aws:apigatewayv2/stage:Stage";
const apiArgs = (over: Partial<HttpApiIngressArgs> = {}): HttpApiIngressArgs => ({
    name: "shop-staging",
    vpcId: VPC,
    vpcCidr: CIDR,
    subnetIds: SUBNETS,
    targetPort: 8080,
    logRetentionDays: 7,
    logGroupName: `${logGroupPrefix("shop", "staging")}api-access`,
    ...over,
});
const api = (over: Partial<HttpApiIngressArgs> = {}, name = "web") =>
    build(() => {
        const a = new HttpApiIngress(name, apiArgs(over));
        return { url: a.url, apiId: a.api.id, endpoint: a.api.apiEndpoint, sgId: a.securityGroup.id, serviceArn: a.discoveryService.arn, logArn: a.logGroup.arn, hasDomain: a.domain !== undefined };
    });

test("an HttpApiIngress owns its group, namespace, service, link, API, route, stage and logs, all named after it, with or without a domain", async () => {
    for (const args of [{}, { certificateArn: CERT, domainName: "staging.shop.example.com" }]) {
        const [a, b] = [await api(args, "web"), await api(args, "admin")];
        assertOwnsItsChildren(a, API_INGRESS, "web");
        assertDisjoint(a, b);
    }
});

test("the VPC link's group admits nothing and reaches only the tasks' port inside the VPC; the link sits in the subnets with it", async () => {
    const p = await api();
    const sg = res(p, SECURITY_GROUP, "web-vpc-link").inputs;
    assert.deepEqual(sg.ingress, []);
    assert.deepEqual(sg.egress, [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: [CIDR], description: "To the app tasks only" }]);
    const link = res(p, "aws:apigatewayv2/vpcLink:VpcLink", "web-link").inputs;
    assert.deepEqual([link.name, link.subnetIds, link.securityGroupIds], ["shop-staging", SUBNETS, [p.outputs.sgId]]);
});

test("tasks register in a private Cloud Map namespace as SRV records, reported healthy by ECS, deletable with tasks still in it", async () => {
    const p = await api();
    const ns = res(p, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "web-namespace").inputs;
    assert.deepEqual([ns.name, ns.vpc], ["shop-staging.slipway.internal", VPC]);
    const svc = res(p, "aws:servicediscovery/service:Service", "web-app").inputs;
    assert.deepEqual((svc.dnsConfig as { dnsRecords: unknown; routingPolicy: string }).dnsRecords, [{ type: "SRV", ttl: 10 }]);
    assert.equal((svc.dnsConfig as { routingPolicy: string }).routingPolicy, "MULTIVALUE");
    assert.deepEqual(svc.healthCheckCustomConfig, { failureThreshold: HEALTH.cloudMapFailureThreshold });
    assert.equal(svc.forceDestroy, true);
});

test("the API's default route proxies everything through the VPC link to the Cloud Map service", async () => {
    const p = await api();
    const integration = res(p, "aws:apigatewayv2/integration:Integration", "web-tasks").inputs;
    assert.deepEqual(
        [integration.apiId, integration.integrationType, integration.integrationMethod, integration.connectionType, integration.integrationUri],
        [p.outputs.apiId, "HTTP_PROXY", "ANY", "VPC_LINK", p.outputs.serviceArn],
    );
    const route = res(p, "aws:apigatewayv2/route:Route", "web-default").inputs;
    assert.equal(route.routeKey, "$default");
    assert.match(String(route.target), /^integrations\//);
    assert.equal(res(p, "aws:apigatewayv2/api:Api", "web-api").inputs.protocolType, "HTTP");
});

test("the $default stage auto-deploys, throttles at 50/s with bursts of 100 by default, and logs to the access-log group", async () => {
    const p = await api();
    const stage = res(p, STAGE, "web-default");
    assert.deepEqual([stage.inputs.name, stage.inputs.autoDeploy], ["$default", true]);
    assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingRateLimit: 50, throttlingBurstLimit: 100 });
    const access = stage.inputs.accessLogSettings as { destinationArn: string; format: string };
    assert.equal(access.destinationArn, p.outputs.logArn);
    assert.deepEqual(Object.keys(JSON.parse(access.format)).sort(), ["error", "ip", "latency", "method", "path", "requestId", "status"]);
    assert.deepEqual(stage.dependsOn, [res(p, "aws:apigatewayv2/route:Route", "web-default").urn]);
    const logs = res(p, LOG_GROUP, "web-access-logs");
    assert.deepEqual([logs.inputs.name, logs.inputs.retentionInDays, logs.protect], ["/slipway/shop/staging/api-access", 7, false]);
    const limited = res(await api({ rateLimit: 5, burstLimit: 10 }), STAGE, "web-default").inputs;
    assert.deepEqual(limited.defaultRouteSettings, { throttlingRateLimit: 5, throttlingBurstLimit: 10 });
});

test("without a certificate there is no custom domain and the URL is the API's endpoint", async () => {
    const p = await api();
    assert.deepEqual(ofType(p, "aws:apigatewayv2/domainName:DomainName"), []);
    assert.equal(p.outputs.hasDomain, false);
    assert.equal(p.outputs.url, p.outputs.endpoint);
    assert.deepEqual(registeredOutputs(p, res(p, API_INGRESS, "web")), { url: p.outputs.url, apiId: p.outputs.apiId });
});

test("with a certificate and name: a regional TLS 1.2 custom domain mapped to the stage, and an https URL on the name", async () => {
    const p = await api({ certificateArn: CERT, domainName: "staging.shop.example.com" });
    const domain = res(p, "aws:apigatewayv2/domainName:DomainName", "web-domain").inputs;
    assert.equal(domain.domainName, "staging.shop.example.com");
    assert.deepEqual(domain.domainNameConfiguration, { certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" });
    const mapping = res(p, "aws:apigatewayv2/apiMapping:ApiMapping", "web-mapping").inputs;
    assert.equal(mapping.apiId, p.outputs.apiId);
    assert.equal(p.outputs.url, "https://staging.shop.example.com");
    assert.deepEqual(registeredOutputs(p, res(p, API_INGRESS, "web")), { url: "https://staging.shop.example.com", apiId: p.outputs.apiId });
});

// --- ReleaseTask -------------------------------------------------------------------------------------------

const RELEASE = "slipway:environment:ReleaseTask";
const releaseArgs = (over: Partial<ReleaseTaskArgs> = {}): ReleaseTaskArgs => ({
    family: processFamily("shop", "staging", RELEASE_PROCESS),
    command: "bin/migrate --yes",
    image: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`,
    cpu: 512,
    memory: 1024,
    executionRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/slipway/shop/staging/app-execution`,
    taskRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/slipway/shop/staging/app-task`,
    environment: { LOG_LEVEL: "info" },
    secrets: { arn: SECRET_ARN, names: ["DATABASE_URL"], versionId: "v-1" },
    logGroupName: appLogGroupName("shop", "staging"),
    region: REGION,
    ...over,
});
const release = (over: Partial<ReleaseTaskArgs> = {}, name = "release") =>
    build(() => {
        const r = new ReleaseTask(name, releaseArgs(over));
        return { family: r.taskDefinition.family };
    });

test("a ReleaseTask owns its one task definition, named after it", async () => {
    const [a, b] = [await release({}, "release"), await release({}, "other")];
    assertOwnsItsChildren(a, RELEASE, "release");
    assertDisjoint(a, b);
});

test("the release task is the contract's family on Fargate with the web task's roles and size", async () => {
    const td = res(await release(), TASK_DEFINITION, "release-task").inputs;
    assert.deepEqual(
        [td.family, td.requiresCompatibilities, td.networkMode, td.cpu, td.memory, td.executionRoleArn, td.taskRoleArn],
        ["shop-staging_release", ["FARGATE"], "awsvpc", "512", "1024", releaseArgs().executionRoleArn, releaseArgs().taskRoleArn],
    );
});

test("the release container runs the command through sh, listens on no port, logs under release/ and takes secrets by reference", async () => {
    const [c] = containers(res(await release(), TASK_DEFINITION, "release-task"));
    assert.deepEqual(c.command, ["sh", "-c", "bin/migrate --yes"]);
    assert.deepEqual(c.portMappings, []);
    assert.equal(c.healthCheck, undefined);
    assert.deepEqual(c.logConfiguration.options, { "awslogs-group": "/slipway/shop/staging/app", "awslogs-region": REGION, "awslogs-stream-prefix": "release" });
    assert.deepEqual(c.secrets, [{ name: "DATABASE_URL", valueFrom: `${SECRET_ARN}:DATABASE_URL::` }]);
    assert.deepEqual(c.environment, [{ name: "LOG_LEVEL", value: "info" }]);
    assert.deepEqual(c.dockerLabels, { "slipway.secrets-version": "v-1" });
});

test("a ReleaseTask registers its family", async () => {
    const p = await release();
    assert.deepEqual(registeredOutputs(p, res(p, RELEASE, "release")), { family: "shop-staging_release" });
});

// --- ServiceDashboard --------------------------------------------------------------------------------------

const DASHBOARD_COMPONENT = "slipway:environment:ServiceDashboard";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const dashboard = (traffic: ServiceDashboardArgs["traffic"], name = "dashboard") =>
    build(() => {
        const d = new ServiceDashboard(name, { name: "shop-staging", region: REGION, clusterName: "shop-staging", serviceName: "shop-staging", traffic });
        return { dashboardName: d.dashboard.dashboardName };
    });
const metricsOf = (p: Awaited<ReturnType<typeof dashboard>>) =>
    (json<{ widgets: { properties: { metrics: unknown[][]; region: string } }[] }>(res(p, DASHBOARD, "dashboard-dashboard"), "dashboardBody").widgets).map((w) => ({
        region: w.properties.region,
        metrics: w.properties.metrics.map((m) => m.slice(0, 2).join("/")),
    }));

test("a ServiceDashboard owns its dashboard, named after it", async () => {
    const traffic = { kind: "api" as const, apiId: "a1b2c3d4e5" };
    const [a, b] = [await dashboard(traffic, "dashboard"), await dashboard(traffic, "other")];
    assertOwnsItsChildren(a, DASHBOARD_COMPONENT, "dashboard");
    assertDisjoint(a, b);
    assert.equal(res(a, DASHBOARD, "dashboard-dashboard").inputs.dashboardName, "shop-staging");
    assert.deepEqual(registeredOutputs(a, res(a, DASHBOARD_COMPONENT, "dashboard")), { dashboardName: "shop-staging" });
});

test("the dashboard graphs the ALB's or the API's traffic and the service's CPU and memory, in the given region", async () => {
    const alb = metricsOf(await dashboard({ kind: "alb", loadBalancerArnSuffix: "app/web/1", targetGroupArnSuffix: "targetgroup/web/2" }));
    assert.deepEqual(alb.map((w) => w.metrics), [
        ["AWS/ApplicationELB/RequestCount"],
        ["AWS/ApplicationELB/HTTPCode_Target_5XX_Count", "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count"],
        ["AWS/ApplicationELB/TargetResponseTime"],
        ["AWS/ApplicationELB/HealthyHostCount"],
        ["AWS/ECS/CPUUtilization"],
        ["AWS/ECS/MemoryUtilization"],
    ]);
    for (const w of alb) assert.equal(w.region, REGION);
    const apiWidgets = metricsOf(await dashboard({ kind: "api", apiId: "a1b2c3d4e5" }));
    assert.deepEqual(apiWidgets.map((w) => w.metrics).slice(0, 4), [["AWS/ApiGateway/Count"], ["AWS/ApiGateway/5xx"], ["AWS/ApiGateway/IntegrationLatency"], ["AWS/ApiGateway/4xx"]]);
});
