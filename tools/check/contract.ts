// The contract between a delivery stack and the environment stacks its pipeline deploys, checked on
// their plans: the names the delivery stack's pipeline, policies and variables use for an environment
// are the names the environment stack gives its resources (infra/contract.ts derives both sides). A
// rename on one side only would make IAM stop matching or the pipeline deploy into nothing; this says
// which name disagrees. Used by test/contract.test.ts and `npm run check`.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { Plan, PlannedResource } from "../plan/mock-engine";
import type { CheckedStack } from "./iam-check";
import { MOCK_ACCOUNT, mockArn, mockId, physicalNameOf } from "../plan/identities";
import { databaseContractProblems } from "./database-contract";
import { iamWildcardSource } from "../../policy/kit";
import { CONDITIONAL_GITHUB_VARIABLES, STACK_TAG, STAGE_ACTIONS, TEAM_SET_WORKFLOW_VARIABLES, workerFamily, workerServiceName } from "../../infra/contract";

type Statement = { Effect?: string; Sid?: string; Action?: string | string[]; Resource?: string | string[] };

const T = {
    pipeline: "aws:codepipeline/pipeline:Pipeline",
    policy: "aws:iam/policy:Policy",
    parameter: "aws:ssm/parameter:Parameter",
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    ebApplication: "aws:elasticbeanstalk/application:Application",
    ebEnvironment: "aws:elasticbeanstalk/environment:Environment",
    secret: "aws:secretsmanager/secret:Secret",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    bucket: "aws:s3/bucket:Bucket",
    variable: "github:index/actionsVariable:ActionsVariable",
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
};

const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.custom && r.type === type);
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** IAM's wildcard match: `*` any run of characters, `?` one. */
export function iamMatch(pattern: string, value: string): boolean {
    let re = patterns.get(pattern);
    if (!re) patterns.set(pattern, (re = new RegExp(`^${iamWildcardSource(pattern)}$`)));
    return re.test(value);
}
/** Each pattern's expression, made once: the check matches every statement of every stack against each name. */
const patterns = new Map<string, RegExp>();

function statementsOf(r: PlannedResource): Statement[] {
    const doc = typeof r.inputs.policy === "string" ? (JSON.parse(r.inputs.policy) as { Statement: Statement[] }) : undefined;
    return doc?.Statement ?? [];
}

/** The ARN the plan's resource has on AWS (as the mock engine mints it). */
function arnOf(r: PlannedResource, region: string): string {
    const physical = physicalNameOf(r.name, r.inputs);
    return mockArn(r.type, r.name, physical, mockId(r.type, r.name, physical), r.inputs, region) ?? "";
}

/** The managed policy of `delivery` with this IAM name, or undefined. */
function managedPolicy(delivery: Plan, name: string): PlannedResource | undefined {
    return ofType(delivery, T.policy).find((p) => p.inputs.name === name);
}

/** Whether any Allow statement of `policies` names `action` on a resource pattern matching `arn`. */
function allows(policies: PlannedResource[], action: string, arn: string, tag?: string): boolean {
    return policies.some((p) =>
        statementsOf(p).some(
            (st) =>
                (st.Effect ?? "Allow") === "Allow" &&
                list(st.Action).some((a) => iamMatch(a, action)) &&
                list(st.Resource).some((res) => iamMatch(tag ? res.split(`\${aws:PrincipalTag/${STACK_TAG}}`).join(tag) : res, arn)),
        ),
    );
}

/** The pipeline's actions by stage name. */
function pipelineActions(delivery: Plan): { stage: string; name: string; provider: string; configuration: Record<string, string> }[] {
    const pipeline = ofType(delivery, T.pipeline)[0];
    const stages = (pipeline?.inputs.stages ?? []) as { name: string; actions: { name: string; provider: string; configuration?: Record<string, string> }[] }[];
    return stages.flatMap((s) => s.actions.map((a) => ({ stage: s.name, name: a.name, provider: a.provider, configuration: a.configuration ?? {} })));
}

export interface ContractInput {
    delivery: Plan;
    /** Each environment stack the pipeline deploys, planned as that stack (review stacks: as the review template). */
    environments: Plan[];
    region: string;
    app: string;
}

