// What a linter cannot know about .github/workflows: our triggers, least permissions per job, fork
// safety, the production gate, one run per stack at a time, pinned actions, no expression injection.
// Each rule runs on the real workflows (no problem) and on a deliberately broken copy (caught).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../tools/diff";
import { ROOT } from "./helpers";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string;
}
interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string; url?: string };
    permissions?: Record<string, string> | string;
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    env?: Record<string, unknown>;
    steps?: Step[];
    uses?: string;
}
interface Workflow {
    name?: string;
    on?: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    jobs: Record<string, Job>;
}
type Files = Record<string, string>;

const DIR = path.join(ROOT, ".github", "workflows");
const realFiles = (): Files => Object.fromEntries(fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const parseAll = (files: Files): Record<string, Workflow> => Object.fromEntries(Object.entries(files).map(([f, t]) => [f, parse(t) as Workflow]));

const SAME_REPO_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
const steps = (j: Job) => j.steps ?? [];
const perms = (j: Job): Record<string, string> => (typeof j.permissions === "object" ? j.permissions : {});
const envName = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);
const text = (v: unknown) => JSON.stringify(v ?? "");
const usesAction = (j: Job, action: string) => steps(j).some((s) => s.uses?.startsWith(`${action}@`));
const triggers = (wf: Workflow) => Object.keys(wf.on ?? {});

// ---------------------------------------------------------------------------------------------------
// Rules: each returns "file job: problem" lines.

/** Every action pinned to a full commit SHA or an exact version tag (vX.Y.Z). */
function pinned(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        for (const [id, job] of Object.entries(wf.jobs)) {
            for (const u of [job.uses, ...steps(job).map((s) => s.uses)].filter((x): x is string => Boolean(x))) {
                if (u.startsWith("./")) continue;
                if (!/^[\w.-]+\/[\w./-]+@([0-9a-f]{40}|v\d+\.\d+\.\d+)$/.test(u)) out.push(`${f} ${id}: ${u} is not pinned to a commit SHA or an exact version`);
            }
        }
    }
    return out;
}

/** No workflow-wide grants; each job asks for what its steps use, and nothing writes without need. */
function leastPermissions(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        if (text(wf.permissions) !== "{}") out.push(`${f}: top-level permissions must be {} (each job declares its own)`);
        for (const [id, job] of Object.entries(wf.jobs)) {
            if (typeof job.permissions !== "object") {
                out.push(`${f} ${id}: no permissions block (or a blanket read-all/write-all)`);
                continue;
            }
            const p = perms(job);
            const needsIdToken = usesAction(job, "aws-actions/configure-aws-credentials");
            if ((p["id-token"] === "write") !== needsIdToken) out.push(`${f} ${id}: id-token: write exactly when the job assumes an AWS role`);
            const comments = steps(job).some((s) => s.uses?.startsWith("actions/github-script@") || s.with?.["comment-on-pr"] === true);
            if (p["pull-requests"] === "write" && !comments) out.push(`${f} ${id}: pull-requests: write without a step that comments`);
            const pushes = steps(job).some((s) => /\bgit push\b/.test(s.run ?? ""));
            if (p.contents === "write" && !pushes) out.push(`${f} ${id}: contents: write without a git push`);
            for (const s of steps(job)) {
                if (s.uses?.startsWith("actions/checkout@") && !pushes && s.with?.["persist-credentials"] !== false) {
                    out.push(`${f} ${id}: checkout keeps the token in .git/config (persist-credentials: false)`);
                }
            }
            for (const [scope, level] of Object.entries(p)) {
                if (!["read", "write", "none"].includes(level)) out.push(`${f} ${id}: ${scope}: ${level} is not read/write/none`);
            }
        }
    }
    return out;
}

/** Pull request code never runs with secrets, an OIDC token or a write token unless it is from this repository. */
function forkSafe(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        const on = triggers(wf);
        if (on.includes("pull_request_target")) out.push(`${f}: pull_request_target runs with secrets on fork pull requests; use pull_request + workflow_run`);
        if (on.includes("workflow_run")) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                if (usesAction(job, "actions/checkout")) out.push(`${f} ${id}: a workflow_run job must not check out (it may be pull request code)`);
                if (steps(job).some((s) => s.run)) out.push(`${f} ${id}: a workflow_run job runs no shell (artifact content is untrusted)`);
            }
        }
        if (!on.includes("pull_request")) continue;
        for (const [id, job] of Object.entries(wf.jobs)) {
            const guarded = (job.if ?? "").includes(SAME_REPO_GUARD);
            if (guarded) continue;
            const p = perms(job);
            if (/\$\{\{[^}]*\bsecrets\./.test(text(job))) out.push(`${f} ${id}: reads secrets but also runs for fork pull requests (add the same-repository guard)`);
            if (p["id-token"] === "write") out.push(`${f} ${id}: id-token: write on a job that runs for fork pull requests`);
            if (Object.values(p).some((v) => v === "write")) out.push(`${f} ${id}: write permission on a job that runs for fork pull requests`);
            if (job.environment) out.push(`${f} ${id}: an environment on a job that runs for fork pull requests`);
        }
    }
    return out;
}

