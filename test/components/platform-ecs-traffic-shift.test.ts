// ECS's blue/green, canary and linear deployments, component by component: WebLoadBalancer with
// trafficShifting (the alternate target group and the production listener rule, whose weights ECS owns),
// FargateApp with a trafficShift (deploymentConfiguration, the load balancer's advancedConfiguration and the
// ignored pair), and LoadBalancerInfrastructureRole (the role ECS assumes, under the stack's path and
// boundary, trusted by ECS alone, given only the delivery stack's runtime policy).
import * as assert from "node:assert/strict";
import { environmentRolePath, ecsInfrastructureRoleName } from "../../infra/contract";
import { PRODUCTION_RULE_PRIORITY, WebLoadBalancer, WebLoadBalancerArgs } from "../../infra/platforms/ecs/load-balancer";
import { deploymentConfiguration, FargateApp, TrafficShift } from "../../infra/platforms/ecs/service";
import { LoadBalancerInfrastructureRole, loadBalancerInfrastructureStatements } from "../../infra/platforms/ecs/traffic-shift";
import { policyDocument } from "../../infra/shared/iam";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, fargateArgs, MOCK_ACCOUNT, ofType, REGION, res, statements, SUBNETS, TARGET_GROUP_ARN, VPC } from "./harness";

const test = componentTests(__filename);

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const SERVICE = "aws:ecs/service:Service";
const CERT = `arn:aws:acm:${REGION}:${MOCK_ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789`;

const web = (over: Partial<WebLoadBalancerArgs> = {}, name = "web") =>
    build(() => {
        const w = new WebLoadBalancer(name, { vpcId: VPC, vpcCidr: "10.20.0.0/16", subnetIds: SUBNETS, targetPort: 8080, healthPath: "/health", ...over });
        return { primary: w.targetGroup.arn, alternate: w.alternateTargetGroup?.arn, listener: w.listener.arn, rule: w.productionRule?.arn };
    });

test("without trafficShifting a WebLoadBalancer has one target group and no listener rule (rolling stacks' plans are unchanged)", async () => {
    const p = await web({ certificateArn: CERT });
    assert.deepEqual(ofType(p, TARGET_GROUP).map((r) => r.name), ["web-app"]);
    assert.deepEqual(ofType(p, RULE), []);
});

