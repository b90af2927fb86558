// The smoke test's buildspec, run for real: bash --noprofile --norc with a PATH holding stub `aws`,
// `curl` and `sleep` (nothing from the machine's shell start-up files or a real AWS CLI), in a work
// directory holding the build artifact's image-tag.txt, with exactly the environment variables the
// planned pipeline action passes. Each stub answers what the AWS CLI prints for the script's
// --query/--output text, and logs its calls so the tests can say what was (not) recorded.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beanstalkBundleFiles } from "../infra/platforms/beanstalk/bundle";
import { smokeTestBuildSpec } from "../infra/delivery/build";
import { Plan } from "../tools/plan/mock-engine";
import { all, one, planStack } from "./helpers";
import { countCall, dq, Reply, Rule, stubAws, stubSleep } from "./aws-stub";

interface Stage {
    name: string;
    actions: { name: string; configuration: Record<string, string> }[];
}

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OTHER = "fedcba9876543210fedcba9876543210fedcba98";
const REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop";
const HEALTH = "https://shop.acme.example/health";
const TD = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/shop-staging:${n}`;
const TASK = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/shop-staging/${id}`;
const EB_BUCKET = "elasticbeanstalk-us-east-1-123456789012";
const LABEL = "code-pipeline-1767225600000-image-3f2a";

let ecsPlan: Plan;
let mixedPlan: Plan;
before(async () => {
    ecsPlan = await planStack("delivery");
    mixedPlan = await planStack("delivery", { set: { "slipway:pipelineStacks": JSON.stringify(["beanstalk-staging", "production"]) } });
});

/** The smoke action's environment variables, as CodeBuild would hand them to the build (parameters resolved). */
function actionEnv(plan: Plan, stage: string): Record<string, string> {
    const stages = one(plan, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[];
    const smoke = stages.find((s) => s.name === stage)?.actions.find((a) => a.name === "SmokeTest");
    assert.ok(smoke, `no SmokeTest in ${stage}`);
    const vars = JSON.parse(smoke.configuration.EnvironmentVariables) as { name: string; value: string; type: string }[];
    return Object.fromEntries(vars.map((v) => [v.name, v.type === "PARAMETER_STORE" ? HEALTH : v.value]));
}

/** curl prints the nth status code on its nth call (the last repeating); 000 is a failed connection (exit 7). */
function stubCurl(dir: string, codes: string[]): void {
    codes.forEach((c, i) => fs.writeFileSync(path.join(dir, `code.${i + 1}`), c));
    fs.writeFileSync(path.join(dir, "code.last"), codes[codes.length - 1]);
    fs.writeFileSync(
        path.join(dir, "curl"),
        [
            "#!/bin/bash",
            `d=${dq(path.resolve(dir))}`,
            'printf "%s\\n" "$*" >> "$d/curl.log"',
            countCall('"$d/curl.n"'),
            'f="$d/code.$n"; [ -e "$f" ] || f="$d/code.last"',
            'read -r code < "$f"; printf "%s" "$code"; [ "$code" = 000 ] && exit 7; exit 0',
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
}

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    aws: string[];
    curls: string[];
    sleeps: number;
}

/** Runs the buildspec's commands as CodeBuild would (one shell, in order) with the stubs first on PATH. */
function runSmoke(env: Record<string, string>, rules: Rule[], codes: string[], imageTag = SHA): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-smoke-"));
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    stubAws(bin, rules);
    stubCurl(bin, codes);
    stubSleep(bin);
    fs.writeFileSync(path.join(work, "image-tag.txt"), imageTag);
    const spec = smokeTestBuildSpec() as { env: { shell: string }; phases: { build: { commands: string[] } } };
    assert.equal(spec.env.shell, "bash");
    const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", spec.phases.build.commands.join("\n")], {
        cwd: work,
        // Only what CodeBuild sets and the action passes: no inherited shell start-up variables.
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1", CODEBUILD_SRC_DIR: work, ...env },
        encoding: "utf8",
        timeout: 60_000,
    });
    const lines = (f: string) => (fs.existsSync(path.join(bin, f)) ? fs.readFileSync(path.join(bin, f), "utf8").split("\n").filter(Boolean) : []);
    const run = { status: r.status, stdout: r.stdout, stderr: r.stderr, aws: lines("aws.log"), curls: lines("curl.log"), sleeps: lines("sleep.log").length };
    fs.rmSync(dir, { recursive: true, force: true });
    return run;
}