/** No `${{ }}` inside shell or github-script code: untrusted text goes in through env. */
function noInjection(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        for (const [id, job] of Object.entries(wf.jobs)) {
            for (const s of steps(job)) {
                const code = `${s.run ?? ""}\n${typeof s.with?.script === "string" ? s.with.script : ""}`;
                if (code.includes("${{")) out.push(`${f} ${id}: an expression inside a script (${s.name ?? s.uses ?? "run"}); pass it through env`);
            }
        }
        if (/\$\{\{[^}]*\binputs\.value\b/.test(text(wf))) out.push(`${f}: inputs.value in an expression prints the secret in the log; read it from $GITHUB_EVENT_PATH`);
    }
    return out;
}

const MUTATES = /\bpulumi (up|destroy|refresh|stack rm|config set)\b|\baws ecs update-service\b|\baws application-autoscaling register-scalable-target\b/;

/** Stack names a job changes, with `${{ env.X }}`/`$X` resolved from the job's env. */
function stacksChanged(job: Job): string[] {
    const env = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, String(v)]));
    const resolve = (s: string) => s.replace(/\$\{\{ *env\.(\w+) *\}\}/g, (m, k: string) => env[k] ?? m).replace(/^"?\$(\w+)"?$/, (m, k: string) => env[k] ?? m);
    const out = new Set<string>();
    for (const s of steps(job)) {
        if (s.uses?.startsWith("pulumi/actions@") && ["up", "destroy", "refresh"].includes(String(s.with?.command))) out.add(resolve(String(s.with?.["stack-name"])));
        for (const m of (s.run ?? "").matchAll(/\bpulumi (?:up|destroy|refresh|stack rm|config set)\b[^\n]*?--stack ("?\$\w+"?|[\w-]+)/g)) out.add(resolve(m[1]));
    }
    return [...out];
}

/** Every job that changes a stack holds the stack's concurrency group, and never cancels a running one. */
function oneRunPerStack(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        for (const [id, job] of Object.entries(wf.jobs)) {
            const mutating = stacksChanged(job).length > 0 || steps(job).some((s) => MUTATES.test(s.run ?? ""));
            if (!mutating) continue;
            const c = typeof job.concurrency === "object" ? job.concurrency : undefined;
            if (!c || !c.group.startsWith("pulumi-stack-")) {
                out.push(`${f} ${id}: changes a stack without the concurrency group pulumi-stack-<stack>`);
                continue;
            }
            if (c["cancel-in-progress"] !== false) out.push(`${f} ${id}: cancel-in-progress must be false (a cancelled pulumi up leaves the stack locked)`);
            for (const stack of stacksChanged(job)) {
                if (c.group !== `pulumi-stack-${stack}`) out.push(`${f} ${id}: changes ${stack} but holds ${c.group}`);
            }
        }
    }
    return out;
}

/** Deploy roles only from jobs in the matching environment; production only behind `production`. */
function environmentsGate(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    for (const [f, wf] of Object.entries(files)) {
        for (const [id, job] of Object.entries(wf.jobs)) {
            const roles = steps(job).map((s) => String(s.with?.["role-to-assume"] ?? "")).filter(Boolean);
            const env = envName(job);
            for (const role of roles) {
                if (role.includes("AWS_PREVIEW_ROLE_ARN") && env) out.push(`${f} ${id}: the preview role trusts only the pull_request subject: no environment`);
                if (role.includes("AWS_DEPLOY_ROLE_ARN") && !env) out.push(`${f} ${id}: a deploy role without an environment (the OIDC subject would not match)`);
                if (role.includes("AWS_DEPLOY_ROLE_ARN_PRODUCTION") && env !== "production" && env !== "${{ inputs.stack }}") {
                    out.push(`${f} ${id}: the production role outside the production environment`);
                }
            }
            if (stacksChanged(job).includes("production") && env !== "production") out.push(`${f} ${id}: changes production outside the production environment`);
        }
    }
    return out;
}

