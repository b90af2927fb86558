// GitHub deployments and commit statuses (slipway:githubStatus, infra/delivery/github-status.ts): the
// config's checks, what the delivery stack declares, and the reporter's buildspec run for real
// (runBuildSpec: bash with stub `aws` and `curl`, nothing from the network) against GitHub's answers,
// errors included. Whatever GitHub or AWS answers, the reporter ends 0 and never shows the token.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { githubStatusBuildSpec, stageEventInput } from "../infra/delivery/github-status";
import { Rule, runBuildSpec } from "./aws-stub";
import { problemsOf, rawConfig } from "./config-helpers";
import { all, json, one, planStack } from "./helpers";

const TOKEN = "github_pat_11AEXAMPLE0test0token0value0never0shown";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const EXECUTION = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const OTHER_EXECUTION = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

// ---------------------------------------------------------------------------------------------------
// Config

/** The status-delivery fixture's config with slipway:githubStatus decoded as `value` (a secret, as the stack file's secure: leaf makes it). */
function withStatus(value: Record<string, unknown>) {
    const r = rawConfig("status-delivery");
    r.values["slipway:githubStatus"] = JSON.stringify(value);
    return r;
}

test("a short-lived GitHub App installation token is refused, naming the key and the fix, never the token", () => {
    const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    const problems = problemsOf(withStatus({ token }));
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /slipway:githubStatus\.token is a GitHub App installation token.*pulumi config set --secret --path 'slipway:githubStatus\.token'/);
    assert.ok(!problems[0].includes(token), "the message shows the token");
});

test("an empty token and an unknown entry are refused, one message each", () => {
    const problems = problemsOf(withStatus({ token: "", repo: "acme/shop" }));
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.ok(problems.some((p) => p.startsWith("slipway:githubStatus.repo is not a githubStatus setting")), problems.join("\n"));
    assert.ok(problems.some((p) => p.startsWith("slipway:githubStatus.token must be a non-empty secure value")), problems.join("\n"));
});

test("a plain-text token in the stack file is refused before anything is declared", () => {
    const r = rawConfig("delivery", { "slipway:githubStatus": JSON.stringify({ token: TOKEN }) });
    const problems = problemsOf(r);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /slipway:githubStatus\.token is plain text in Pulumi\.delivery\.yaml.*pulumi config set --secret --path 'slipway:githubStatus\.token'/);
    assert.ok(!problems[0].includes(TOKEN));
});

test("a fine-grained token is accepted", () => {
    assert.deepEqual(problemsOf(withStatus({ token: TOKEN })), []);
});

// ---------------------------------------------------------------------------------------------------
// What the delivery stack declares

test("without slipway:githubStatus the delivery stack declares no reporter", async () => {
    const d = await planStack("delivery");
    assert.deepEqual(all(d, "aws:cloudwatch/eventRule:EventRule"), []);
    assert.ok(!d.resources.some((r) => r.name.startsWith("github-status")));
});

test("the token reaches only a Secrets Manager secret, as a secret, and appears nowhere in the plan", async () => {
    const d = await planStack("status-delivery", { secret: { "slipway:githubStatus": JSON.stringify({ token: TOKEN }) } });
    assert.ok(!JSON.stringify(d).includes(TOKEN), "the token is in the plan in clear");
    const version = one(d, "aws:secretsmanager/secretVersion:SecretVersion", "github-status-token-version");
    assert.equal(version.inputs.secretString, "[secret]");
    const secret = one(d, "aws:secretsmanager/secret:Secret", "github-status-token");
    assert.equal(secret.inputs.name, "slipway/shop/status-delivery/github-status-token");
    assert.equal(secret.protect, true, "the delivery stack protects its secret");
    // Revealed, the value is where it belongs and nowhere else.
    const revealed = await planStack("status-delivery", { secret: { "slipway:githubStatus": JSON.stringify({ token: TOKEN }) }, revealSecrets: true });
    const holders = revealed.resources.filter((r) => JSON.stringify(r.inputs).includes(TOKEN)).map((r) => r.name);
    assert.deepEqual(holders, ["github-status-token-version"]);
});

