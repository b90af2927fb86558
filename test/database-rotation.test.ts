// slipway:database.rotationDays (checked before any resource), and the database password's rotation and the services' restart after it (infra/platforms/ecs/rotation-restart.ts),
// simulated with the policies the roles really get: the delivery stack's db-rotation-restart and
// db-rotation-trigger runtime policies and the stack's boundary. What happens after RDS rotates: EventBridge
// assumes the trigger role and calls states:StartExecution on the stack's state machine; Step Functions
// assumes the restart role and calls ecs:UpdateService (ForceNewDeployment) on each service its definition
// names, in the stack's cluster. Another stack's roles are denied each of those, and the deploy role of one
// stack cannot change another's rotation schedule, rule or state machine.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../tools/plan/mock-engine";
import { physicalName, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { attackRequests, ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { rotationEventPattern, restartDefinition } from "../infra/platforms/ecs/rotation-restart";
import { databaseSettings } from "../infra/config/database";
import * as fs from "fs";
import * as path from "path";
import { all, one, planStack, ROOT } from "./helpers";
import { decisions, plan, view } from "./iam-helpers";
import { rawConfig, rejects } from "./config-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const DELIVERY = "database-delivery";

async function role(stack: string, name: string, edit?: (d: Plan) => Plan): Promise<Principal> {
    const env = await plan(stack);
    const d = await plan(DELIVERY);
    return principalOf(env, name, [env, edit ? edit(d) : d], {}, { [STACK_TAG]: `shop/${stack}` });
}

interface Definition {
    StartAt: string;
    States: Record<string, { Type: string; Resource: string; Parameters: { Cluster: string; Service: string; ForceNewDeployment: boolean }; Next?: string; End?: boolean }>;
}
const definitionOf = (p: Plan) => JSON.parse(String(one(p, "aws:sfn/stateMachine:StateMachine").inputs.definition)) as Definition;

/** The calls Step Functions makes with the restart role: UpdateService of each service the definition names. */
function restartRequests(v: StackView): Request[] {
    const def = definitionOf(v.plan);
    return Object.values(def.States).map((s) => ({
        action: "ecs:UpdateService",
        resource: `arn:aws:ecs:${R}:${A}:service/${s.Parameters.Cluster}/${s.Parameters.Service}`,
        context: { "aws:RequestedRegion": R, ...tagContext(v.tag, true, false), "ecs:cluster": `arn:aws:ecs:${R}:${A}:cluster/${s.Parameters.Cluster}` },
        why: `${v.plan.stack}'s restart of ${s.Parameters.Service}`,
    }));
}
/** The call EventBridge makes with the trigger role: StartExecution of the stack's state machine. */
function triggerRequests(v: StackView): Request[] {
    const machine = one(v.plan, "aws:sfn/stateMachine:StateMachine");
    return [{ action: "states:StartExecution", resource: ownArns(machine, v)[0].arn, context: { "aws:RequestedRegion": R, ...tagContext(v.tag, true, false) }, why: `RotationSucceeded in ${v.plan.stack}` }];
}

for (const stack of ["database-staging", "database-production"]) {
    test(`${stack}'s restart restarts every service of the stack, after the writer exists, on RDS's rotation of its own secret`, async () => {
        const p = await plan(stack);
        const def = definitionOf(p);
        const services = Object.values(def.States).map((s) => s.Parameters.Service);
        const expected = all(p, "aws:ecs/service:Service").map(physicalName).sort();
        assert.deepEqual([...services].sort(), expected, "one task per service of the stack (web and workers)");
        assert.equal(def.States[def.StartAt].Parameters.Service, String(one(p, "aws:ecs/service:Service", "app-service").inputs.name), "the web service first");
        for (const s of Object.values(def.States)) {
            assert.equal(s.Resource, "arn:aws:states:::aws-sdk:ecs:updateService");
            assert.equal(s.Parameters.ForceNewDeployment, true);
            assert.equal(s.Parameters.Cluster, String(one(p, "aws:ecs/cluster:Cluster").inputs.name));
        }
        // RDS's own secret, as the task definition's PGPASSWORD names it (`<arn>:password::`).
        const task = JSON.parse(String(one(p, "aws:ecs/taskDefinition:TaskDefinition", "app-task").inputs.containerDefinitions)) as { secrets: { name: string; valueFrom: string }[] }[];
        const secret = String(task[0].secrets.find((x) => x.name === "PGPASSWORD")?.valueFrom).replace(/:password::$/, "");
        assert.match(secret, /:secret:rds!cluster-/);
        const rule = one(p, "aws:cloudwatch/eventRule:EventRule");
        assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), rotationEventPattern(secret), "the rule matches RotationSucceeded of RDS's own secret only");
        const rotation = one(p, "aws:secretsmanager/secretRotation:SecretRotation");
        assert.equal(rotation.inputs.secretId, secret);
        assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: 7 });
        assert.equal(rotation.inputs.rotationLambdaArn, undefined, "RDS's managed rotation: no Lambda");
        assert.ok(rotation.dependsOn.some((u) => u.endsWith("::database-writer")), "after the writer (else AWS resets the schedule)");
        const target = one(p, "aws:cloudwatch/eventTarget:EventTarget");
        assert.equal(target.inputs.rule, rule.inputs.name);
    });

    test(`${stack}'s restart and trigger roles can do exactly their job, under the stack's boundary`, async () => {
        const v = view(await plan(stack));
        const restart = await role(stack, "db-rotation-restart-role");
        const trigger = await role(stack, "db-rotation-trigger-role");
        for (const r of [restart, trigger]) assert.ok(r.boundary, `${r.name} carries its stack's boundary`);
        assert.deepEqual(restart.policies.map((p) => p.name), [`runtime-policies-${stack}-db-rotation-restart`]);
        assert.deepEqual(trigger.policies.map((p) => p.name), [`runtime-policies-${stack}-db-rotation-trigger`]);
        assert.equal(restartRequests(v).length, all(v.plan, "aws:ecs/service:Service").length, "every service of the stack");
        if (stack === "database-staging") assert.equal(restartRequests(v).length, 2, "the web service and the mailer worker");
        assert.deepEqual(await decisions(restart, restartRequests(v), "Allowed"), []);
        assert.deepEqual(await decisions(trigger, triggerRequests(v), "Allowed"), []);
        // Exactly what AWS documents each role needs (policy/data/service-role-needs.json), no more.
        const needs = (JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "data", "service-role-needs.json"), "utf8")) as { needs: Record<string, { actions: string[] }> }).needs;
        assert.deepEqual([...new Set(restartRequests(v).map((r) => r.action))], needs["states:aws-sdk-ecs-update-service"].actions);
        assert.deepEqual([...new Set(triggerRequests(v).map((r) => r.action))], needs["events:step-functions-target-role"].actions);
        const granted = (p: Principal) => p.policies.flatMap((x) => (x.doc.Statement as { Action: string | string[] }[]).flatMap((st) => [st.Action].flat()));
        assert.deepEqual(granted(restart), needs["states:aws-sdk-ecs-update-service"].actions, "the restart role is granted nothing else");
        assert.deepEqual(granted(trigger), needs["events:step-functions-target-role"].actions, "the trigger role is granted nothing else");
        // Neither role can do the other's job.
        assert.deepEqual(await decisions(restart, triggerRequests(v), "denied"), []);
        assert.deepEqual(await decisions(trigger, restartRequests(v), "denied"), []);
    });
}

