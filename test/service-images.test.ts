// One image or several (infra/platforms/ecs/service-images.ts, docs/services.md "Own images"): a worker naming
// its own Dockerfile or target gets its own repository `<app>/<worker>`, built beside the app's image with the
// same sha, deployed from its own imagedefinitions file, checked and tagged by the smoke test; every role gets
// exactly those repositories. Each rule is broken here on purpose.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { smokeTestBuildSpec } from "../infra/delivery/build";
import { readStackFile } from "../infra/config/settings";
import { serviceRepositoryName } from "../infra/contract";
import { MOCK_ACCOUNT, Plan } from "../tools/plan/mock-engine";
import { Principal, principalOf, Request } from "../tools/check/iam-sim";
import { tagContext } from "../tools/check/iam-requests";
import { decisions } from "./iam-helpers";
import { Rule, stubAws } from "./aws-stub";
import { rawConfig, rejects, problemsOf } from "./config-helpers";
import { all, FIXTURES, one, planStack } from "./helpers";

const W = "slipway:workers";
const R = "us-east-1";
const A = MOCK_ACCOUNT;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const REPO = `${A}.dkr.ecr.${R}.amazonaws.com/shop`;
const repoArn = (name: string) => `arn:aws:ecr:${R}:${A}:repository/${name}`;
const workers = (o: Record<string, unknown>) => ({ [W]: JSON.stringify(o) });
const mailer = (extra: Record<string, unknown>) => workers({ mailer: { command: "celery -A shop worker", ...extra } });

let delivery: Plan;
let single: Plan;
let staging: Plan;
before(async () => {
    [delivery, single, staging] = await Promise.all([planStack("apps-delivery"), planStack("delivery"), planStack("apps-staging")]);
});

interface Stage {
    name: string;
    actions: { name: string; provider: string; configuration: Record<string, string> }[];
}
const stagesOf = (p: Plan) => one(p, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[];
const buildspecOf = (p: Plan, project: string) => JSON.parse((one(p, "aws:codebuild/project:Project", project).inputs.source as { buildspec: string }).buildspec);

// --- config -------------------------------------------------------------------------------------------

test("a worker's dockerfile must be a relative path inside the repository, named by its key", () => {
    for (const bad of ["/etc/Dockerfile", "../other/Dockerfile", "docker/my worker.Dockerfile", "", "a;rm -rf /"]) {
        rejects(rawConfig("apps-staging", mailer({ dockerfile: bad })), "slipway:workers.mailer.dockerfile", "relative path inside the app repository", "pulumi config set --path 'slipway:workers.mailer.dockerfile'");
    }
    rejects(rawConfig("apps-staging", mailer({ dockerfile: 7 })), "slipway:workers.mailer.dockerfile");
});

test("a worker's target must be a Dockerfile stage name, named by its key", () => {
    for (const bad of ["1st", "stage name", "-x", "a".repeat(129), "$(id)"]) {
        rejects(rawConfig("apps-staging", mailer({ target: bad })), "slipway:workers.mailer.target", "not a Dockerfile stage name", "pulumi config set --path 'slipway:workers.mailer.target'");
    }
    assert.deepEqual(problemsOf(rawConfig("apps-staging", mailer({ target: "Mailer.v2_x-1" }))), []);
});

test("a scheduled job naming a dockerfile or target is refused: jobs run the app's image", () => {
    const jobs = (extra: Record<string, unknown>) => ({ "slipway:jobs": JSON.stringify({ nightly: { command: "./x", schedule: "rate(1 day)", ...extra } }) });
    rejects(rawConfig("apps-staging", jobs({ dockerfile: "docker/job.Dockerfile" })), "slipway:jobs.nightly.dockerfile", "runs the app's image", "only a worker may build its own image");
    rejects(rawConfig("apps-staging", jobs({ target: "job" })), "slipway:jobs.nightly.target", "runs the app's image");
});

test("a worker with its own image on Elastic Beanstalk is refused with the workers, naming the key and the platform", () => {
    const problems = problemsOf(rawConfig("beanstalk-staging", mailer({ dockerfile: "docker/worker.Dockerfile" })));
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /slipway:workers is set, but slipway:platform is beanstalk/);
});