/** Every disagreement between the delivery stack and its environments, one line each naming both sides. */
export function contractProblems({ delivery, environments, region, app }: ContractInput): string[] {
    const problems: string[] = [];
    const actions = pipelineActions(delivery);
    const stackOutputs = delivery.outputs.pipelineStacks as string[] | undefined;
    for (const env of environments) {
        const stack = env.stack;
        const tag = `${app}/${stack}`;
        const policyStack = stack.startsWith("review") ? "review" : stack;
        const where = (what: string) => `${delivery.stack} ↔ ${stack}: ${what}`;
        const envNamed = (type: string) => ofType(env, type).map((r) => physicalNameOf(r.name, r.inputs));

        // The pipeline deploys into what the environment stack declares.
        if (stackOutputs?.includes(stack)) {
            const deploy = actions.filter((a) => a.name === "Deploy" && a.stage.toLowerCase() === stack.toLowerCase());
            if (deploy.length !== 1) problems.push(where(`the pipeline has ${deploy.length} Deploy actions for the stack`));
            for (const d of deploy) {
                const c = d.configuration;
                if (d.provider === "ECS") {
                    if (!envNamed(T.cluster).includes(c.ClusterName)) problems.push(where(`the pipeline deploys to cluster ${c.ClusterName}; the stack's clusters: ${envNamed(T.cluster).join(", ") || "none"}`));
                    if (!envNamed(T.service).includes(c.ServiceName)) problems.push(where(`the pipeline deploys service ${c.ServiceName}; the stack's services: ${envNamed(T.service).join(", ") || "none"}`));
                } else if (d.provider === "ElasticBeanstalk") {
                    const ebEnvs = ofType(env, T.ebEnvironment);
                    if (!ebEnvs.some((e) => e.inputs.name === c.EnvironmentName)) problems.push(where(`the pipeline deploys Beanstalk environment ${c.EnvironmentName}; the stack's: ${ebEnvs.map((e) => String(e.inputs.name)).join(", ") || "none"}`));
                    if (!ebEnvs.every((e) => e.inputs.application === c.ApplicationName)) problems.push(where(`the pipeline deploys into application ${c.ApplicationName}, the stack's environments are in ${ebEnvs.map((e) => String(e.inputs.application)).join(", ")}`));
                    if (!ofType(delivery, T.ebApplication).some((a) => a.inputs.name === c.ApplicationName)) problems.push(where(`the delivery stack declares no Beanstalk application ${c.ApplicationName}`));
                } else problems.push(where(`the pipeline deploys with ${d.provider}, which this check does not know`));
            }
            // The release phase: the Release action runs the family, in the cluster, the stack declares; both sides or neither.
            const release = actions.find((a) => a.name === STAGE_ACTIONS.release && a.stage.toLowerCase() === stack.toLowerCase());
            const families = ofType(env, "aws:ecs/taskDefinition:TaskDefinition").map((r) => String(r.inputs.family));
            const releaseFamily = families.find((f) => f.endsWith("_release"));
            if (release) {
                const rv = Object.fromEntries((JSON.parse(release.configuration.EnvironmentVariables ?? "[]") as { name: string; value: string }[]).map((v) => [v.name, v.value]));
                if (!families.includes(rv.TASK_FAMILY)) problems.push(where(`the Release action runs task family ${rv.TASK_FAMILY}; the stack's families: ${families.join(", ") || "none"}`));
                if (!envNamed(T.cluster).includes(rv.CLUSTER_NAME)) problems.push(where(`the Release action runs in cluster ${rv.CLUSTER_NAME}; the stack's clusters: ${envNamed(T.cluster).join(", ") || "none"}`));
                if (!envNamed(T.service).includes(rv.SERVICE_NAME)) problems.push(where(`the Release action takes its network from service ${rv.SERVICE_NAME}; the stack's services: ${envNamed(T.service).join(", ") || "none"}`));
                if (!envNamed(T.logGroup).includes(rv.LOG_GROUP)) problems.push(where(`the Release action reads logs of ${rv.LOG_GROUP}; the stack's log groups: ${envNamed(T.logGroup).join(", ") || "none"}`));
            } else if (releaseFamily) {
                problems.push(where(`the stack declares release task family ${releaseFamily}, but the pipeline's stage has no Release action (the delivery stack reads slipway:releaseCommand from the stack file: pulumi up -s ${delivery.stack})`));
            }
            // Workers: each ECS service beside the web's has its own deploy action in the stage and its own family; every action names one.
            const webService = deploy.find((d) => d.provider === "ECS")?.configuration.ServiceName;
            if (webService) {
                const workerDeploys = actions.filter((a) => a.provider === "ECS" && a.name !== "Deploy" && a.stage.toLowerCase() === stack.toLowerCase());
                const deployed = new Set(workerDeploys.map((a) => a.configuration.ServiceName));
                for (const a of workerDeploys) {
                    if (!envNamed(T.service).includes(a.configuration.ServiceName)) problems.push(where(`the pipeline's ${a.name} action deploys service ${a.configuration.ServiceName}; the stack's services: ${envNamed(T.service).join(", ")}`));
                    if (a.configuration.ClusterName !== deploy[0].configuration.ClusterName) problems.push(where(`the pipeline's ${a.name} action deploys into cluster ${a.configuration.ClusterName}, not the web service's ${deploy[0].configuration.ClusterName}`));
                }
                for (const service of envNamed(T.service).filter((s) => s !== webService)) {
                    if (!deployed.has(service)) problems.push(where(`the stack declares worker service ${service}, but the pipeline's stage does not deploy it (the delivery stack reads slipway:workers from the stack file: pulumi up -s ${delivery.stack})`));
                    const worker = service.slice(webService.length + 1);
                    const family = workerFamily(app, stack, worker);
                    if (service !== workerServiceName(app, stack, worker) || !families.includes(family)) problems.push(where(`worker service ${service} has no task family ${family} (contract.ts workerFamily); the stack's families: ${families.join(", ")}`));
                }
            }
            problems.push(...jobRevisionProblems(env, actions.filter((a) => a.stage.toLowerCase() === stack.toLowerCase()), families, delivery.stack, where));
            const smoke = actions.find((a) => a.name === "SmokeTest" && a.stage.toLowerCase() === stack.toLowerCase());
            const vars = Object.fromEntries((JSON.parse(smoke?.configuration.EnvironmentVariables ?? "[]") as { name: string; value: string }[]).map((v) => [v.name, v.value]));
            const parameters = envNamed(T.parameter);
            if (!parameters.includes(vars.HEALTH_URL)) problems.push(where(`the smoke test reads the health URL from ${vars.HEALTH_URL}; the stack publishes ${parameters.join(", ") || "no parameter"}`));
            if (!ofType(delivery, T.parameter).some((p) => p.inputs.name === vars.IMAGE_TAG_PARAMETER)) problems.push(where(`the smoke test records into ${vars.IMAGE_TAG_PARAMETER}, which the delivery stack does not declare`));
        }

        // Every role of the stack carries its policy stack's boundary and attaches only policies the delivery stack owns.
        const roles = ofType(env, T.role);
        for (const role of roles) {
            const boundary = String(role.inputs.permissionsBoundary ?? "");
            const owned = ofType(delivery, T.policy).find((p) => arnOf(p, region) === boundary);
            if (!owned || owned.inputs.name !== `${app}-${policyStack}-boundary`) problems.push(where(`role ${role.name} has boundary ${boundary || "none"}, not the delivery stack's ${app}-${policyStack}-boundary`));
        }
        for (const attachment of ofType(env, T.attachment)) {
            const arn = String(attachment.inputs.policyArn);
            if (arn.startsWith("arn:aws:iam::aws:policy/")) continue; // AWS managed (Beanstalk's instance policies)
            if (!ofType(delivery, T.policy).some((p) => arnOf(p, region) === arn)) problems.push(where(`${attachment.name} attaches ${arn}, which the delivery stack does not declare`));
        }

        // What the stack creates, its deploy role may manage and its workloads may use.
        const deployPolicies = ofType(delivery, T.policy).filter((p) => String(p.inputs.name).startsWith(`${app}-${policyStack}-deploy-`));
        if (deployPolicies.length === 0) problems.push(where(`the delivery stack has no deploy policies ${app}-${policyStack}-deploy-*`));
        const runtime = [managedPolicy(delivery, `${app}-${policyStack}-task-execution`), managedPolicy(delivery, `${app}-${policyStack}-beanstalk-instance`)].filter((p): p is PlannedResource => Boolean(p));
        const needs: [type: string, deployAction: string, runtimeAction?: string][] = [
            [T.secret, "secretsmanager:CreateSecret", "secretsmanager:GetSecretValue"],
            [T.logGroup, "logs:CreateLogGroup"],
            [T.parameter, "ssm:PutParameter"],
            [T.role, "iam:CreateRole"],
            [T.bucket, "s3:CreateBucket", "s3:GetObject"],
        ];
        for (const [type, deployAction, runtimeAction] of needs) {
            for (const r of ofType(env, type)) {
                const arn = arnOf(r, region);
                if (!allows(deployPolicies, deployAction, arn)) problems.push(where(`its deploy role may not ${deployAction} ${arn} (${r.name}): the names disagree`));
                const objectArn = type === T.bucket ? `${arn}/bundle.zip` : arn;
                if (runtimeAction && !allows(runtime, runtimeAction, objectArn, tag)) problems.push(where(`its workloads may not ${runtimeAction} ${objectArn} (${r.name}): the names disagree`));
            }
        }
        // ECS logs: the task execution role writes the app's log group.
        for (const r of ofType(env, T.logGroup).filter((g) => String(g.inputs.name).endsWith("/app"))) {
            const arn = `${arnOf(r, region)}:log-stream:app/app/0`;
            if (!allows(runtime, "logs:PutLogEvents", arn, tag)) problems.push(where(`its tasks may not write ${r.inputs.name}: the names disagree`));
        }
    }
    // slipway:database: the cluster, its backup, its password's readers and its rotation restart (./database-contract.ts).
    for (const env of environments) problems.push(...databaseContractProblems({ delivery, env, region, app, account: MOCK_ACCOUNT, actions, iamMatch }));
    return problems;
}