const recorded = (r: Run) => r.aws.filter((c) => c.startsWith("ssm put-parameter"));
const tagged = (r: Run) => r.aws.filter((c) => c.startsWith("ecr put-image"));
const explain = (r: Run) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\naws calls:\n${r.aws.join("\n")}`;

/** Passes only if the image was tagged verified, then recorded, each exactly once, after a 2xx answer. */
function assertRecorded(r: Run, stack: string): void {
    assert.equal(r.status, 0, explain(r));
    assert.equal(tagged(r).length, 1, explain(r));
    assert.match(tagged(r)[0], new RegExp(`--repository-name shop --image-tag verified-${stack}-${SHA} --image-manifest`));
    assert.deepEqual(recorded(r), [`ssm put-parameter --name /slipway/shop/${stack}/image-tag --type String --overwrite --value ${SHA}`]);
    assert.ok(r.aws.indexOf(tagged(r)[0]) < r.aws.indexOf(recorded(r)[0]), "the parameter may only name an image already protected by its verified tag");
}

function assertNothingRecorded(r: Run, message: RegExp): void {
    assert.notEqual(r.status, 0, explain(r));
    assert.deepEqual(recorded(r), [], explain(r));
    assert.deepEqual(tagged(r), [], explain(r));
    assert.match(r.stderr, message);
}

/** What ECR answers for the sha tag, the retag and the parameter write. */
const registry = (putImage: Reply = { out: "sha256:4f1c\n" }): Rule[] => [
    { cmd: "ecr batch-get-image", has: "imageId.imageDigest", replies: [{ out: "sha256:4f1c\tapplication/vnd.docker.distribution.manifest.v2+json\n" }] },
    { cmd: "ecr batch-get-image", has: "images[0].imageManifest", replies: [{ out: '{"schemaVersion":2,"config":{"digest":"sha256:c0"}}\n' }] },
    { cmd: "ecr put-image", replies: [putImage] },
    { cmd: "ssm put-parameter", replies: [{ out: '{"Version": 4, "Tier": "Standard"}\n' }] },
];

// --- ECS ---------------------------------------------------------------------------------------------

const settled = (td: string) => ({ out: `PRIMARY\tCOMPLETED\t${td}\n` });
const image = (tag: string) => ({ out: `${REPO}:${tag}\n` });
const tasks = (...t: [string, string, string][]) => ({ out: t.map((x) => x.join("\t")).join("\n") + "\n" });

function ecs(over: { services?: Reply[]; taskDef?: Reply[]; list?: Reply[]; describe?: Reply[]; putImage?: Reply } = {}): Rule[] {
    return [
        { cmd: "ecs describe-services --cluster shop-staging --services shop-staging", replies: over.services ?? [settled(TD(7))] },
        { cmd: "ecs describe-task-definition", replies: over.taskDef ?? [image(SHA)] },
        { cmd: "ecs list-tasks --cluster shop-staging --service-name shop-staging --desired-status RUNNING", replies: over.list ?? [{ out: `${TASK("a1")}\t${TASK("b2")}\n` }] },
        { cmd: "ecs describe-tasks --cluster shop-staging", replies: over.describe ?? [tasks([TASK("a1"), TD(7), "RUNNING"], [TASK("b2"), TD(7), "RUNNING"])] },
        ...registry(over.putImage),
    ];
}
const stagingEnv = (over: Record<string, string> = {}) => ({ ...actionEnv(ecsPlan, "Staging"), ATTEMPTS: "4", ...over });

test("the planned smoke-test project runs exactly this buildspec", () => {
    const project = all(ecsPlan, "aws:codebuild/project:Project").find((p) => !(p.inputs.environment as { privilegedMode: boolean }).privilegedMode);
    assert.deepEqual(JSON.parse((project?.inputs.source as { buildspec: string }).buildspec), smokeTestBuildSpec());
});

test("ECS: the expected image, settled and running everywhere, answering 2xx, is tagged verified and recorded", () => {
    const r = runSmoke(stagingEnv(), ecs(), ["200"]);
    assertRecorded(r, "staging");
    assert.deepEqual(r.curls.length, 1);
    assert.ok(r.curls[0].endsWith(HEALTH));
    // The task definition checked is the primary deployment's.
    assert.ok(r.aws.some((c) => c.startsWith(`ecs describe-task-definition --task-definition ${TD(7)}`)), explain(r));
    assert.ok(r.aws.some((c) => c.includes(`--tasks ${TASK("a1")} ${TASK("b2")}`)), explain(r));
    assert.match(r.stdout, /recorded/);
});

test("ECS: a service running another image fails, says what runs instead and records nothing", () => {
    const r = runSmoke(stagingEnv(), ecs({ taskDef: [image(OTHER)] }), ["200"]);
    assertNothingRecorded(r, new RegExp(`${REPO}:${OTHER}`));
    assert.match(r.stderr, new RegExp(`${REPO}:${SHA}`), "the message names the expected image too");
    assert.equal(r.curls.length, 0, "the health URL of another image proves nothing");
});

test("ECS: a deployment still in progress is polled until it settles, then recorded", () => {
    const r = runSmoke(
        stagingEnv(),
        ecs({
            services: [{ out: `PRIMARY\tIN_PROGRESS\t${TD(8)}\nACTIVE\tCOMPLETED\t${TD(7)}\n` }, { out: `PRIMARY\tIN_PROGRESS\t${TD(8)}\n` }, settled(TD(8))],
            describe: [tasks([TASK("a1"), TD(8), "RUNNING"], [TASK("b2"), TD(8), "RUNNING"])],
        }),
        ["200"],
    );
    assertRecorded(r, "staging");
    assert.equal(r.aws.filter((c) => c.startsWith("ecs describe-services")).length, 4, "three polls, then the check after the health answer");
    assert.equal(r.sleeps, 2);
    assert.match(r.stdout, /2 deployments/);
});

test("ECS: tasks of the old task definition still running are waited out", () => {
    const r = runSmoke(
        stagingEnv(),
        ecs({ describe: [tasks([TASK("a1"), TD(6), "RUNNING"], [TASK("b2"), TD(7), "RUNNING"]), tasks([TASK("b2"), TD(7), "RUNNING"], [TASK("c3"), TD(7), "RUNNING"])] }),
        ["200"],
    );
    assertRecorded(r, "staging");
    assert.match(r.stdout, /a1 runs shop-staging:6/);
});

test("ECS: a deployment that never settles fails after the configured attempts", () => {
    const r = runSmoke(stagingEnv({ ATTEMPTS: "3" }), ecs({ services: [{ out: `PRIMARY\tIN_PROGRESS\t${TD(8)}\nACTIVE\tCOMPLETED\t${TD(7)}\n` }] }), ["200"]);
    assertNothingRecorded(r, /after 3 attempts.*2 deployments/);
    assert.equal(r.aws.filter((c) => c.startsWith("ecs describe-services")).length, 3);
});

test("ECS: an unhealthy URL fails the stage and records nothing", () => {
    const r = runSmoke(stagingEnv({ ATTEMPTS: "3" }), ecs(), ["503"]);
    assertNothingRecorded(r, /answered 503/);
    assert.equal(r.curls.length, 3);
});

test("ECS: an image replaced while the health URL was requested is not recorded", () => {
    const r = runSmoke(stagingEnv(), ecs({ taskDef: [image(SHA), image(OTHER)] }), ["200"]);
    assertNothingRecorded(r, new RegExp(`changed while.*${REPO}:${OTHER}`));
});

test("ECS: a failed rollout fails at once", () => {
    const r = runSmoke(stagingEnv(), ecs({ services: [{ out: `PRIMARY\tFAILED\t${TD(8)}\n` }] }), ["200"]);
    assertNothingRecorded(r, /FAILED/);
    assert.equal(r.sleeps, 0);
});

test("a re-verified image (its verified tag already there) is recorded again", () => {
    const exists = { rc: 254, err: `An error occurred (ImageAlreadyExistsException) when calling the PutImage operation: Image with digest 'sha256:4f1c' and tag 'verified-staging-${SHA}' already exists in the repository\n` };
    const r = runSmoke(stagingEnv(), ecs({ putImage: exists }), ["200"]);
    assert.equal(r.status, 0, explain(r));
    assert.equal(recorded(r).length, 1);
});

test("an ECR refusal to tag stops the record", () => {
    const denied = { rc: 254, err: "An error occurred (AccessDeniedException) when calling the PutImage operation: not authorized\n" };
    const r = runSmoke(stagingEnv(), ecs({ putImage: denied }), ["200"]);
    assert.notEqual(r.status, 0);
    assert.deepEqual(recorded(r), []);
    assert.match(r.stderr, /AccessDenied/);
});

test("an image-tag.txt that is not a commit sha is refused before anything is asked", () => {
    const r = runSmoke(stagingEnv(), ecs(), ["200"], "latest");
    assertNothingRecorded(r, /image-tag\.txt says "latest", which is not a commit sha/);
    assert.deepEqual(r.aws, []);
});

// --- Elastic Beanstalk ------------------------------------------------------------------------------

/** A source bundle as the build writes it (infra/platforms/beanstalk/bundle.ts), zipped like the pipeline artifact. */
function bundle(imageUri: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bundle-"));
    for (const [file, content] of Object.entries(beanstalkBundleFiles(imageUri))) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
    const zip = `${dir}.zip`;
    execFileSync("zip", ["-q", "-r", zip, "."], { cwd: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    return zip;
}

const ready = (label = LABEL) => ({ out: `Ready\tFalse\t${label}\n` });

function beanstalk(over: { env?: Reply[]; versions?: Reply[]; s3?: Reply[] } = {}): Rule[] {
    return [
        { cmd: "elasticbeanstalk describe-environments --application-name shop --environment-names shop-beanstalk-staging", replies: over.env ?? [ready()] },
        { cmd: "elasticbeanstalk describe-application-versions --application-name shop --version-labels", replies: over.versions ?? [{ out: `${EB_BUCKET}\tshop/${LABEL}.zip\n` }] },
        { cmd: "s3 cp", replies: over.s3 ?? [{ file: bundle(`${REPO}:${SHA}`) }] },
        ...registry(),
    ];
}
const ebEnv = (over: Record<string, string> = {}) => ({ ...actionEnv(mixedPlan, "Beanstalk-Staging"), ATTEMPTS: "4", ...over });

test("Beanstalk: a Ready environment whose version's Compose file names the expected image, answering 2xx, is recorded", () => {
    const r = runSmoke(ebEnv(), beanstalk(), ["204"]);
    assertRecorded(r, "beanstalk-staging");
    assert.ok(r.aws.includes(`s3 cp s3://${EB_BUCKET}/shop/${LABEL}.zip -`), explain(r));
    assert.ok(r.aws.some((c) => c.startsWith(`elasticbeanstalk describe-application-versions --application-name shop --version-labels ${LABEL}`)), explain(r));
});