test("the delivery stack refuses a worker built differently in two pipeline stacks: one image is promoted", () => {
    const production = { ...readStackFile(FIXTURES, "apps-production"), ...mailer({ dockerfile: "docker/other.Dockerfile", target: "mailer" }) };
    rejects(rawConfig("apps-delivery", {}, { "apps-production": production }), "slipway:workers.mailer", "Pulumi.apps-staging.yaml", "Pulumi.apps-production.yaml", "promotes it unchanged");
    // Own image in staging, the app's image in production: as wrong.
    const appImage = { ...readStackFile(FIXTURES, "apps-production"), ...mailer({}) };
    rejects(rawConfig("apps-delivery", {}, { "apps-production": appImage }), "slipway:workers.mailer", "the app's image");
});

test("the delivery stack refuses a review template whose worker builds an image no pipeline stack builds", () => {
    const review = { ...readStackFile(FIXTURES, "review"), ...mailer({ dockerfile: "docker/review.Dockerfile" }) };
    rejects(rawConfig("apps-delivery", {}, { review }), "slipway:workers.mailer in the review template", "no pipeline stack builds");
    const same = { ...readStackFile(FIXTURES, "review"), ...mailer({ dockerfile: "docker/worker.Dockerfile", target: "mailer" }) };
    assert.deepEqual(problemsOf(rawConfig("apps-delivery", {}, { review: same })), []);
});

// --- plan ---------------------------------------------------------------------------------------------

test("a single-image app declares one repository and the single-image buildspecs", () => {
    assert.equal(all(single, "aws:ecr/repository:Repository").length, 1);
    assert.deepEqual(buildspecOf(single, "smoke-test-project"), smokeTestBuildSpec());
    const spec = buildspecOf(single, "build-project");
    assert.deepEqual(spec.artifacts.files, ["imagedefinitions.json", "image-tag.txt"]);
    assert.ok(!JSON.stringify(spec).includes("build_own_image"));
});

test("a worker's own image gets its own repository <app>/<worker>, kept exactly like the app's", () => {
    const app = one(delivery, "aws:ecr/repository:Repository", "registry-repository");
    const own = one(delivery, "aws:ecr/repository:Repository", "image-mailer-repository");
    assert.equal(own.inputs.name, serviceRepositoryName("shop", "mailer"));
    assert.equal(own.inputs.name, "shop/mailer");
    assert.deepEqual({ ...own.inputs, name: "" }, { ...app.inputs, name: "" }, "scan on push, immutable sha tags, KMS, protection: the same");
    assert.equal(own.protect, app.protect);
    const policy = (n: string) => one(delivery, "aws:ecr/lifecyclePolicy:LifecyclePolicy", n).inputs.policy;
    assert.equal(policy("image-mailer-lifecycle"), policy("registry-lifecycle"), "each stack's verified images are kept in every repository");
});

test("the build builds each image with its own Dockerfile, target and --cache-from, and emits its imagedefinitions file", () => {
    const spec = buildspecOf(delivery, "build-project");
    const commands = (spec.phases.build.commands as string[]).join("\n");
    assert.match(commands, /build_own_image mailer "docker\/worker\.Dockerfile" "mailer" > own-image-mailer\.log 2>&1 &/);
    assert.match(commands, /--cache-from "\$url:latest" -f "\$2" "\$\{target\[@\]\}"/);
    assert.deepEqual(spec.artifacts.files, ["imagedefinitions.json", "imagedefinitions-mailer.json", "image-tag.txt"]);
    // Still one CodeBuild project builds every image.
    assert.equal(all(delivery, "aws:codebuild/project:Project").filter((p) => (p.inputs.environment as { privilegedMode: boolean }).privilegedMode).length, 1);
});