/** The triggers each workflow is for. */
function expectedTriggers(files: Record<string, Workflow>): string[] {
    const out: string[] = [];
    const on = (f: string) => files[f]?.on ?? {};
    const want = (ok: boolean, msg: string) => ok || out.push(msg);
    want(text(triggers(files["pull-request.yml"])) === text(["pull_request"]), "pull-request.yml: only on pull_request");
    want(text((on("pull-request.yml").pull_request as { branches?: string[] })?.branches) === text(["main"]), "pull-request.yml: pull requests into main");
    const run = on("plan-comment.yml").workflow_run as { workflows?: string[]; types?: string[] } | undefined;
    want(text(run?.workflows) === text([files["pull-request.yml"]?.name]), "plan-comment.yml: workflow_run of the pull request workflow (by its name)");
    want(text(run?.types) === text(["completed"]), "plan-comment.yml: on completed runs");
    const push = on("deploy.yml").push as { branches?: string[] } | undefined;
    want(text(triggers(files["deploy.yml"])) === text(["push"]) && text(push?.branches) === text(["main"]), "deploy.yml: only on push to main");
    const types = (on("review-stack.yml").pull_request as { types?: string[] } | undefined)?.types ?? [];
    want(["labeled", "unlabeled", "synchronize", "closed"].every((t) => types.includes(t)), "review-stack.yml: labeled, unlabeled, synchronize and closed pull requests");
    want(["schedule", "workflow_dispatch"].every((t) => triggers(files["teardown.yml"]).includes(t)), "teardown.yml: scheduled and manual");
    const inputs = (on("rotate-secret.yml").workflow_dispatch as { inputs?: Record<string, { type?: string; required?: boolean; options?: string[] }> } | undefined)?.inputs ?? {};
    want(text(triggers(files["rotate-secret.yml"])) === text(["workflow_dispatch"]), "rotate-secret.yml: manual only");
    want(inputs.stack?.type === "choice" && text(inputs.stack.options) === text(["staging", "production"]), "rotate-secret.yml: stack is a choice of staging/production");
    want(inputs.key?.required === true && inputs.value !== undefined, "rotate-secret.yml: key (required) and value inputs");
    return out;
}

const RULES = { pinned, leastPermissions, forkSafe, noInjection, oneRunPerStack, environmentsGate, expectedTriggers };

/** Applies `edit` to one real file's text and returns the problems `rule` finds in the result. */
function broken(rule: (f: Record<string, Workflow>) => string[], file: string, edit: (t: string) => string): string[] {
    const files = realFiles();
    const changed = edit(files[file]);
    assert.notEqual(changed, files[file], `the edit of ${file} changed nothing`);
    return rule(parseAll({ ...files, [file]: changed }));
}

// ---------------------------------------------------------------------------------------------------

test("the real workflows break no rule", () => {
    const files = parseAll(realFiles());
    assert.deepEqual(Object.keys(files).sort(), ["deploy.yml", "plan-comment.yml", "pull-request.yml", "review-stack.yml", "rotate-secret.yml", "staging-hours.yml", "teardown.yml"]);
    for (const [name, rule] of Object.entries(RULES)) assert.deepEqual(rule(files), [], name);
});