test("Beanstalk: a version naming another image fails, says which version and image run, records nothing", () => {
    const r = runSmoke(ebEnv(), beanstalk({ s3: [{ file: bundle(`${REPO}:${OTHER}`) }] }), ["200"]);
    assertNothingRecorded(r, new RegExp(`${LABEL}.*${REPO}:${OTHER}`));
    assert.equal(r.curls.length, 0);
});

test("Beanstalk: an environment still updating is polled until Ready, then recorded", () => {
    const r = runSmoke(ebEnv(), beanstalk({ env: [{ out: `Updating\tTrue\t${LABEL}\n` }, { out: `Updating\tFalse\t${LABEL}\n` }, ready()] }), ["200"]);
    assertRecorded(r, "beanstalk-staging");
    assert.equal(r.sleeps, 2);
    assert.match(r.stdout, /Updating/);
});

test("Beanstalk: an unhealthy URL fails the stage and records nothing", () => {
    const r = runSmoke(ebEnv({ ATTEMPTS: "2" }), beanstalk(), ["000"]);
    assertNothingRecorded(r, /answered 000/);
});

test("Beanstalk: a bundle the smoke test cannot read (not one the pipeline deployed) is refused", () => {
    const r = runSmoke(
        ebEnv(),
        beanstalk({ versions: [{ out: `shop-eb-bundles-1a2b\tbundle-v1.zip\n` }], s3: [{ rc: 1, err: "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden\n" }] }),
        ["200"],
    );
    assertNothingRecorded(r, /version code-pipeline-\S+, whose bundle s3:\/\/shop-eb-bundles-1a2b\/bundle-v1\.zip the smoke test cannot read.*403/);
});