test("each stage deploys the worker from its own imagedefinitions file, and tells the smoke test its repository", () => {
    for (const stage of stagesOf(delivery).filter((s) => s.name.startsWith("Apps-"))) {
        const deploy = stage.actions.find((a) => a.name === "Deploy-mailer");
        assert.equal(deploy?.configuration.FileName, "imagedefinitions-mailer.json");
        assert.equal(stage.actions.find((a) => a.name === "Deploy")?.configuration.FileName, "imagedefinitions.json");
        const vars = Object.fromEntries((JSON.parse(stage.actions.find((a) => a.name === "SmokeTest")!.configuration.EnvironmentVariables) as { name: string; value: string }[]).map((v) => [v.name, v.value]));
        const stack = stage.name.toLowerCase();
        assert.equal(vars.WORKER_IMAGES, `shop-${stack}-mailer=shop/mailer`);
        assert.equal(vars.IMAGE_REPOSITORIES, "shop/mailer");
    }
});

test("the environment runs the worker's own image with the verified sha, the web the app's", () => {
    const image = (name: string) => (JSON.parse(String(one(staging, "aws:ecs/taskDefinition:TaskDefinition", name).inputs.containerDefinitions)) as { image: string }[])[0].image;
    assert.equal(image("worker-mailer-task"), `${REPO}/mailer:latest`);
    assert.equal(image("app-task"), `${REPO}:latest`);
});

// --- the build's shell, run for real against stub docker and aws ----------------------------------------

interface BuildRun {
    status: number | null;
    stdout: string;
    stderr: string;
    docker: string[];
    files: Map<string, string>;
}

/** Runs the build phase in bash with stub `docker` (failing `docker build` for `-t` URLs matching `fail`) and `aws` (`pushed`: shas already in the registry). */
function runBuild(o: { fail?: string; pushed?: boolean; branch?: string } = {}): BuildRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-images-"));
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    const rules: Rule[] = [{ cmd: "ecr describe-images", replies: [{ rc: o.pushed ? 0 : 254, err: o.pushed ? "" : "ImageNotFoundException" }] }];
    stubAws(bin, rules);
    fs.writeFileSync(
        path.join(bin, "docker"),
        ["#!/bin/bash", 'd="${0%/*}"', 'printf "%s\\n" "$*" >> "$d/docker.log"', ...(o.fail ? [`[ "$1" = build ] && [[ "$*" == *${o.fail}* ]] && { echo "stub docker: build failed" >&2; exit 1; }`] : []), "exit 0", ""].join("\n"),
        { mode: 0o755 },
    );
    const spec = buildspecOf(delivery, "build-project") as { phases: { build: { commands: string[] } } };
    const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", spec.phases.build.commands.join("\n")], {
        cwd: work,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, REPOSITORY_URL: REPO, REPOSITORY_NAME: "shop", IMAGE_TAG: SHA, DOCKERFILE: "Dockerfile", DOCKER_CONTEXT: ".", CONTAINER_NAME: "app", RELEASE_BRANCH: "main", SOURCE_BRANCH: o.branch ?? "main" },
        encoding: "utf8",
        timeout: 60_000,
    });
    const files = new Map(fs.readdirSync(work).map((f) => [f, fs.readFileSync(path.join(work, f), "utf8")]));
    const log = path.join(bin, "docker.log");
    const docker = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, docker, files };
}
const shown = (r: BuildRun) => `exit ${r.status}\n${r.stdout}\n${r.stderr}\ndocker:\n${r.docker.join("\n")}`;