/**
 * What the workflows read that the delivery stack must provide: every `vars.NAME` is an Actions
 * variable it sets, every job environment one of the GitHub environments it creates.
 */
/**
 * Scheduled jobs: the stage's JobRevisions action registers exactly the families the stack's schedules run
 * (each schedule names its family without a revision: the one the pipeline registered last runs), and every
 * family it registers is one the stack declares.
 */
function jobRevisionProblems(env: Plan, stageActions: { name: string; configuration: Record<string, string> }[], families: string[], deliveryStack: string, where: (what: string) => string): string[] {
    const problems: string[] = [];
    const scheduled = [...new Set(ofType(env, "aws:scheduler/schedule:Schedule").map((r) => String((r.inputs.target as { ecsParameters?: { taskDefinitionArn?: string } } | undefined)?.ecsParameters?.taskDefinitionArn ?? "").split("/").pop() ?? ""))].filter(Boolean).sort();
    const action = stageActions.find((a) => a.name === STAGE_ACTIONS.jobRevisions);
    const vars = Object.fromEntries((JSON.parse(action?.configuration.EnvironmentVariables ?? "[]") as { name: string; value: string }[]).map((v) => [v.name, v.value]));
    const registered = String(vars.JOB_FAMILIES ?? "").split(" ").filter(Boolean);
    for (const family of scheduled) {
        if (!registered.includes(family)) problems.push(where(`the stack schedules task family ${family}, but the pipeline's stage does not register it with each new image, so the job would keep running the image of the last pulumi up (the delivery stack reads slipway:jobs from the stack file: pulumi up -s ${deliveryStack})`));
    }
    for (const family of registered) {
        if (!families.includes(family)) problems.push(where(`the pipeline's ${STAGE_ACTIONS.jobRevisions} action registers task family ${family}; the stack's families: ${families.join(", ") || "none"}`));
        else if (!scheduled.includes(family)) problems.push(where(`the pipeline's ${STAGE_ACTIONS.jobRevisions} action registers task family ${family}, which no schedule of the stack runs`));
    }
    return problems;
}