test("an action on a floating tag is caught", () => {
    const p = broken(pinned, "deploy.yml", (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4"));
    assert.match(p.join("\n"), /actions\/checkout@v4 is not pinned/);
});

test("a workflow-wide grant, a missing job block and an unneeded id-token are caught", () => {
    assert.match(broken(leastPermissions, "deploy.yml", (t) => t.replace("permissions: {}", "permissions: write-all")).join("\n"), /top-level permissions must be \{\}/);
    const noBlock = broken(leastPermissions, "pull-request.yml", (t) => t.replace(/(  test:\n[\s\S]*?)    permissions:\n      contents: read\n/, "$1"));
    assert.match(noBlock.join("\n"), /pull-request.yml test: no permissions block/);
    const idToken = broken(leastPermissions, "pull-request.yml", (t) => t.replace("    permissions:\n      contents: read\n    steps:", "    permissions:\n      contents: read\n      id-token: write\n    steps:"));
    assert.match(idToken.join("\n"), /id-token: write exactly when/);
    const creds = broken(leastPermissions, "deploy.yml", (t) => t.replace(/(  staging:[\s\S]*?)persist-credentials: false/, "$1persist-credentials: true"));
    assert.match(creds.join("\n"), /deploy.yml staging: checkout keeps the token/);
});

test("a preview job without the same-repository guard is caught: forks would get secrets and an OIDC token", () => {
    const p = broken(forkSafe, "pull-request.yml", (t) => t.replace(`${SAME_REPO_GUARD} && `, ""));
    assert.match(p.join("\n"), /pull-request.yml preview: reads secrets/);
    assert.match(p.join("\n"), /pull-request.yml preview: id-token: write/);
});

test("pull_request_target, and a checkout in the workflow_run job, are caught", () => {
    assert.match(broken(forkSafe, "pull-request.yml", (t) => t.replace("  pull_request:\n", "  pull_request_target:\n")).join("\n"), /pull_request_target runs with secrets/);
    const checkout = broken(forkSafe, "plan-comment.yml", (t) =>
        t.replace("    steps:\n", "    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"),
    );
    assert.match(checkout.join("\n"), /must not check out/);
});

test("an expression inside a script is caught, and so is the rotation value in an expression", () => {
    const p = broken(noInjection, "review-stack.yml", (t) => t.replace('pulumi stack select --create "$STACK"', 'pulumi stack select --create "review-pr-${{ github.event.pull_request.number }}"'));
    assert.match(p.join("\n"), /an expression inside a script/);
    const v = broken(noInjection, "rotate-secret.yml", (t) => t.replace("      STACK: ${{ inputs.stack }}\n", "      STACK: ${{ inputs.stack }}\n      VALUE: ${{ inputs.value }}\n"));
    assert.match(v.join("\n"), /inputs.value in an expression/);
});

test("a stack change without its concurrency group, with cancel-in-progress, or under another stack's group is caught", () => {
    const none = broken(oneRunPerStack, "deploy.yml", (t) => t.replace("    concurrency:\n      group: pulumi-stack-staging\n      cancel-in-progress: false\n", ""));
    assert.match(none.join("\n"), /deploy.yml staging: changes a stack without the concurrency group/);
    const cancel = broken(oneRunPerStack, "deploy.yml", (t) => t.replace("group: pulumi-stack-production\n      cancel-in-progress: false", "group: pulumi-stack-production\n      cancel-in-progress: true"));
    assert.match(cancel.join("\n"), /cancel-in-progress must be false/);
    const wrong = broken(oneRunPerStack, "deploy.yml", (t) => t.replace("group: pulumi-stack-staging", "group: pulumi-stack-production"));
    assert.match(wrong.join("\n"), /deploy.yml staging: changes staging but holds pulumi-stack-production/);
    const teardown = broken(oneRunPerStack, "teardown.yml", (t) => t.replace("group: pulumi-stack-${{ matrix.stack }}", "group: teardown"));
    assert.match(teardown.join("\n"), /teardown.yml destroy: changes a stack without/);
});

test("production deployed outside the production environment is caught", () => {
    const p = broken(environmentsGate, "deploy.yml", (t) => t.replace("      name: production\n", "      name: staging-2\n"));
    assert.match(p.join("\n"), /the production role outside the production environment/);
    assert.match(p.join("\n"), /changes production outside the production environment/);
    const preview = broken(environmentsGate, "pull-request.yml", (t) => t.replace("    strategy:\n", "    environment: staging\n    strategy:\n"));
    assert.match(preview.join("\n"), /the preview role trusts only the pull_request subject/);
});

test("the production job waits for staging and the comment marker is the diff tool's", () => {
    const wf = parseAll(realFiles());
    assert.equal(wf["deploy.yml"].jobs.production.needs, "staging");
    assert.equal(envName(wf["deploy.yml"].jobs.production), "production");
    assert.ok(realFiles()["plan-comment.yml"].includes(`const MARKER = "${COMMENT_MARKER}"`));
});

test("wrong triggers are caught", () => {
    assert.match(broken(expectedTriggers, "plan-comment.yml", (t) => t.replace('workflows: ["Pull request"]', 'workflows: ["PR"]')).join("\n"), /workflow_run of the pull request workflow/);
    assert.match(broken(expectedTriggers, "deploy.yml", (t) => t.replace("branches: [main]", "branches: [main, 'release/**']")).join("\n"), /only on push to main/);
    assert.match(broken(expectedTriggers, "rotate-secret.yml", (t) => t.replace("options: [staging, production]", "options: [staging, production, delivery]")).join("\n"), /choice of staging\/production/);
});