test("the reporter project gets the secret's ARN, not the token, and no secret-typed variable", async () => {
    const d = await planStack("status-delivery");
    const project = one(d, "aws:codebuild/project:Project", "github-status-project");
    const env = project.inputs.environment as { environmentVariables: { name: string; value: string; type: string }[]; privilegedMode: boolean };
    assert.deepEqual(env.environmentVariables.map((v) => [v.name, v.type]), [["GITHUB_REPOSITORY", "PLAINTEXT"], ["PIPELINE_NAME", "PLAINTEXT"], ["STAGES", "PLAINTEXT"], ["GITHUB_AUTH_ARN", "PLAINTEXT"], ["CONSOLE_URL", "PLAINTEXT"]]);
    assert.match(env.environmentVariables[3].value, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:slipway\/shop\/status-delivery\/github-status-token-/);
    assert.equal(env.environmentVariables[2].value, "Build==false Staging=staging=false Production=production=true");
    assert.equal(env.privilegedMode, false);
    assert.deepEqual(project.inputs.source && (project.inputs.source as { type: string }).type, "NO_SOURCE");
});

test("the rule matches exactly the pipeline's reported stages, and its target starts the reporter with the event's ids only", async () => {
    const d = await planStack("status-delivery");
    const pipeline = one(d, "aws:codepipeline/pipeline:Pipeline");
    const rule = one(d, "aws:cloudwatch/eventRule:EventRule", "github-status-rule");
    const pattern = json<{ source: string[]; "detail-type": string[]; detail: { pipeline: string[]; stage: string[]; state: string[] } }>(rule, "eventPattern");
    assert.deepEqual(pattern.source, ["aws.codepipeline"]);
    assert.deepEqual(pattern["detail-type"], ["CodePipeline Stage Execution State Change"]);
    assert.deepEqual(pattern.detail.pipeline, [(await plannedEnv()).PIPELINE_NAME]);
    const stages = (pipeline.inputs.stages as { name: string }[]).map((s) => s.name);
    for (const s of pattern.detail.stage) assert.ok(stages.includes(s), `${s} is not a stage of the pipeline (${stages.join(", ")})`);
    assert.deepEqual(pattern.detail.stage, ["Build", "Staging", "Production"]);
    const target = one(d, "aws:cloudwatch/eventTarget:EventTarget", "github-status-target");
    assert.match(String(target.inputs.arn), /^arn:aws:codebuild:us-east-1:\d{12}:project\/github-status-project-/);
    assert.match(String(target.inputs.roleArn), /:role\/slipway\/shop\/github-status-events-role-/);
    // EventBridge fills the placeholders with the event's values: the result is a StartBuild request.
    const { inputTemplate } = stageEventInput();
    const request = JSON.parse(inputTemplate.replace("<execution>", EXECUTION).replace("<stage>", "Staging").replace("<state>", "STARTED")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(request), ["environmentVariablesOverride"], "the event may set variables, never the buildspec");
    assert.deepEqual(request.environmentVariablesOverride, [
        { name: "EXECUTION_ID", type: "PLAINTEXT", value: EXECUTION },
        { name: "STAGE", type: "PLAINTEXT", value: "Staging" },
        { name: "STATE", type: "PLAINTEXT", value: "STARTED" },
    ]);
    assert.deepEqual(target.inputs.inputTransformer, stageEventInput());
});

test("the delivery stack outputs README badges for the release branch and each environment", async () => {
    const d = await planStack("status-delivery");
    const badges = d.outputs.githubBadges as Record<string, string>;
    assert.deepEqual(Object.keys(badges), ["pipeline", "staging", "production"]);
    assert.equal(badges.pipeline, "[![pipeline](https://img.shields.io/github/checks-status/acme/shop/main?label=pipeline)](https://github.com/acme/shop/commits/main)");
    assert.equal(badges.production, "[![production](https://img.shields.io/github/deployments/acme/shop/production?label=production)](https://github.com/acme/shop/deployments)");
    assert.equal((await planStack("delivery")).outputs.githubBadges, undefined);
});

