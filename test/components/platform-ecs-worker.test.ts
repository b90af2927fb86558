// The ECS worker component (infra/platforms/ecs/worker.ts) built from its Args: a service without ingress
// in the given cluster, with the circuit breaker (and deployment alarms only when given), the contract's
// family running the command through sh with the app's secrets by reference, a task role with the
// stack's path and boundary, its own log group (protected when asked), and CPU target tracking.
import * as assert from "node:assert/strict";
import { environmentRolePath, workerFamily, workerLogGroupName, workerServiceName } from "../../infra/contract";
import { WorkerService, WorkerServiceArgs } from "../../infra/platforms/ecs/worker";
import { AwsContext } from "../../infra/shared/aws-context";
import { HEALTH } from "../../infra/shared/health";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, json, MOCK_ACCOUNT, ofType, REGION, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

const COMPONENT = "slipway:environment:WorkerService";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT}:secret:slipway/shop/staging/app-AbCdEf`;
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${MOCK_ACCOUNT}:cluster/shop-staging`;
const BOUNDARY = `arn:aws:iam::${MOCK_ACCOUNT}:policy/slipway/shop/shop-staging-boundary`;
interface Container {
    name: string;
    command?: string[];
    portMappings: unknown[];
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
    logConfiguration: { options: Record<string, string> };
    healthCheck?: { command: string[]; interval: number };
}

const args = (ctx: AwsContext, over: Partial<WorkerServiceArgs> = {}): WorkerServiceArgs => ({
    serviceName: workerServiceName("shop", "staging", "mailer"),
    family: workerFamily("shop", "staging", "mailer"),
    clusterArn: CLUSTER_ARN,
    clusterName: "shop-staging",
    command: "celery -A shop worker",
    image: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`,
    cpu: 256,
    memory: 1024,
    executionRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/slipway/shop/staging/app-execution`,
    permissionsBoundary: BOUNDARY,
    rolePath: environmentRolePath("shop", "staging"),
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
    environment: { LOG_LEVEL: "info" },
    secrets: { arn: SECRET_ARN, names: ["DATABASE_URL"], versionId: "v-1" },
    desiredCount: 1,
    minCount: 1,
    maxCount: 3,
    cpuTargetPercent: 70,
    logGroupName: workerLogGroupName("shop", "staging", "mailer"),
    logRetentionDays: 14,
    ctx,
    ...over,
});
const worker = (over: Partial<WorkerServiceArgs> = {}, name = "worker-mailer") =>
    build((ctx) => {
        const w = new WorkerService(name, args(ctx, over));
        return { serviceName: w.service.name };
    });

test("a WorkerService owns its children, named after it", async () => {
    const [a, b] = [await worker(), await worker({}, "worker-other")];
    assertOwnsItsChildren(a, COMPONENT, "worker-mailer");
    assertDisjoint(a, b);
    assert.deepEqual(registeredOutputs(a, res(a, COMPONENT, "worker-mailer")), { serviceName: "shop-staging-mailer", family: "shop-staging_mailer", logGroup: "/slipway/shop/staging/worker/mailer" });
});

test("the worker's service has no ingress, the circuit breaker, and deployment alarms only when given", async () => {
    const p = await worker();
    const s = res(p, "aws:ecs/service:Service", "worker-mailer-service").inputs;
    assert.equal(s.name, "shop-staging-mailer");
    assert.equal(s.cluster, CLUSTER_ARN);
    assert.equal(s.loadBalancers, undefined);
    assert.equal(s.serviceRegistries, undefined);
    assert.equal(s.healthCheckGracePeriodSeconds, undefined);
    assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
    assert.equal(s.alarms, undefined);
    assert.deepEqual(s.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
    assert.deepEqual(res(p, "aws:ec2/securityGroup:SecurityGroup", "worker-mailer-tasks").inputs.ingress, []);
    const alarmed = res(await worker({ deploymentAlarmNames: ["slipway/shop/staging/error-rate"], spot: true }), "aws:ecs/service:Service", "worker-mailer-service").inputs;
    assert.deepEqual(alarmed.alarms, { alarmNames: ["slipway/shop/staging/error-rate"], enable: true, rollback: true });
    assert.deepEqual(alarmed.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
});

test("the worker's family runs the command through sh, with the app's secrets by reference and its own log group", async () => {
    const p = await worker();
    const td = res(p, "aws:ecs/taskDefinition:TaskDefinition", "worker-mailer-task");
    assert.deepEqual([td.inputs.family, td.inputs.cpu, td.inputs.memory, td.inputs.executionRoleArn], ["shop-staging_mailer", "256", "1024", args({} as AwsContext).executionRoleArn]);
    const [c] = json<Container[]>(td as never, "containerDefinitions");
    assert.equal(c.name, "app");
    assert.deepEqual(c.command, ["sh", "-c", "celery -A shop worker"]);
    assert.deepEqual(c.portMappings, []);
    assert.equal(c.healthCheck, undefined);
    assert.deepEqual(c.secrets, [{ name: "DATABASE_URL", valueFrom: `${SECRET_ARN}:DATABASE_URL::` }]);
    assert.deepEqual(c.dockerLabels, { "slipway.secrets-version": "v-1" });
    assert.equal(c.logConfiguration.options["awslogs-group"], "/slipway/shop/staging/worker/mailer");
    const checked = json<Container[]>(res(await worker({ healthCheckCommand: "celery inspect ping" }), "aws:ecs/taskDefinition:TaskDefinition", "worker-mailer-task") as never, "containerDefinitions")[0];
    assert.deepEqual(checked.healthCheck?.command, ["CMD-SHELL", "celery inspect ping"]);
    assert.equal(checked.healthCheck?.interval, HEALTH.container.intervalSeconds);
});

test("the worker's task role carries the stack's path and boundary; its log group is protected when asked", async () => {
    const p = await worker({ protect: true });
    const role = res(p, "aws:iam/role:Role", "worker-mailer-task").inputs;
    assert.deepEqual([role.path, role.permissionsBoundary], ["/slipway/shop/staging/", BOUNDARY]);
    assert.match(String(role.assumeRolePolicy), /ecs-tasks\.amazonaws\.com/);
    const logs = res(p, "aws:cloudwatch/logGroup:LogGroup", "worker-mailer-logs");
    assert.deepEqual([logs.inputs.name, logs.inputs.retentionInDays, logs.protect], ["/slipway/shop/staging/worker/mailer", 14, true]);
    assert.equal(res(await worker(), "aws:cloudwatch/logGroup:LogGroup", "worker-mailer-logs").protect, false);
});

test("the worker scales on CPU between its counts", async () => {
    const p = await worker();
    const t = res(p, "aws:appautoscaling/target:Target", "worker-mailer-scaling").inputs;
    assert.deepEqual([t.minCapacity, t.maxCapacity, t.resourceId, t.scalableDimension], [1, 3, "service/shop-staging/shop-staging-mailer", "ecs:service:DesiredCount"]);
    const policy = res(p, "aws:appautoscaling/policy:Policy", "worker-mailer-cpu").inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number };
    assert.equal(policy.targetValue, 70);
});

test("the worker's task role gets the managed policies it is given (the package index's read policy), and none by default", async () => {
    const policy = "arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-packages-read";
    const attachments = (p: Awaited<ReturnType<typeof worker>>) => ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
    assert.deepEqual(attachments(await worker()), []);
    assert.deepEqual(attachments(await worker({ taskPolicyArns: [policy] })), [policy]);
});