test("no stack's restart roles restart another stack's services or start its restart, even granted ecs:UpdateService and states:StartExecution on everything", async () => {
    for (const [attacker, victim] of [["database-staging", "database-production"], ["database-production", "database-staging"]]) {
        const v = view(await plan(victim));
        for (const name of ["db-rotation-restart-role", "db-rotation-trigger-role"]) {
            const r = await role(attacker, name);
            const requests = [...restartRequests(v), ...triggerRequests(v)];
            assert.deepEqual(await decisions(r, requests, "denied"), [], `${attacker} ${name} against ${victim}`);
            const wide: Principal = { ...r, name: `${r.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecs:UpdateService", "states:StartExecution"], Resource: "*" }] } }] };
            assert.deepEqual(await decisions(wide, requests, "denied"), [], `${attacker} ${name} (wide) against ${victim}`);
        }
    }
});

test("the boundary's allowance is what lets the restart run: without it UpdateService and StartExecution are denied", async () => {
    const v = view(await plan("database-staging"));
    const boundaryName = "runtime-policies-database-staging-boundary";
    const drop = (d: Plan): Plan => ({
        ...d,
        resources: d.resources.map((r: PlannedResource) => {
            if (r.type !== "aws:iam/policy:Policy" || r.name !== boundaryName) return r;
            const doc = JSON.parse(String(r.inputs.policy)) as { Statement: { Sid?: string }[] };
            const before = doc.Statement.length;
            doc.Statement = doc.Statement.filter((s) => s.Sid !== "RestartOnlyOwnServices" && s.Sid !== "StartOnlyOwnRotationRestart");
            assert.equal(before - doc.Statement.length, 2, "the boundary has both allowances");
            return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
        }),
    });
    const restart = await role("database-staging", "db-rotation-restart-role", drop);
    const trigger = await role("database-staging", "db-rotation-trigger-role", drop);
    const denied = [...(await decisions(restart, restartRequests(v), "Allowed")), ...(await decisions(trigger, triggerRequests(v), "Allowed"))];
    assert.ok(denied.some((x) => /ecs:UpdateService .* is ImplicitlyDenied/.test(x)), denied.join("\n"));
    assert.ok(denied.some((x) => /states:StartExecution .* is ImplicitlyDenied/.test(x)), denied.join("\n"));
});

test("staging's deploy role cannot change or cancel production's password rotation, nor its restart rule or state machine (and the reverse)", async () => {
    const d = await plan(DELIVERY);
    for (const [attacker, victim] of [["database-staging", "database-production"], ["database-production", "database-staging"]]) {
        const deployer = principalOf(d, `github-oidc-deploy-${attacker}`, [d], {}, { [STACK_TAG]: `shop/${DELIVERY}` });
        const requests = (await attackRequests(view(await plan(victim)), `shop/${attacker}`)).filter((r) => /^(secretsmanager:(RotateSecret|CancelRotateSecret)|states:|events:)/.test(r.action));
        for (const action of ["secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "states:UpdateStateMachine", "states:DeleteStateMachine", "events:PutTargets", "events:DeleteRule"]) {
            assert.ok(requests.some((r) => r.action === action), `an attack with ${action} is simulated`);
        }
        assert.deepEqual(await decisions(deployer, requests, "denied"), [], `${attacker}'s deploy role against ${victim}`);
    }
});

test("a rotation schedule grant on every RDS secret is caught: it would let staging's deploy role change production's", async () => {
    const d = await plan(DELIVERY);
    const name = "github-oidc-deploy-database-staging";
    const deployer = principalOf(d, name, [d], {}, { [STACK_TAG]: `shop/${DELIVERY}` });
    const widened: Principal = {
        ...deployer,
        name: `${deployer.name} (rotation on every rds! secret)`,
        policies: [...deployer.policies, { name: "wide", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret"], Resource: `arn:aws:secretsmanager:${R}:${A}:secret:rds!cluster-*` }] } }],
    };
    const requests = (await attackRequests(view(await plan("database-production")), "shop/database-staging")).filter((r) => r.action.startsWith("secretsmanager:") && r.action.includes("Rotate"));
    const allowed = await decisions(widened, requests, "denied");
    assert.ok(allowed.some((x) => /RotateSecret .* is Allowed/.test(x)), allowed.join("\n"));
});

test("the state machine definition refuses no service and lists services in order", () => {
    assert.throws(() => restartDefinition("aws", "c", []), /at least one service/);
    const def = JSON.parse(restartDefinition("aws", "shop-staging", ["shop-staging", "shop-staging-mailer"])) as Definition;
    assert.equal(def.StartAt, "Restart-1");
    assert.equal(def.States["Restart-1"].Next, "Restart-2");
    assert.equal(def.States["Restart-2"].End, true);
    // Which service each restarts: its task's Service (state names stay short and without spaces, whatever the names).
    assert.deepEqual(Object.values(def.States).map((st) => (st as unknown as { Parameters: { Service: string } }).Parameters.Service), ["shop-staging", "shop-staging-mailer"]);
});

test("a stack without a database declares no rotation, restart, rule or state machine", async () => {
    const p = await planStack("staging");
    for (const type of ["aws:secretsmanager/secretRotation:SecretRotation", "aws:sfn/stateMachine:StateMachine", "aws:cloudwatch/eventRule:EventRule"]) assert.equal(all(p, type).length, 0, type);
});

test("rotationDays defaults to RDS's own 7 days and takes 1–1000 (Secrets Manager's range)", () => {
    const settings = (v: Record<string, unknown>) => {
        const problems: string[] = [];
        return { s: databaseSettings({ name: "shop", ...v }, { platform: "ecs", tier: "staging", environmentName: "shop-staging" }, "staging", problems), problems };
    };
    assert.equal(settings({}).s?.rotationDays, 7);
    assert.equal(settings({ rotationDays: 1 }).s?.rotationDays, 1);
    assert.equal(settings({ rotationDays: "1000" }).s?.rotationDays, 1000);
    for (const bad of [0, 1001, 2.5, "weekly"]) {
        const { s, problems } = settings({ rotationDays: bad });
        assert.equal(s, undefined, String(bad));
        assert.ok(problems.some((p) => /slipway:database\.rotationDays .*(must be an integer from 1 to 1000|must be a number).*Fix: pulumi config set --path 'slipway:database\.rotationDays' 7/.test(p)), problems.join("\n"));
    }
});

test("a rotation period Secrets Manager refuses is one message naming the key, before any resource is declared", () => {
    rejects(rawConfig("database-staging", { "slipway:database": JSON.stringify({ name: "shop", rotationDays: 0 }) }), "slipway:database.rotationDays", "1 to 1000", "--stack database-staging");
});

test("a configured rotation period reaches the schedule on RDS's secret, and the cost of the restarts follows it", async () => {
    const p = await planStack("database-staging", { set: { "slipway:database": JSON.stringify({ name: "shop", rotationDays: 30 }) } });
    assert.deepEqual(one(p, "aws:secretsmanager/secretRotation:SecretRotation").inputs.rotationRules, { automaticallyAfterDays: 30 });
});

test("a restart that fails after its retries is an alarm on the pipeline's topic, on both platforms (found in review: nobody heard of it)", async () => {
    for (const [stack, machine] of [["database-staging", "shop-database-staging-db-rotation"], ["ebdb-staging", "shop-ebdb-staging-db-rotation"]] as const) {
        const p = await planStack(stack);
        const alarm = all(p, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => String(a.inputs.name).endsWith("/db-rotation-restart-failed"));
        assert.ok(alarm, `${stack}: no restart alarm`);
        assert.equal(alarm.inputs.name, `slipway/shop/${stack}/db-rotation-restart-failed`);
        assert.deepEqual([alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.statistic, alarm.inputs.threshold, alarm.inputs.comparisonOperator], ["AWS/States", "ExecutionsFailed", "Sum", 1, "GreaterThanOrEqualToThreshold"]);
        assert.match(String((alarm.inputs.dimensions as Record<string, string>).StateMachineArn), new RegExp(`:stateMachine:${machine}$`));
        assert.equal(alarm.inputs.treatMissingData, "notBreaching");
        assert.deepEqual(alarm.inputs.alarmActions, [(alarm.inputs.okActions as string[])[0]]);
        assert.match(String((alarm.inputs.alarmActions as string[])[0]), /^arn:aws:sns:/);
    }
});

test("each secret and secret version of a stack is simulated at its own ARN, not at the plan's first secret's (found in review)", async () => {
    const p = await planStack("database-staging");
    const v = view(p);
    const secrets = all(p, "aws:secretsmanager/secret:Secret");
    assert.ok(secrets.length >= 2, "the app's secret and the database's connection secret");
    const arns = secrets.map((s) => ownArns(s, v)[0].arn);
    assert.equal(new Set(arns).size, secrets.length, arns.join("\n"));
    for (const s of secrets) assert.ok(ownArns(s, v)[0].arn.includes(`:secret:${physicalName(s)}-`), `${s.name}: ${ownArns(s, v)[0].arn}`);
    // A version names its own secret (secretId), whichever it is.
    for (const version of all(p, "aws:secretsmanager/secretVersion:SecretVersion")) {
        assert.equal(`${ownArns(version, v)[0].arn}`, String(version.inputs.secretId).replace(/-AbCdEf$/, "") + "-AbCdEf");
    }
});