test("the build pushes both images with the commit sha, moves both latest tags, and names each in its own file", () => {
    const r = runBuild();
    assert.equal(r.status, 0, shown(r));
    assert.ok(r.docker.includes(`build --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from ${REPO}/mailer:latest -f docker/worker.Dockerfile --target mailer -t ${REPO}/mailer:${SHA} .`), shown(r));
    assert.ok(r.docker.includes(`build --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from ${REPO}:latest -f Dockerfile -t ${REPO}:${SHA} .`), shown(r));
    for (const pushed of [`push ${REPO}/mailer:${SHA}`, `push ${REPO}:${SHA}`, `push ${REPO}/mailer:latest`, `push ${REPO}:latest`]) assert.ok(r.docker.includes(pushed), `${pushed}\n${shown(r)}`);
    assert.equal(r.files.get("imagedefinitions.json"), `[{"name":"app","imageUri":"${REPO}:${SHA}"}]`);
    assert.equal(r.files.get("imagedefinitions-mailer.json"), `[{"name":"app","imageUri":"${REPO}/mailer:${SHA}"}]`);
    assert.ok(![...r.files.keys()].some((f) => f.endsWith(".log")), "the build logs are printed and removed");
    assert.match(r.stdout, /own-image-mailer: built/);
});

test("a worker's image that fails to build fails the build, though the app's image built", () => {
    const r = runBuild({ fail: "/mailer:" });
    assert.notEqual(r.status, 0, shown(r));
    assert.match(r.stderr, /own-image-mailer: FAILED/);
    assert.match(r.stdout + r.stderr, /stub docker: build failed/, "the failed build's log is printed");
    assert.ok(!r.files.has("imagedefinitions-mailer.json") && !r.files.has("imagedefinitions.json"), "nothing to deploy");
});

