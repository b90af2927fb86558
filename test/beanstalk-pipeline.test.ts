import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    beanstalkBundleFiles,
    bundleBuildCommands,
    COMPOSE_FILE,
    CONFIG_PREBUILD_HOOK,
    PREBUILD_HOOK,
    SECRETS_ENV_FILE,
    secretsHook,
} from "../infra/platforms/beanstalk/bundle";
import { RELEASE_EXTENSION, RELEASE_SCRIPT } from "../infra/platforms/beanstalk/release";
import { Plan } from "../tools/plan/mock-engine";
import { all, childrenOf, json, one, planStack } from "./helpers";

interface Action {
    name: string;
    provider: string;
    inputArtifacts?: string[];
    configuration: Record<string, string>;
}
interface Stage {
    name: string;
    actions: Action[];
}
interface PolicyDoc {
    Statement: { Sid: string; Action: string[]; Resource: string[] | string; Condition?: Record<string, Record<string, unknown>> }[];
}

/** The delivery stack with staging replaced by the shipped Beanstalk staging stack (its stack file says beanstalk). */
const mixedPipeline = () => planStack("delivery", { set: { "slipway:pipelineStacks": JSON.stringify(["beanstalk-staging", "production"]), "slipway:ciSecrets": "{}" } });

const stagesOf = (plan: Plan) => one(plan, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[];
/** The pipeline role's policy (a child of the pipeline component). */
function pipelinePolicy(plan: Plan): PolicyDoc {
    const policy = childrenOf(plan, one(plan, "slipway:delivery:Pipeline", "pipeline")).find((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    if (!policy) throw new Error("no pipeline role policy");
    return json<PolicyDoc>(policy, "policy");
}
const deployOf = (plan: Plan, stage: string) => stagesOf(plan).find((s) => s.name === stage)?.actions.find((a) => a.name === "Deploy");

test("a mixed pipeline deploys Beanstalk staging with the ElasticBeanstalk action and ECS production with the ECS action", async () => {
    const plan = await mixedPipeline();
    assert.deepEqual(
        stagesOf(plan).map((s) => s.name),
        ["Source", "Build", "Beanstalk-Staging", "Approve-Production", "Production"],
    );
    const staging = deployOf(plan, "Beanstalk-Staging");
    assert.equal(staging?.provider, "ElasticBeanstalk");
    assert.deepEqual(staging?.configuration, { ApplicationName: "shop", EnvironmentName: "shop-beanstalk-staging" });
    assert.deepEqual(staging?.inputArtifacts, ["image"]);
    const production = deployOf(plan, "Production");
    assert.equal(production?.provider, "ECS");
    assert.equal(production?.configuration.ClusterName, "shop-production");
    assert.equal(production?.configuration.FileName, "imagedefinitions.json");
});

test("the same pipeline can run staging on ECS and production on Beanstalk", async () => {
    const plan = await planStack("delivery", { set: { "slipway:pipelineStacks": JSON.stringify(["staging", "beanstalk-production"]), "slipway:ciSecrets": "{}" } });
    assert.equal(deployOf(plan, "Staging")?.provider, "ECS");
    assert.deepEqual(deployOf(plan, "Beanstalk-Production")?.configuration, { ApplicationName: "shop", EnvironmentName: "shop-beanstalk-production" });
});

test("the build emits the Beanstalk bundle beside imagedefinitions.json only when a target runs on Beanstalk", async () => {
    const buildspecOf = (plan: Plan) => {
        const build = one(plan, "slipway:delivery:BuildProject", "build");
        const project = childrenOf(plan, build).find((r) => r.type === "aws:codebuild/project:Project");
        if (!project) throw new Error("no build project");
        return JSON.parse((project.inputs.source as { buildspec: string }).buildspec) as { artifacts: { files: string[] }; phases: { build: { commands: string[] } } };
    };
    const mixed = buildspecOf(await mixedPipeline());
    assert.deepEqual(mixed.artifacts.files, ["imagedefinitions.json", "image-tag.txt", COMPOSE_FILE, PREBUILD_HOOK, CONFIG_PREBUILD_HOOK, RELEASE_EXTENSION, RELEASE_SCRIPT]);
    assert.ok(mixed.phases.build.commands.some((c) => c.includes(`sed -i "s|@IMAGE_URI@|$REPOSITORY_URL:$IMAGE_TAG|" ${COMPOSE_FILE}`)));
    const ecsOnly = buildspecOf(await planStack("delivery"));
    assert.deepEqual(ecsOnly.artifacts.files, ["imagedefinitions.json", "image-tag.txt"]);
});

test("the pipeline role's Beanstalk rights name the app, its environments and EB's awseb- resources", async () => {
    const doc = pipelinePolicy(await mixedPipeline());
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.DeployBeanstalkEnvironments.Resource, [
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/shop",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:applicationversion/shop/*",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/shop/shop-beanstalk-staging",
        "arn:aws:elasticbeanstalk:us-east-1::solutionstack/*",
    ]);
    assert.deepEqual(bySid.BeanstalkEnvironmentStacks.Resource, ["arn:aws:cloudformation:us-east-1:123456789012:stack/awseb-e-*"]);
    assert.deepEqual(bySid.BeanstalkStorageBucket.Resource, ["arn:aws:s3:::elasticbeanstalk-us-east-1-123456789012", "arn:aws:s3:::elasticbeanstalk-us-east-1-123456789012/*"]);
    assert.deepEqual(bySid.PassInstanceRoles.Condition, { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
    for (const s of doc.Statement) {
        for (const a of s.Action) assert.ok(!a.endsWith(":*"), `service-wide action ${a} in ${s.Sid}`);
        // "*" only where AWS offers no resource-level scoping, and then only in this region.
        if ([s.Resource].flat().includes("*") && (s.Sid.startsWith("Beanstalk") || s.Action.some((x) => x.startsWith("elasticbeanstalk:")))) {
            assert.equal(s.Sid, "BeanstalkUnscopableCalls");
            assert.deepEqual(s.Condition, { StringEquals: { "aws:RequestedRegion": "us-east-1" } });
        }
    }
    // ECS rights cover only the ECS target.
    assert.deepEqual(bySid.DeployEcsServices.Resource, ["arn:aws:ecs:us-east-1:123456789012:service/shop-production/shop-production"]);
});

test("an ECS-only pipeline gets no Beanstalk rights", async () => {
    const doc = pipelinePolicy(await planStack("delivery"));
    assert.ok(!doc.Statement.some((s) => s.Sid.startsWith("Beanstalk") || s.Action.some((a) => a.startsWith("elasticbeanstalk:"))));
});

test("the delivery stack declares the app's one EB application, protected, and exports its name", async () => {
    const plan = await planStack("delivery");
    const app = one(plan, "aws:elasticbeanstalk/application:Application");
    assert.equal(app.inputs.name, "shop");
    assert.ok(app.protect, "the app's Beanstalk environments live in it");
    assert.equal(plan.outputs.beanstalkApplicationName, "shop");
});

/** An environment for shell tests that owes nothing to the machine's start-up files or PATH. */
function hermeticEnv(home: string): NodeJS.ProcessEnv {
    return { PATH: "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" };
}

test("a shell test is immune to the machine's start-up files: BASH_ENV, or a ~/.bashrc, with a real-looking aws on the PATH changes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-hostile-"));
    const evil = path.join(dir, "evil");
    fs.mkdirSync(evil);
    fs.writeFileSync(path.join(evil, "aws"), "#!/bin/bash\necho REAL-AWS; exit 42\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "bashrc"), `export PATH="${evil}:$PATH"\n`);
    // Bash also reads ~/.bashrc when it thinks sshd started it: stdin a socket (Node's stdio pipes are) and
    // SHLVL under 2 (bash(1), INVOCATION). HOME is `dir` in both runs, so the machine's own ~/.bashrc (here
    // pyenv's shims, with a real aws) never decides the outcome.
    fs.copyFileSync(path.join(dir, "bashrc"), path.join(dir, ".bashrc"));
    const probe = "command -v aws || echo none";
    const hostile = { ...process.env, BASH_ENV: path.join(dir, "bashrc"), HOME: dir, PATH: `/usr/bin:/bin` };
    // Inheriting the environment, bash sources BASH_ENV and the stand-in `aws` answers…
    assert.match(execFileSync("bash", ["-c", probe], { env: hostile }).toString(), /evil\/aws/);
    // …while the hermetic environment the shell tests use keeps it out, even read as sshd's shell (no SHLVL).
    assert.equal(execFileSync("bash", ["--noprofile", "--norc", "-c", probe], { env: hermeticEnv(dir) }).toString().trim(), "none");
    fs.rmSync(dir, { recursive: true, force: true });
});

test("the bundle's Compose file runs the sha-tagged image on port 80 with EB's properties and the secrets file", () => {
    const compose = beanstalkBundleFiles("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:0123abc")[COMPOSE_FILE];
    assert.match(compose, /image: "123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop:0123abc"/);
    assert.match(compose, /- "80:\$\{PORT\}"/);
    assert.match(compose, new RegExp(`env_file:\\n {6}- \\.env\\n {6}- ${SECRETS_ENV_FILE.replace(/\//g, "\\/")}`));
});

test("the buildspec commands write the bundle with the image substituted and the hooks executable", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bundle-"));
    const script = ["set -e", 'REPOSITORY_URL="123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"', 'IMAGE_TAG="0123abcdef"', ...bundleBuildCommands()].join("\n");
    execFileSync("bash", ["--noprofile", "--norc", "-c", script], { cwd: dir, env: hermeticEnv(dir) });
    assert.match(fs.readFileSync(path.join(dir, COMPOSE_FILE), "utf8"), /image: "123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop:0123abcdef"/);
    for (const hook of [PREBUILD_HOOK, CONFIG_PREBUILD_HOOK]) {
        assert.equal(fs.readFileSync(path.join(dir, hook), "utf8"), secretsHook());
        assert.ok(fs.statSync(path.join(dir, hook)).mode & 0o100, `${hook} is not executable`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
});

test("the hook writes the JSON secret as NAME=value lines, mode 600, without printing a value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-hook-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const out = path.join(dir, "secrets", "secrets.env");
    // Stand-ins for EB's get-config and the AWS CLI; the hook's paths are pointed into the temp dir.
    fs.writeFileSync(path.join(bin, "get-config"), '#!/bin/bash\n[ "$1" = "environment" ] && [ "$2" = "-k" ] && [ "$3" = "SLIPWAY_SECRET_ARN" ] && echo "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"\n', { mode: 0o755 });
    fs.writeFileSync(
        path.join(bin, "aws"),
        '#!/bin/bash\necho "$@" > "$(dirname "$0")/aws-args"\necho \'{"DATABASE_URL":"postgres://u:p@db/app?x=1","API_KEY":"s3cr3t"}\'\n',
        { mode: 0o755 },
    );
    const hook = secretsHook().split("/opt/elasticbeanstalk/bin/get-config").join(path.join(bin, "get-config")).split(SECRETS_ENV_FILE).join(out);
    // Hermetic: no profile or rc files, no BASH_ENV (bash reads it even with --norc), the stand-ins first on
    // an explicit PATH, so a real `aws` on the machine can never answer instead.
    const stdout = execFileSync("bash", ["--noprofile", "--norc", "-c", hook], { env: { ...hermeticEnv(dir), PATH: `${bin}:/usr/bin:/bin` } }).toString();
    assert.equal(fs.readFileSync(out, "utf8"), "API_KEY=s3cr3t\nDATABASE_URL=postgres://u:p@db/app?x=1\n");
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    assert.ok(!stdout.includes("s3cr3t") && !stdout.includes("postgres://"), `the hook printed a secret: ${stdout}`);
    // The region comes from the secret's ARN.
    assert.match(fs.readFileSync(path.join(bin, "aws-args"), "utf8"), /secretsmanager get-secret-value --region eu-west-1 --secret-id arn:aws:secretsmanager:eu-west-1:/);
    fs.rmSync(dir, { recursive: true, force: true });
});

test("GitHub deploy roles get Beanstalk rights scoped to their own stacks; an ECS production role gets none", async () => {
    const plan = await mixedPipeline();
    /** Every statement of a deploy role's managed policies (one per concern: shop-<stack>-deploy-*). */
    const statementsOf = (policyStack: string) =>
        all(plan, "aws:iam/policy:Policy")
            .filter((r) => String(r.inputs.name).startsWith(`shop-${policyStack}-deploy-`))
            .flatMap((r) => json<PolicyDoc>(r, "policy").Statement);
    const staging = Object.fromEntries(statementsOf("beanstalk-staging").map((s) => [s.Sid, s]));
    assert.deepEqual(staging.OwnBeanstalkEnvironments.Resource, [
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/shop",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:applicationversion/shop/shop-beanstalk-staging-*",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/shop/shop-beanstalk-staging",
        "arn:aws:elasticbeanstalk:us-east-1::solutionstack/*",
        "arn:aws:elasticbeanstalk:us-east-1::platform/*",
    ]);
    assert.ok([staging.OwnBundleBuckets.Resource].flat().includes("arn:aws:s3:::shop-beanstalk-staging-*"));
    assert.deepEqual(staging.OwnInstanceProfiles.Resource, ["arn:aws:iam::123456789012:instance-profile/slipway/shop/beanstalk-staging/*"]);
    // Review stacks, on either platform, belong to the review role alone.
    const review = Object.fromEntries(statementsOf("review").map((s) => [s.Sid, s]));
    assert.deepEqual(review.OwnInstanceProfiles.Resource, ["arn:aws:iam::123456789012:instance-profile/slipway/shop/review-*/*"]);
    // Only its own platform's runtime policy, then the AWS managed policies EB documents.
    assert.deepEqual((staging.AttachOwnPolicies.Condition as { ArnEquals: Record<string, string[]> }).ArnEquals["iam:PolicyARN"], [
        "arn:aws:iam::123456789012:policy/slipway/shop/shop-beanstalk-staging-beanstalk-instance",
        "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth",
        "arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
        "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier",
    ]);
    const production = statementsOf("production");
    // (The shared ProgramLookups statement keeps elasticbeanstalk:ListAvailableSolutionStacks for every role.)
    const ebActions = production.flatMap((s) => s.Action).filter((a) => /^(elasticbeanstalk|cloudformation|autoscaling):/.test(a));
    assert.deepEqual(ebActions, ["elasticbeanstalk:ListAvailableSolutionStacks"]);
    assert.ok(!all(plan, "aws:iam/policy:Policy").some((r) => String(r.inputs.name).startsWith("shop-production-deploy-beanstalk")));
    // …and a Beanstalk stack's role gets no ECS or API Gateway rights, nor may its roles get the ECS runtime policy.
    assert.ok(!all(plan, "aws:iam/policy:Policy").some((r) => /^shop-beanstalk-staging-deploy-(compute|api-ingress)$/.test(String(r.inputs.name))));
    assert.ok(!statementsOf("beanstalk-staging").flatMap((st) => st.Action).some((a) => /^(ecs|apigateway|servicediscovery):/.test(a)));
    const productionAttach = Object.fromEntries(production.map((st) => [st.Sid, st])).AttachOwnPolicies.Condition as { ArnEquals: Record<string, string[]> };
    // ECS's runtime policies: the task execution role's, the infrastructure role's (blue/green, canary, linear) and the scheduled jobs' scheduler's.
    assert.deepEqual(productionAttach.ArnEquals["iam:PolicyARN"], [
        "arn:aws:iam::123456789012:policy/slipway/shop/shop-production-task-execution",
        "arn:aws:iam::123456789012:policy/slipway/shop/shop-production-ecs-lb-infrastructure",
        "arn:aws:iam::123456789012:policy/slipway/shop/shop-production-job-scheduler",
    ]);
});

test("the Beanstalk application expires old versions before the account's 1,000-version quota", async () => {
    const { planStack } = await import("./helpers");
    const plan = await planStack("delivery");
    const app = one(plan, "aws:elasticbeanstalk/application:Application");
    const lifecycle = app.inputs.appversionLifecycle as { serviceRole: string; maxCount: number; deleteSourceFromS3: boolean };
    assert.equal(lifecycle.maxCount, 200);
    assert.match(lifecycle.serviceRole, /:role\/slipway\/shop\/beanstalk-versions/);
    const policy = json<PolicyDoc>(one(plan, "aws:iam/rolePolicy:RolePolicy", "beanstalk-versions-policy"), "policy");
    assert.deepEqual(policy.Statement.flatMap((s) => s.Action).sort(), ["elasticbeanstalk:DeleteApplicationVersion", "elasticbeanstalk:DescribeApplicationVersions"]);
});

/** The smoke-test role's inline policy. */
function smokePolicy(plan: Plan): PolicyDoc {
    return json<PolicyDoc>(one(plan, "aws:iam/rolePolicy:RolePolicy", "smoke-test-policy"), "policy");
}
const smokeVars = (plan: Plan, stage: string) => {
    const action = stagesOf(plan).find((s) => s.name === stage)?.actions.find((a) => a.name === "SmokeTest");
    if (!action) throw new Error(`no smoke test in ${stage}`);
    return Object.fromEntries((JSON.parse(action.configuration.EnvironmentVariables) as { name: string; value: string }[]).map((v) => [v.name, v.value]));
};

test("a Beanstalk stage's smoke test is told the EB application and environment its deploy action targets", async () => {
    const plan = await mixedPipeline();
    const vars = smokeVars(plan, "Beanstalk-Staging");
    const deploy = deployOf(plan, "Beanstalk-Staging");
    assert.equal(vars.PLATFORM, "beanstalk");
    assert.equal(vars.EB_APPLICATION, deploy?.configuration.ApplicationName);
    assert.equal(vars.EB_ENVIRONMENT, deploy?.configuration.EnvironmentName);
    assert.equal(vars.EB_APPLICATION, one(plan, "aws:elasticbeanstalk/application:Application").inputs.name);
    assert.equal(vars.VERIFIED_TAG_PREFIX, "verified-beanstalk-staging-");
    assert.ok(!("CLUSTER_NAME" in vars));
    assert.equal(smokeVars(plan, "Production").PLATFORM, "ecs");
});

test("the smoke-test role reads the app's EB environments and versions and the bundles in EB's storage bucket", async () => {
    const bySid = Object.fromEntries(smokePolicy(await mixedPipeline()).Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.ReadBeanstalkEnvironments.Action, ["elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeApplicationVersions"]);
    assert.deepEqual(bySid.ReadBeanstalkEnvironments.Resource, [
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/shop",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/shop/shop-beanstalk-staging",
        "arn:aws:elasticbeanstalk:us-east-1:123456789012:applicationversion/shop/*",
    ]);
    assert.deepEqual(bySid.ReadBeanstalkBundles, { Sid: "ReadBeanstalkBundles", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::elasticbeanstalk-us-east-1-123456789012/*"] });
    // Production is on ECS: its service is readable too.
    assert.deepEqual(bySid.ReadServiceDeployments.Resource, ["arn:aws:ecs:us-east-1:123456789012:service/shop-production/shop-production"]);
});

test("an all-Beanstalk pipeline's smoke-test role gets no ECS rights", async () => {
    const plan = await planStack("delivery", { set: { "slipway:pipelineStacks": JSON.stringify(["beanstalk-staging", "beanstalk-production"]) } });
    const actions = smokePolicy(plan).Statement.flatMap((s) => s.Action);
    assert.ok(!actions.some((a) => a.startsWith("ecs:")), actions.join(", "));
    assert.ok(actions.includes("elasticbeanstalk:DescribeEnvironments"));
});

test("only a TrafficSplitting target's pipeline rights reach its load balancer's listener and create target groups, by its own stack tag", async () => {
    const { beanstalkDeployStatements, beanstalkTarget } = await import("../infra/platforms/beanstalk/pipeline");
    const ctx = { partition: "aws", region: "us-east-1", accountId: "123456789012" } as unknown as Parameters<typeof beanstalkDeployStatements>[0];
    const sids = (st: { Sid?: string }[]) => st.map((x) => x.Sid ?? "");
    const immutable = beanstalkDeployStatements(ctx, [beanstalkTarget("shop", "staging"), beanstalkTarget("shop", "production")], "shop");
    assert.ok(!sids(immutable).some((s) => s.startsWith("BeanstalkSplit")), sids(immutable).join(", "));
    const split = beanstalkDeployStatements(ctx, [beanstalkTarget("shop", "staging"), beanstalkTarget("shop", "production", { settleMinutes: 10 })], "shop");
    const create = split.find((s) => s.Sid === "BeanstalkSplitTargetGroups");
    const shift = split.find((s) => s.Sid === "BeanstalkSplitTraffic");
    const owned = split.find((s) => s.Sid === "BeanstalkSplitTargetGroupsOwned");
    assert.deepEqual(create?.Condition, { StringEquals: { "aws:RequestTag/slipway:stack": ["shop/production"] } });
    assert.deepEqual(owned?.Condition, { StringEquals: { "aws:ResourceTag/slipway:stack": ["shop/production"] } });
    // EB's listener and rules cannot be tagged: re-weighting only, on EB-made load balancers (the waived reach).
    assert.deepEqual(shift?.Action, ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"]);
    assert.equal(shift?.Condition, undefined);
    assert.equal((shift?.Resource as unknown[]).length, 2, "the listeners and rules of EB-made load balancers, nothing else");
    // Tagging only on create: never re-tagging another stack's target group into this one's reach.
    assert.deepEqual(split.find((s) => s.Sid === "BeanstalkSplitTagOnCreate")?.Condition, { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup"], "aws:RequestTag/slipway:stack": ["shop/production"] } });
    assert.ok(!split.some((s) => s.Action.includes("elasticloadbalancing:AddTags") && !(s.Condition?.StringEquals as Record<string, unknown> | undefined)?.["elasticloadbalancing:CreateAction"]));
    assert.equal(beanstalkTarget("shop", "production", { settleMinutes: 10 }).settleMinutes, 10);
});

test("the shipped Beanstalk production's canary: the smoke test of its stage polls through the evaluation time", async () => {
    const d = await planStack("beanstalk-delivery");
    const smoke = all(d, "aws:codebuild/project:Project").find((p) => String(p.name).includes("smoke"));
    assert.ok(smoke, "a smoke-test project");
    // 20 minutes: the longest stage's attempts include the 10-minute evaluation (infra/delivery/pipeline.ts smokeTestAttempts).
    assert.ok(Number(smoke.inputs.buildTimeout) >= 20, `buildTimeout ${smoke.inputs.buildTimeout}`);
});