// ---------------------------------------------------------------------------------------------------
// The reporter, run

interface GitHubReply {
    /** `METHOD /path` prefix of the request (after /repos/acme/shop). */
    route: string;
    code: string;
    body?: string;
}

/**
 * A stand-in curl answering GitHub's REST API: each call's arguments (one per line, then `--`) go to
 * curl.log, what it reads on stdin (its --config) to curl.stdin; the first route matching the request
 * answers (its body into --output, its code on stdout; 000 exits 7 like a refused connection).
 */
function stubCurl(replies: GitHubReply[]): string {
    const cases = replies.map((r, i) => `  "${r.route}"*) code=${JSON.stringify(r.code)}; body=${JSON.stringify(r.body ?? "{}")}; n=${i} ;;`);
    return [
        "#!/bin/bash",
        'd="${0%/*}"',
        'for a in "$@"; do printf "%s\\n" "$a" >> "$d/curl.log"; done; echo "--" >> "$d/curl.log"',
        'cat >> "$d/curl.stdin"',
        'method=GET; output=/dev/null; url=""',
        'while [ $# -gt 0 ]; do case "$1" in --request) method="$2"; shift ;; --output) output="$2"; shift ;; --data|--header|--max-time|--write-out|--config) shift ;; https://*) url="$1" ;; esac; shift; done',
        'path="${url#https://api.github.com/repos/acme/shop}"',
        'code=404; body=\'{"message":"Not Found"}\'',
        'case "$method $path" in',
        ...cases,
        "esac",
        'printf "%s" "$body" > "$output"',
        'printf "%s" "$code"',
        '[ "$code" = 000 ] && exit 7',
        "exit 0",
        "",
    ].join("\n");
}

interface ReporterRun {
    status: number | null;
    out: string;
    aws: string[];
    /** Each curl call: its arguments. */
    calls: string[][];
    stdin: string;
}

const AWS_OK: Rule[] = [
    { cmd: "codepipeline get-pipeline-execution", replies: [{ out: `${SHA}\n` }] },
    { cmd: "secretsmanager get-secret-value", replies: [{ out: `${TOKEN}\n` }] },
];

let projectEnv: Promise<Record<string, string>> | undefined;
/** The reporter project's variables, as the plan gives them. */
function plannedEnv(): Promise<Record<string, string>> {
    projectEnv ??= planStack("status-delivery").then((d) => {
        const env = one(d, "aws:codebuild/project:Project", "github-status-project").inputs.environment as { environmentVariables: { name: string; value: string }[] };
        return Object.fromEntries(env.environmentVariables.map((v) => [v.name, v.value]));
    });
    return projectEnv;
}

async function report(event: { stage: string; state: string; execution?: string }, github: GitHubReply[], rules: Rule[] = AWS_OK): Promise<ReporterRun> {
    const env = { ...(await plannedEnv()), EXECUTION_ID: event.execution ?? EXECUTION, STAGE: event.stage, STATE: event.state };
    const r = runBuildSpec(githubStatusBuildSpec(), { rules, env, imageTag: SHA, name: "github-status", stubs: { curl: stubCurl(github) } });
    const log = r.kept("curl.log") ?? "";
    const calls = log.split("--\n").filter(Boolean).map((c) => c.split("\n").filter(Boolean));
    const out = r.stdout + r.stderr;
    return { status: r.status, out, aws: r.aws, calls, stdin: r.kept("curl.stdin") ?? "" };
}

const urlOf = (call: string[]) => call.find((a) => a.startsWith("https://")) ?? "";
const methodOf = (call: string[]) => call[call.indexOf("--request") + 1];
const bodyOf = (call: string[]) => (call.includes("--data") ? (JSON.parse(call[call.indexOf("--data") + 1]) as Record<string, unknown>) : undefined);
const API = "https://api.github.com/repos/acme/shop";