test("the app's image failing fails the build too, after the workers' builds end", () => {
    const r = runBuild({ fail: `${REPO}:${SHA}` });
    assert.notEqual(r.status, 0, shown(r));
    assert.match(r.stderr, /the app's image did not build/);
});

test("an already-pushed sha is not rebuilt in either repository; off the release branch no latest moves", () => {
    const r = runBuild({ pushed: true, branch: "feature" });
    assert.equal(r.status, 0, shown(r));
    assert.deepEqual(r.docker.filter((c) => c.startsWith("build") || c.startsWith("push")), [], shown(r));
    assert.match(r.stdout, /mailer: .* already in the registry/);
});

// --- the smoke test: each worker's own image, every repository tagged verified ---------------------------

const TD = `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging:7`;
const WTD = `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging_mailer:3`;
const TASK = (id: string) => `arn:aws:ecs:${R}:${A}:task/shop-apps-staging/${id}`;

function smokeRules(workerImage: string): Rule[] {
    const c = "--cluster shop-apps-staging";
    return [
        { cmd: `ecs describe-services ${c} --services shop-apps-staging-mailer`, replies: [{ out: `PRIMARY\tCOMPLETED\t${WTD}\n` }] },
        { cmd: "ecs describe-task-definition", has: WTD, replies: [{ out: `${workerImage}\n` }] },
        { cmd: `ecs list-tasks ${c} --service-name shop-apps-staging-mailer`, replies: [{ out: `${TASK("w1")}\n` }] },
        { cmd: `ecs describe-tasks ${c}`, has: TASK("w1"), replies: [{ out: `${TASK("w1")}\t${WTD}\tRUNNING\n` }] },
        { cmd: `ecs describe-services ${c} --services shop-apps-staging`, replies: [{ out: `PRIMARY\tCOMPLETED\t${TD}\n` }] },
        { cmd: "ecs describe-task-definition", has: "shop-apps-staging_nightly", replies: [{ out: `${REPO}:${SHA}\n` }] },
        { cmd: "ecs describe-task-definition", replies: [{ out: `${REPO}:${SHA}\n` }] },
        { cmd: `ecs list-tasks ${c} --service-name shop-apps-staging`, replies: [{ out: `${TASK("a1")}\n` }] },
        { cmd: `ecs describe-tasks ${c}`, replies: [{ out: `${TASK("a1")}\t${TD}\tRUNNING\n` }] },
        { cmd: "ecr batch-get-image", has: "imageId.imageDigest", replies: [{ out: "sha256:4f1c\tapplication/vnd.docker.distribution.manifest.v2+json\n" }] },
        { cmd: "ecr batch-get-image", has: "images[0].imageManifest", replies: [{ out: '{"schemaVersion":2}\n' }] },
        { cmd: "ecr put-image", replies: [{ out: "sha256:4f1c\n" }] },
        { cmd: "ssm put-parameter", replies: [{ out: "{}\n" }] },
    ];
}

function runSmoke(rules: Rule[]): { status: number | null; stdout: string; stderr: string; aws: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-images-smoke-"));
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    stubAws(bin, rules);
    fs.writeFileSync(path.join(bin, "curl"), '#!/bin/bash\nprintf 200\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/bash\n", { mode: 0o755 });
    fs.writeFileSync(path.join(work, "image-tag.txt"), SHA);
    const stage = stagesOf(delivery).find((s) => s.name === "Apps-Staging")!;
    const vars = Object.fromEntries((JSON.parse(stage.actions.find((a) => a.name === "SmokeTest")!.configuration.EnvironmentVariables) as { name: string; value: string; type: string }[]).map((v) => [v.name, v.type === "PARAMETER_STORE" ? "https://x.example/health" : v.value]));
    const spec = buildspecOf(delivery, "smoke-test-project") as { phases: { build: { commands: string[] } } };
    const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", spec.phases.build.commands.join("\n")], { cwd: work, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ...vars, ATTEMPTS: "2" }, encoding: "utf8", timeout: 60_000 });
    const log = path.join(bin, "aws.log");
    const aws = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, aws };
}

test("the smoke test passes a worker running its own image, tags the sha verified in both repositories, then records it", () => {
    const r = runSmoke(smokeRules(`${REPO}/mailer:${SHA}`));
    const explain = `exit ${r.status}\n${r.stdout}\n${r.stderr}\n${r.aws.join("\n")}`;
    assert.equal(r.status, 0, explain);
    const tags = r.aws.filter((c) => c.startsWith("ecr put-image"));
    assert.deepEqual(tags.map((c) => c.split(" ")[3]), ["shop", "shop/mailer"], explain);
    assert.ok(tags.every((c) => c.includes(`--image-tag verified-apps-staging-${SHA}`)), explain);
    const record = r.aws.findIndex((c) => c.startsWith("ssm put-parameter"));
    assert.ok(record > r.aws.lastIndexOf(tags[1]), "the sha is recorded only once every image carries its verified tag");
});

test("the smoke test refuses a worker with its own image that runs the app's image instead, and records nothing", () => {
    const r = runSmoke(smokeRules(`${REPO}:${SHA}`));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`shop-apps-staging-mailer runs ${REPO}:${SHA} .*not ${REPO}/mailer:${SHA}`));
    assert.deepEqual(r.aws.filter((c) => c.startsWith("ecr put-image") || c.startsWith("ssm put-parameter")), []);
});

// --- who may do what --------------------------------------------------------------------------------------

const deliveryRole = (p: Plan, role: string): Principal => principalOf(p, role, [p], {}, { "slipway:stack": `shop/${p.stack}` });
const fromDelivery = { "aws:RequestedRegion": R, ...tagContext("shop/apps-delivery", true, false) };
const ecrRequests = (actions: string[], repository: string, why: string): Request[] => actions.map((action) => ({ action, resource: repoArn(repository), context: fromDelivery, why }));
const PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"];
const PULL = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];