export function workflowProblems(delivery: Plan, workflowDir: string): string[] {
    const problems: string[] = [];
    const variables = new Set(ofType(delivery, T.variable).map((v) => String(v.inputs.variableName)));
    const environments = new Set(ofType(delivery, T.environment).map((e) => String(e.inputs.environment)));
    for (const file of fs.readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        const text = fs.readFileSync(path.join(workflowDir, file), "utf8");
        for (const m of text.matchAll(/\bvars\.([A-Z0-9_]+)/g)) {
            if (variables.has(m[1]) || CONDITIONAL_GITHUB_VARIABLES.includes(m[1]) || TEAM_SET_WORKFLOW_VARIABLES.includes(m[1])) continue;
            problems.push(`${file} reads vars.${m[1]}, which the delivery stack ${delivery.stack} does not set (it sets ${[...variables].sort().join(", ")}; team-set: ${TEAM_SET_WORKFLOW_VARIABLES.join(", ")})`);
        }
        const doc = parseYaml(text) as { jobs?: Record<string, { environment?: string | { name?: string } }> };
        for (const [job, spec] of Object.entries(doc.jobs ?? {})) {
            const env = typeof spec.environment === "string" ? spec.environment : spec.environment?.name;
            if (!env || env.includes("${{")) continue;
            if (!environments.has(env)) problems.push(`${file} job ${job} runs in environment ${env}, which the delivery stack ${delivery.stack} does not create (it creates ${[...environments].sort().join(", ")})`);
        }
    }
    return [...new Set(problems)];
}

/**
 * The contract of a project's own stacks (`npm run check`): each delivery stack with the environment
 * stacks that name it, and the workflows in `workflowDir` (when present) against the stack `delivery`.
 */
export function projectContractProblems(stacks: CheckedStack[], workflowDir?: string): string[] {
    const problems: string[] = [];
    for (const d of stacks.filter((s) => s.role === "delivery")) {
        // The review template (stack `review`) only holds config for review-pr-N stacks; it is never deployed.
        const deployed = (s: CheckedStack) => !(s.plan.stack === "review" && s.tier === "review");
        const environments = stacks.filter((s) => s.role === "environment" && s.deliveryStack === d.plan.stack && deployed(s)).map((s) => s.plan);
        problems.push(...contractProblems({ delivery: d.plan, environments, region: d.region, app: d.app }));
        if (d.plan.stack === "delivery" && workflowDir && fs.existsSync(workflowDir)) problems.push(...workflowProblems(d.plan, workflowDir));
    }
    return problems;
}