test("with trafficShifting: an alternate group checked and drained like the primary, and a forward-only production rule on the HTTPS listener naming both at 100/0", async () => {
    const p = await web({ certificateArn: CERT, trafficShifting: true });
    assertOwnsItsChildren(p, "slipway:environment:WebLoadBalancer", "web");
    const [primary, alternate] = [res(p, TARGET_GROUP, "web-app"), res(p, TARGET_GROUP, "web-app-alt")];
    assert.deepEqual(alternate.inputs, primary.inputs, "same port, protocol, target type, health check and draining");
    assert.equal(alternate.inputs.targetType, "ip");
    const rule = res(p, RULE, "web-production");
    assert.equal(rule.inputs.listenerArn, p.outputs.listener);
    assert.match(String(p.outputs.listener), /:listener\/app\//);
    assert.equal(rule.inputs.priority, PRODUCTION_RULE_PRIORITY);
    assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/*"] } }]);
    assert.deepEqual(rule.inputs.actions, [{ type: "forward", forward: { targetGroups: [{ arn: p.outputs.primary, weight: 100 }, { arn: p.outputs.alternate, weight: 0 }] } }]);
    // ECS moves the weights on every deployment: Pulumi must not put them back.
    assert.deepEqual(rule.ignoreChanges, ["actions"]);
    // The HTTPS listener is the production one; port 80 only redirects (a rule there would mix action types).
    const https = ofType(p, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443);
    assert.ok(https && String(p.outputs.listener).length > 0);
    assert.match(String(p.outputs.rule), /:listener-rule\/app\/.+\/.+\/.+\/.+$/);
});

test("without a certificate the rule sits on the HTTP listener, and two balancers' children do not collide", async () => {
    const [a, b] = [await web({ trafficShifting: true }, "web"), await web({ trafficShifting: true }, "admin")];
    assert.equal(res(a, RULE, "web-production").inputs.listenerArn, a.outputs.listener);
    assertDisjoint(a, b);
});

const SHIFT: TrafficShift = {
    strategy: "CANARY",
    bakeMinutes: 5,
    step: { percent: 10, minutes: 2 },
    alternateTargetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:targetgroup/web-app-alt/fedcba9876543210`,
    productionListenerRuleArn: `arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:listener-rule/app/web/1/2/3`,
    infrastructureRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/slipway/shop/production/shop-production-ecs-lb`,
};

const fargate = (trafficShift?: TrafficShift, balanced = true) =>
    build((ctx) => {
        new FargateApp(
            "app",
            fargateArgs(ctx, {
                targetGroupArn: balanced ? TARGET_GROUP_ARN : undefined,
                serviceRegistryArn: balanced ? undefined : `arn:aws:servicediscovery:${REGION}:${MOCK_ACCOUNT}:service/srv-1`,
                deploymentAlarmNames: ["slipway/shop/production/error-rate"],
                trafficShift,
            }),
        );
    });

test("a rolling FargateApp declares no deploymentConfiguration and ignores only desiredCount, as before", async () => {
    const s = res(await fargate(), SERVICE, "app-service");
    assert.equal(s.inputs.deploymentConfiguration, undefined);
    assert.deepEqual(s.ignoreChanges, ["desiredCount"]);
    assert.equal((s.inputs.loadBalancers as Record<string, unknown>[])[0].advancedConfiguration, undefined);
});

test("a canary FargateApp: ECS's CANARY strategy with its bake times, the alternate group, rule and role, deployment alarms with rollback", async () => {
    const s = res(await fargate(SHIFT), SERVICE, "app-service");
    assert.deepEqual(s.inputs.deploymentConfiguration, { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "2" } });
    assert.deepEqual(s.inputs.loadBalancers, [
        {
            targetGroupArn: TARGET_GROUP_ARN,
            containerName: "app",
            containerPort: 8080,
            advancedConfiguration: { alternateTargetGroupArn: SHIFT.alternateTargetGroupArn, productionListenerRule: SHIFT.productionListenerRuleArn, roleArn: SHIFT.infrastructureRoleArn },
        },
    ]);
    // The deployment controller stays ECS's (the default): deployment alarms work only with it.
    assert.equal(s.inputs.deploymentController, undefined);
    assert.deepEqual(s.inputs.alarms, { alarmNames: ["slipway/shop/production/error-rate"], enable: true, rollback: true });
    // ECS swaps the pair each deployment; a newly added advancedConfiguration still applies.
    assert.deepEqual(s.ignoreChanges, ["desiredCount", "loadBalancers[0].targetGroupArn", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn"]);
});

test("blue-green and linear map to ECS's BLUE_GREEN and LINEAR configurations", () => {
    assert.deepEqual(deploymentConfiguration({ ...SHIFT, strategy: "BLUE_GREEN", bakeMinutes: 10, step: undefined }), { strategy: "BLUE_GREEN", bakeTimeInMinutes: "10" });
    assert.deepEqual(deploymentConfiguration({ ...SHIFT, strategy: "LINEAR", bakeMinutes: 3, step: { percent: 25, minutes: 1 } }), {
        strategy: "LINEAR",
        bakeTimeInMinutes: "3",
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: "1" },
    });
});

test("without a load balancer a traffic shift is not applied (the config refuses it before: strategy-settings)", async () => {
    const s = res(await fargate(SHIFT, false), SERVICE, "app-service");
    assert.equal(s.inputs.deploymentConfiguration, undefined);
    assert.deepEqual(s.inputs.loadBalancers, []);
});

const POLICY = `arn:aws:iam::${MOCK_ACCOUNT}:policy/slipway/shop/shop-production-ecs-lb-infrastructure`;
const BOUNDARY = `arn:aws:iam::${MOCK_ACCOUNT}:policy/slipway/shop/shop-production-boundary`;

test("the infrastructure role: the contract's name under the stack's path and boundary, trusted by ECS as AWS documents, given only the runtime policy", async () => {
    const p = await build(() => {
        const r = new LoadBalancerInfrastructureRole("ecs-lb", { roleName: ecsInfrastructureRoleName("shop", "production"), path: environmentRolePath("shop", "production"), permissionsBoundary: BOUNDARY, policyArn: POLICY });
        return { name: r.role.name };
    });
    assertOwnsItsChildren(p, "slipway:environment:LoadBalancerInfrastructureRole", "ecs-lb");
    const role = res(p, "aws:iam/role:Role", "ecs-lb-role");
    assert.deepEqual([role.inputs.name, role.inputs.path, role.inputs.permissionsBoundary, role.inputs.maxSessionDuration], ["shop-production-ecs-lb", "/slipway/shop/production/", BOUNDARY, 3600]);
    assert.deepEqual(statements(role, "assumeRolePolicy"), [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    assert.deepEqual(ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.inputs.role, a.inputs.policyArn]), [["shop-production-ecs-lb", POLICY]]);
    assert.deepEqual(ofType(p, "aws:iam/rolePolicy:RolePolicy"), []);
});

test("the runtime policy grants the managed policy's ELB actions, every write only on resources tagged for the role's own stack", async () => {
    const p = await build((ctx) => ({ doc: policyDocument(loadBalancerInfrastructureStatements(ctx)) }));
    const s = (JSON.parse(String(p.outputs.doc)) as { Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }[] }).Statement;
    assert.deepEqual(s.map((x) => x.Sid), ["ReadLoadBalancing", "OwnTargetGroups", "OwnListeners", "OwnListenerRules"]);
    assert.deepEqual(s[0].Condition, { StringEquals: { "aws:RequestedRegion": REGION } });
    for (const x of s.slice(1)) assert.deepEqual(x.Condition, { StringEquals: { "aws:ResourceTag/slipway:stack": "${aws:PrincipalTag/slipway:stack}" } }, x.Sid);
    assert.deepEqual(s.slice(1).map((x) => x.Resource), [
        [`arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:targetgroup/*/*`],
        [`arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:listener/app/*/*/*`],
        [`arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:listener-rule/app/*/*/*/*`],
    ]);
    assert.deepEqual(s.flatMap((x) => x.Action).sort(), [
        "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:RegisterTargets",
    ]);
});