/** The token is nowhere but curl's stdin: not in the output, not in any argument of any call. */
function assertTokenHidden(r: ReporterRun): void {
    assert.ok(!r.out.includes(TOKEN), "the token is in the build's output");
    assert.ok(!r.calls.flat().some((a) => a.includes(TOKEN)), "the token is in curl's arguments (visible in the process list)");
    assert.ok(!r.aws.some((a) => a.includes(TOKEN)), "the token is in an aws call");
}

test("a deploy stage's start sets a pending commit status, creates the deployment and sets it in progress", async () => {
    const r = await report({ stage: "Staging", state: "STARTED" }, [
        // An earlier execution of the same commit finished; this one has only started.
        { route: `GET /commits/${SHA}/statuses`, code: "200", body: JSON.stringify([{ context: "slipway/staging", state: "success", target_url: `https://console/executions/${OTHER_EXECUTION}/timeline` }]) },
        { route: `POST /statuses/${SHA}`, code: "201" },
        { route: "POST /deployments/42/statuses", code: "201" },
        { route: "POST /deployments", code: "201", body: '{"id":42,"sha":"' + SHA + '"}' },
    ]);
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(r.calls.map((c) => `${methodOf(c)} ${urlOf(c)}`), [`GET ${API}/commits/${SHA}/statuses?per_page=100`, `POST ${API}/statuses/${SHA}`, `POST ${API}/deployments`, `POST ${API}/deployments/42/statuses`]);
    const [, status, deployment, progress] = r.calls.map(bodyOf);
    assert.deepEqual(status, { state: "pending", context: "slipway/staging", description: "Staging started", target_url: `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/pipeline-pipeline-3328576/executions/${EXECUTION}/timeline` });
    assert.deepEqual(deployment, { ref: SHA, environment: "staging", auto_merge: false, required_contexts: [], production_environment: false, transient_environment: false, description: `pipeline-pipeline-3328576 execution ${EXECUTION}` });
    assert.equal(progress?.state, "in_progress");
    assert.match(r.aws[0], new RegExp(`^codepipeline get-pipeline-execution --pipeline-name pipeline-pipeline-3328576 --pipeline-execution-id ${EXECUTION} `));
    assert.match(r.aws[1], /^secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:us-east-1:\d{12}:secret:slipway\/shop\/status-delivery\/github-status-token-/);
    // The token reaches GitHub as a header from curl's config on stdin, once per call.
    assert.equal(r.stdin.split("\n").filter((l) => l === `header = "Authorization: Bearer ${TOKEN}"`).length, 4);
    assertTokenHidden(r);
});

test("a production stage's success finds this execution's deployment of the commit and sets it successful, creating none", async () => {
    const r = await report({ stage: "Production", state: "SUCCEEDED" }, [
        { route: `POST /statuses/${SHA}`, code: "201" },
        // Newest first: another execution's (a rollback re-deploying this commit), then this one's.
        { route: `GET /deployments?sha=${SHA}&environment=production`, code: "200", body: JSON.stringify([{ id: 78, description: `p execution ${OTHER_EXECUTION}` }, { id: 77, description: `p execution ${EXECUTION}` }]) },
        { route: "POST /deployments/77/statuses", code: "201" },
    ]);
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(r.calls.map((c) => `${methodOf(c)} ${urlOf(c)}`), [`POST ${API}/statuses/${SHA}`, `GET ${API}/deployments?sha=${SHA}&environment=production&per_page=100`, `POST ${API}/deployments/77/statuses`]);
    assert.equal(bodyOf(r.calls[0])?.state, "success");
    assert.equal(bodyOf(r.calls[0])?.context, "slipway/production");
    assert.equal(bodyOf(r.calls[2])?.state, "success");
    assertTokenHidden(r);
});