test("Beanstalk: a missing environment is refused with its name", () => {
    const r = runSmoke(ebEnv(), beanstalk({ env: [{ out: "None\tNone\tNone\n" }] }), ["200"]);
    assertNothingRecorded(r, /shop-beanstalk-staging.*not found/);
});

const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
test("the smoke test's shell passes shellcheck", { skip: shellcheck ? false : "shellcheck is not installed (apt-get install shellcheck)" }, () => {
    const spec = smokeTestBuildSpec() as { phases: { build: { commands: string[] } } };
    const r = spawnSync("shellcheck", ["-s", "bash", "-"], { input: spec.phases.build.commands.join("\n"), encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout);
});

// --- ECS workers (WORKER_SERVICE_NAMES) ----------------------------------------------------------------

const WTD = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/shop-staging_mailer:${n}`;
/** A worker `shop-staging-mailer` beside the web service: its rules come first (the stub matches prefixes). */
function withWorker(over: { taskDef?: Reply[]; list?: Reply[]; desired?: Reply[] } = {}, web: Rule[] = ecs()): Rule[] {
    return [
        { cmd: "ecs describe-services --cluster shop-staging --services shop-staging-mailer", has: "desiredCount", replies: over.desired ?? [{ out: "1\n" }] },
        { cmd: "ecs describe-services --cluster shop-staging --services shop-staging-mailer", replies: [settled(WTD(3))] },
        { cmd: "ecs describe-task-definition", has: WTD(3), replies: over.taskDef ?? [image(SHA)] },
        { cmd: "ecs list-tasks --cluster shop-staging --service-name shop-staging-mailer --desired-status RUNNING", replies: over.list ?? [{ out: `${TASK("w1")}\n` }] },
        { cmd: "ecs describe-tasks --cluster shop-staging", has: TASK("w1"), replies: [tasks([TASK("w1"), WTD(3), "RUNNING"])] },
        ...web,
    ];
}
const workerEnv = (over: Record<string, string> = {}) => stagingEnv({ WORKER_SERVICE_NAMES: "shop-staging-mailer", ...over });

// Its role reading the workers' services is simulated in test/iam-service-roles.test.ts (smokeTestRequests).
test("ECS workers: the planned smoke test is told the stage's workers", async () => {
    const apps = await planStack("apps-delivery");
    assert.equal(actionEnv(apps, "Apps-Staging").WORKER_SERVICE_NAMES, "shop-apps-staging-mailer");
    assert.equal(actionEnv(ecsPlan, "Staging").WORKER_SERVICE_NAMES, undefined, "a stage without workers is told none");
});

test("ECS workers: the web service and every worker running the expected image is recorded", () => {
    const r = runSmoke(workerEnv(), withWorker(), ["200"]);
    assertRecorded(r, "staging");
    assert.ok(r.aws.some((c) => c.startsWith(`ecs describe-task-definition --task-definition ${WTD(3)}`)), explain(r));
    assert.match(r.stdout, /1 task\(s\) of shop-staging_mailer:3 run/);
});

test("ECS workers: a worker running another image fails the smoke test, naming the worker, and records nothing", () => {
    const r = runSmoke(workerEnv(), withWorker({ taskDef: [image(OTHER)] }), ["200"]);
    assertNothingRecorded(r, new RegExp(`shop-staging-mailer runs ${REPO}:${OTHER}`));
});

test("ECS workers: a worker with no task running is waited for, unless it is scaled to 0", () => {
    const waiting = runSmoke(workerEnv({ ATTEMPTS: "2" }), withWorker({ list: [{ out: "" }] }), ["200"]);
    assertNothingRecorded(waiting, /no task of shop-staging-mailer is running yet/);
    const off = runSmoke(workerEnv(), withWorker({ list: [{ out: "" }], desired: [{ out: "0\n" }] }), ["200"]);
    assertRecorded(off, "staging");
    assert.match(off.stdout, /shop-staging-mailer runs no task \(desired 0\)/);
});

// --- ECS scheduled jobs (JOB_FAMILIES) -------------------------------------------------------------------

const JOB = "shop-staging_nightly";
const withJob = (jobImage: Reply[], web: Rule[] = ecs()): Rule[] => [{ cmd: `ecs describe-task-definition --task-definition ${JOB} `, replies: jobImage }, ...web];
const jobEnv = (over: Record<string, string> = {}) => stagingEnv({ JOB_FAMILIES: JOB, ...over });

test("ECS jobs: the planned smoke test is told the stage's job families", async () => {
    const apps = await planStack("apps-delivery");
    assert.equal(actionEnv(apps, "Apps-Staging").JOB_FAMILIES, "shop-apps-staging_nightly");
    assert.equal(actionEnv(ecsPlan, "Staging").JOB_FAMILIES, undefined, "a stage without jobs is told none");
});

test("ECS jobs: a job family whose latest revision has the expected image is recorded with the services", () => {
    const r = runSmoke(jobEnv(), withJob([image(SHA)]), ["200"]);
    assertRecorded(r, "staging");
    assert.ok(r.aws.some((c) => c.startsWith(`ecs describe-task-definition --task-definition ${JOB} `)), explain(r));
    assert.match(r.stdout, new RegExp(`job ${JOB} runs ${REPO.replace(/\./g, "\\.")}:${SHA}`));
});

test("ECS jobs: a job family that would run another image, or cannot be read, fails the smoke test and records nothing", () => {
    const other = runSmoke(jobEnv(), withJob([image(OTHER)]), ["200"]);
    assertNothingRecorded(other, new RegExp(`the scheduled job family ${JOB} would run ${REPO.replace(/\./g, "\\.")}:${OTHER}`));
    const gone = runSmoke(jobEnv(), withJob([{ err: "An error occurred (ClientException): Unable to describe task definition.", rc: 254 }]), ["200"]);
    assertNothingRecorded(gone, new RegExp(`aws ecs describe-task-definition ${JOB} failed`));
});