test("the build role pushes to the worker's repository, and to no repository the pipeline does not build", async () => {
    const build = deliveryRole(delivery, "build-role");
    assert.deepEqual(await decisions(build, ecrRequests(PUSH, "shop/mailer", "the worker's own image"), "Allowed"), []);
    const elsewhere = [...ecrRequests(PUSH, "shop/other", "a repository of no image"), ...ecrRequests(PUSH, "other/mailer", "another app's worker")];
    assert.deepEqual(await decisions(build, elsewhere, "denied"), []);
    // The single-image app's build role has no right on any worker's repository.
    assert.deepEqual(await decisions(deliveryRole(single, "build-role"), ecrRequests(PUSH, "shop/mailer", "not built by this pipeline"), "denied"), []);
});

test("the smoke-test role retags in the worker's repository only", async () => {
    const smoke = deliveryRole(delivery, "smoke-test-role");
    assert.deepEqual(await decisions(smoke, ecrRequests(["ecr:BatchGetImage", "ecr:PutImage"], "shop/mailer", "verified tag"), "Allowed"), []);
    assert.deepEqual(await decisions(smoke, ecrRequests(["ecr:PutImage"], "shop/other", "a repository of no image"), "denied"), []);
});

/** An environment's execution role, with the delivery stack's runtime policy attached and its boundary. */
async function executionRole(stack: string, deliveryPlan: Plan, as?: string): Promise<Principal> {
    const env = await planStack(stack, as ? { stackName: as } : {});
    return principalOf(env, "app-execution", [env, deliveryPlan], {}, { "slipway:stack": `shop/${as ?? stack}` });
}

for (const stack of ["apps-staging", "apps-production"]) {
    test(`${stack}'s execution role pulls the worker's own image, under its boundary`, async () => {
        const role = await executionRole(stack, delivery);
        assert.ok(role.boundary);
        assert.deepEqual(await decisions(role, ecrRequests(PULL, "shop/mailer", `${stack} starts a mailer task`), "Allowed"), []);
        assert.deepEqual(await decisions(role, ecrRequests(PULL, "shop/other", "a repository its stack runs no image of"), "denied"), []);
    });
}

test("stacks that run no worker image cannot pull it: review stacks of a template without it, another pipeline's staging", async () => {
    const review = await executionRole("staging", delivery, "review-pr-7");
    assert.deepEqual(await decisions(review, ecrRequests(PULL, "shop/mailer", "the review template runs no own image"), "denied"), []);
    const other = await executionRole("staging", single);
    assert.deepEqual(await decisions(other, ecrRequests(PULL, "shop/mailer", "the single-image pipeline's staging"), "denied"), []);
});

test("a runtime policy without the worker's repository is caught: the task could not pull its image", async () => {
    const role = await executionRole("apps-staging", delivery);
    const strip = (v: unknown): unknown => (Array.isArray(v) ? v.filter((x) => !String(x).endsWith("/shop/mailer")) : v);
    const weakened: Principal = { ...role, policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.map((s) => ({ ...(s as object), Resource: strip((s as { Resource?: unknown }).Resource) })) } })) };
    const denied = await decisions(weakened, ecrRequests(PULL, "shop/mailer", "mailer task start"), "Allowed");
    assert.equal(denied.length, PULL.length, denied.join("\n"));
});

test("a boundary that does not exempt the worker's repository is caught: the delivery stack's tag would deny the pull", async () => {
    const role = await executionRole("apps-staging", delivery);
    assert.ok(role.boundary);
    const strip = (v: unknown): unknown => (Array.isArray(v) ? v.filter((x) => !String(x).endsWith("/shop/mailer")) : v);
    const boundary = { ...role.boundary, Statement: role.boundary.Statement.map((s) => { const n = (s as { NotResource?: unknown }).NotResource; return n === undefined ? s : { ...(s as object), NotResource: strip(n) }; }) };
    const weakened: Principal = { ...role, boundary };
    const denied = await decisions(weakened, ecrRequests(PULL, "shop/mailer", "mailer task start"), "Allowed");
    assert.equal(denied.length, PULL.length, denied.join("\n"));
});