test("a failed stage without a recorded deployment creates one for production and marks it failed", async () => {
    const r = await report({ stage: "Production", state: "FAILED" }, [
        { route: `POST /statuses/${SHA}`, code: "201" },
        { route: "GET /deployments", code: "200", body: "[]" },
        { route: "POST /deployments/9/statuses", code: "201" },
        { route: "POST /deployments", code: "201", body: '{"id":9}' },
    ]);
    assert.equal(r.status, 0, r.out);
    assert.equal(bodyOf(r.calls[0])?.state, "failure");
    assert.equal(bodyOf(r.calls[2])?.production_environment, true);
    assert.equal(bodyOf(r.calls[3])?.state, "failure");
    assert.match(r.out, /deployment 9 \(production\) = failure/);
});

test("a start delivered after its stage's end is dropped: the result is not turned back into pending", async () => {
    const r = await report({ stage: "Staging", state: "STARTED" }, [
        { route: `GET /commits/${SHA}/statuses`, code: "200", body: JSON.stringify([{ context: "slipway/staging", state: "success", target_url: `https://console/executions/${EXECUTION}/timeline` }]) },
    ]);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.calls.length, 1, "nothing is posted");
    assert.match(r.out, /not reported: its end was reported first/);
});

test("a resumed stage (a retry in the same execution) sets its own deployment in progress again", async () => {
    const r = await report({ stage: "Staging", state: "RESUMED" }, [
        { route: `POST /statuses/${SHA}`, code: "201" },
        { route: "GET /deployments", code: "200", body: JSON.stringify([{ id: 5, description: `p execution ${EXECUTION}` }]) },
        { route: "POST /deployments/5/statuses", code: "201" },
    ]);
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(r.calls.map((c) => `${methodOf(c)} ${urlOf(c).replace(API, "")}`), [`POST /statuses/${SHA}`, `GET /deployments?sha=${SHA}&environment=staging&per_page=100`, "POST /deployments/5/statuses"]);
    assert.deepEqual([bodyOf(r.calls[0])?.state, bodyOf(r.calls[2])?.state], ["pending", "in_progress"]);
});

test("the build stage gets a commit status only, and a stopped stage reads as error", async () => {
    const r = await report({ stage: "Build", state: "STOPPED" }, [{ route: `POST /statuses/${SHA}`, code: "201" }]);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.calls.length, 1);
    assert.deepEqual([bodyOf(r.calls[0])?.state, bodyOf(r.calls[0])?.context], ["error", "slipway/build"]);
});

test("GitHub refusing the token is logged with the fix, and the build still ends 0", async () => {
    const r = await report({ stage: "Staging", state: "STARTED" }, [{ route: "", code: "401", body: '{"message":"Bad credentials"}' }]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /slipway\/staging = pending on 0123456789abcdef0123456789abcdef01234567 not set: GitHub refused the token \(401: expired or revoked\): set a new one with pulumi config set --secret --path 'slipway:githubStatus\.token'/);
    assert.match(r.out, /no deployment of \S+ to staging was created: GitHub refused the token/);
    assertTokenHidden(r);
});

test("a token without the permissions is named as such (403), and GitHub's message is shown", async () => {
    const r = await report({ stage: "Production", state: "SUCCEEDED" }, [{ route: "", code: "403", body: '{"message":"Resource not accessible by personal access token"}' }]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /GitHub answered 403 \(Resource not accessible by personal access token\): the token needs Commit statuses and Deployments read and write on acme\/shop/);
    assert.match(r.out, /deployment of \S+ to production was not looked up/);
});

test("GitHub unreachable or failing (a refused connection, a 500) never fails the build", async () => {
    for (const code of ["000", "500", "422"]) {
        const r = await report({ stage: "Staging", state: "SUCCEEDED" }, [{ route: "", code, body: '{"message":"Validation Failed"}' }]);
        assert.equal(r.status, 0, `${code}: ${r.out}`);
        assert.match(r.out, code === "000" ? /GitHub did not answer/ : new RegExp(`GitHub answered ${code}`));
    }
});

test("a token the reporter cannot read, or an execution without a commit, skips GitHub entirely and ends 0", async () => {
    const noSecret = await report({ stage: "Staging", state: "STARTED" }, [], [AWS_OK[0], { cmd: "secretsmanager get-secret-value", replies: [{ err: "An error occurred (AccessDeniedException)", rc: 254 }] }]);
    assert.equal(noSecret.status, 0, noSecret.out);
    assert.equal(noSecret.calls.length, 0);
    assert.match(noSecret.out, /could not read the token from arn:aws:secretsmanager:\S+ \(the reporter role's secretsmanager:GetSecretValue and kms:Decrypt\)/);
    const noCommit = await report({ stage: "Staging", state: "STARTED" }, [], [{ cmd: "codepipeline get-pipeline-execution", replies: [{ out: "None\n" }] }]);
    assert.equal(noCommit.status, 0);
    assert.match(noCommit.out, /the execution has no source commit/);
    assert.equal(noCommit.aws.length, 1, "the token is not even read");
    const awsDown = await report({ stage: "Staging", state: "STARTED" }, [], [{ cmd: "codepipeline get-pipeline-execution", replies: [{ err: "Could not connect to the endpoint URL", rc: 255 }] }]);
    assert.equal(awsDown.status, 0);
    assert.match(awsDown.out, /aws codepipeline get-pipeline-execution failed: Could not connect/);
});

test("an event that is not a known stage, state or execution id reaches neither AWS nor GitHub", async () => {
    for (const event of [
        { stage: "Staging", state: "STARTED", execution: '$(touch /tmp/slipway-pwned)"' },
        { stage: "Approve-Production", state: "STARTED" },
        { stage: "Staging", state: "STOPPING" },
    ]) {
        const r = await report(event, []);
        assert.equal(r.status, 0, r.out);
        assert.deepEqual([r.aws, r.calls], [[], []], `${JSON.stringify(event)}: ${r.out}`);
        assert.match(r.out, /not reported: /);
    }
});

// ---------------------------------------------------------------------------------------------------
// The policy rule that keeps the event from changing what the reporter runs

test("codebuild-event-input-variables-only catches each way an event could change the reporter's build, and passes the planned target", async () => {
    const { evaluate } = await import("../policy/evaluate");
    const { CONTEXT_TYPE } = await import("../policy/kit");
    const { RULES } = await import("../policy/rules");
    const rule = RULES.filter((x) => x.name === "codebuild-event-input-variables-only");
    const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
    const check = async (props: Record<string, unknown>) => {
        const context = { type: CONTEXT_TYPE, name: "policy-waivers", urn: `urn:pulumi:t::slipway::${CONTEXT_TYPE}::policy-waivers`, props: { tier: "delivery", waivers: {} }, protect: false };
        const target = { type: TARGET, name: "t", urn: `urn:pulumi:t::slipway::${TARGET}::t`, props, protect: false };
        return (await evaluate(rule, [context, target], {})).violations.map((v) => v.message);
    };
    const arn = "arn:aws:codebuild:us-east-1:123456789012:project/github-status-project";
    assert.match((await check({ arn }))[0], /passes the whole event/);
    assert.match((await check({ arn, input: '{"buildspecOverride":"version: 0.2"}' }))[0], /sets buildspecOverride: pass environmentVariablesOverride only/);
    assert.match((await check({ arn, inputTransformer: { inputTemplate: '{"imageOverride":<x>,"environmentVariablesOverride":[]}' } }))[0], /sets imageOverride/);
    const planned = one(await planStack("status-delivery"), TARGET, "github-status-target");
    assert.deepEqual(await check(planned.inputs), []);
});

test("under npm test the scripts' python3 starts without the site module (test/run.cjs): the standard library only, as the scripts need", { skip: !process.env.SLIPWAY_TEST_PYTHON3 && "run by npm test (test/run.cjs puts that python3 on PATH)" }, () => {
    const spec = { env: { shell: "bash" }, phases: { build: { commands: ['command -v python3; readlink "$(command -v python3)"; python3 -c "import sys; print(sys.flags.no_site)"'] } } };
    const r = runBuildSpec(spec, { rules: [], env: {}, imageTag: SHA, name: "python-site" });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[1], process.env.SLIPWAY_TEST_PYTHON3, "the script's python3 is test/run.cjs's");
    assert.equal(lines[2], "1");
});
