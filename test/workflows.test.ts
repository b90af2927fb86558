// What a linter cannot know about .github/workflows: our triggers, least permissions per job, fork
// safety, environments and their secrets, the production gate, one run per stack at a time, the stage
// lock, the policy pack, pinned actions, no expression injection, and how previews, rotations and
// review stacks may reach AWS. Each rule runs on the real workflows (no problem) and on a deliberately
// broken copy (caught).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../tools/plan/diff";
import { ROTATABLE_STACKS, stageName } from "../.github/scripts/ci";
import { ROOT } from "./helpers";
import { PREVIEW_ENVIRONMENT, REVIEW_ENVIRONMENT, REVIEW_TEARDOWN_ENVIRONMENT } from "../infra/contract";

interface Step {
    id?: string;
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
    outputs?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
    uses?: string;
}
interface Workflow {
    name?: string;
    on?: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, Job>;
}
type Files = Record<string, string>;
type Parsed = Record<string, Workflow>;
type Rule = (wf: Parsed, files: Files) => string[];

const DIR = path.join(ROOT, ".github", "workflows");
const realFiles = (): Files => Object.fromEntries(fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
/** Each text is parsed once (most tests break one file and re-read the other six); callers get copies. */
const parses = new Map<string, Workflow>();
const parseOnce = (text: string): Workflow => {
    if (!parses.has(text)) parses.set(text, parse(text) as Workflow);
    return structuredClone(parses.get(text) as Workflow);
};
const parseAll = (files: Files): Parsed => Object.fromEntries(Object.entries(files).map(([f, t]) => [f, parseOnce(t)]));

const SAME_REPO_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
/** pulumi/actions as fetched from github.com/pulumi/actions: tag v6.6.1 is this commit (git show-ref --tags). */
const PULUMI_ACTIONS = { sha: "8582a9e8cc630786854029b4e09281acd6794b58", version: "v6.6.1" };
/** The inputs of pulumi/actions' action.yml at that commit. */
const PULUMI_ACTIONS_INPUTS = [
    "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
    "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
    "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
    "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
    "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
];
const POLICY_PACK = "policy";
/** The environments the delivery stack declares, each with its own PULUMI_ACCESS_TOKEN secret. */
const ENVIRONMENTS = ["staging", "production", REVIEW_ENVIRONMENT, PREVIEW_ENVIRONMENT, REVIEW_TEARDOWN_ENVIRONMENT];
const PIPELINE_STACKS = ["staging", "production"];

const steps = (j: Job) => j.steps ?? [];
const perms = (j: Job): Record<string, string> => (typeof j.permissions === "object" ? j.permissions : {});
const envName = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);
const text = (v: unknown) => JSON.stringify(v ?? "");
const usesAction = (j: Job, action: string) => steps(j).some((s) => s.uses?.startsWith(`${action}@`));
const triggers = (wf: Workflow) => Object.keys(wf.on ?? {});
const needsOf = (j: Job) => (Array.isArray(j.needs) ? j.needs : j.needs ? [j.needs] : []);
const runs = (j: Job) => steps(j).map((s) => s.run ?? "").join("\n");
const isPulumiAction = (s: Step) => Boolean(s.uses?.startsWith("pulumi/actions@"));
const pulumiCommand = (s: Step) => (isPulumiAction(s) && s.with?.command !== undefined ? String(s.with.command) : undefined);
/** Where a shell command starts: a line's start, after ; & | ( or then/do/else (not inside an echo's text). */
const CMD = String.raw`(?:^|[;&|(]|\b(?:then|do|else)\b)\s*`;
/** Shell lines that run a Pulumi command against a stack or the backend (installing the CLI does not count). */
const PULUMI_CLI = new RegExp(`${CMD}pulumi (up|preview|destroy|refresh|stack|config|login|import|state|cancel)\\b`, "m");
const usesPulumiBackend = (j: Job) => steps(j).some((s) => pulumiCommand(s) !== undefined || PULUMI_CLI.test(s.run ?? ""));
/** Index of the first step matching, or -1. */
const stepIndex = (j: Job, pred: (s: Step) => boolean) => steps(j).findIndex(pred);
const jobEnv = (j: Job): Record<string, string> => Object.fromEntries(Object.entries(j.env ?? {}).map(([k, v]) => [k, String(v)]));

// ---------------------------------------------------------------------------------------------------
// Rules: each returns "file job: problem" lines.

/** Every action pinned to a full commit SHA with its version in a `# vX.Y.Z` comment; pulumi/actions to the verified commit. */
const pinned: Rule = (wf, files) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            for (const u of [job.uses, ...steps(job).map((s) => s.uses)].filter((x): x is string => Boolean(x))) {
                if (u.startsWith("./")) continue;
                if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u)) out.push(`${f} ${id}: ${u} is not pinned to a full commit SHA`);
                if (u.startsWith("pulumi/actions@") && u !== `pulumi/actions@${PULUMI_ACTIONS.sha}`) out.push(`${f} ${id}: ${u} is not the verified pulumi/actions ${PULUMI_ACTIONS.version} commit`);
            }
        }
    }
    for (const [f, t] of Object.entries(files)) {
        for (const line of t.split("\n")) {
            const m = /^\s*(?:-\s+)?uses:\s*(\S+@[0-9a-f]{40})(.*)$/.exec(line);
            if (m && !/^\s+#\s+v\d+\.\d+\.\d+\s*$/.test(m[2])) out.push(`${f}: ${m[1]} needs its version as a "# vX.Y.Z" comment`);
            if (/pulumi\/actions@[0-9a-f]{40}/.test(line) && !line.includes(`# ${PULUMI_ACTIONS.version}`)) out.push(`${f}: the pulumi/actions comment must say ${PULUMI_ACTIONS.version}`);
        }
    }
    return out;
};

/** pulumi/actions takes only the inputs its action.yml declares (a misspelt input is silently ignored). */
const knownInputs: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            for (const s of steps(job).filter(isPulumiAction)) {
                for (const k of Object.keys(s.with ?? {})) if (!PULUMI_ACTIONS_INPUTS.includes(k)) out.push(`${f} ${id}: pulumi/actions has no input ${k}`);
            }
        }
    }
    return out;
};

/** No workflow-wide grants; each job asks for what its steps use, and nothing writes without need. */
const leastPermissions: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        if (text(w.permissions) !== "{}") out.push(`${f}: top-level permissions must be {} (each job declares its own)`);
        for (const [id, job] of Object.entries(w.jobs)) {
            if (typeof job.permissions !== "object") {
                out.push(`${f} ${id}: no permissions block (or a blanket read-all/write-all)`);
                continue;
            }
            const p = perms(job);
            const needsIdToken = usesAction(job, "aws-actions/configure-aws-credentials");
            if ((p["id-token"] === "write") !== needsIdToken) out.push(`${f} ${id}: id-token: write exactly when the job assumes an AWS role`);
            const comments = steps(job).some((s) => s.uses?.startsWith("actions/github-script@") || s.with?.["comment-on-pr"] === true || /\bgh pr create\b/.test(s.run ?? ""));
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
};

/** Pull request code never runs with secrets, an OIDC token or a write token unless it is from this repository. */
const forkSafe: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        const on = triggers(w);
        if (on.includes("pull_request_target")) out.push(`${f}: pull_request_target runs with secrets on fork pull requests; use pull_request + workflow_run`);
        if (on.includes("workflow_run")) {
            for (const [id, job] of Object.entries(w.jobs)) {
                if (usesAction(job, "actions/checkout")) out.push(`${f} ${id}: a workflow_run job must not check out (it may be pull request code)`);
                if (steps(job).some((s) => s.run)) out.push(`${f} ${id}: a workflow_run job runs no shell (artifact content is untrusted)`);
            }
        }
        if (!on.includes("pull_request")) continue;
        for (const [id, job] of Object.entries(w.jobs)) {
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
};

/** No `${{ }}` inside shell or github-script code: untrusted text goes in through env. */
const noInjection: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            for (const s of steps(job)) {
                const code = `${s.run ?? ""}\n${typeof s.with?.script === "string" ? s.with.script : ""}`;
                if (code.includes("${{")) out.push(`${f} ${id}: an expression inside a script (${s.name ?? s.uses ?? "run"}); pass it through env`);
            }
        }
        if (/\$\{\{[^}]*\binputs\.value\b/.test(text(w))) out.push(`${f}: inputs.value in an expression prints the secret in the log; read it from $GITHUB_EVENT_PATH`);
    }
    return out;
};

/** Every shell step runs as `shell: bash`: no profile or rc files, and -eo pipefail (`cmd | tee` fails when cmd does). */
const hermeticShell: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        const hasShell = Object.values(w.jobs).some((j) => steps(j).some((s) => s.run));
        if (hasShell && w.defaults?.run?.shell !== "bash") out.push(`${f}: defaults.run.shell must be bash (bash --noprofile --norc -eo pipefail)`);
    }
    return out;
};

const MUTATES = new RegExp(
    `${CMD}(pulumi (up|destroy|refresh|stack rm|stack init|config set|config cp)\\b|aws ecs update-service\\b|aws application-autoscaling register-scalable-target\\b)|stage-lock\\.sh (lock|unlock)`,
    "m",
);

/** Stack names a job changes, with `${{ env.X }}`/`$X` resolved from the job's env. */
function stacksChanged(job: Job): string[] {
    const env = jobEnv(job);
    const resolve = (s: string) => s.replace(/\$\{\{ *env\.(\w+) *\}\}/g, (m, k: string) => env[k] ?? m).replace(/^"?\$(\w+)"?$/, (m, k: string) => env[k] ?? m);
    const out = new Set<string>();
    for (const s of steps(job)) {
        if (["up", "destroy", "refresh"].includes(pulumiCommand(s) ?? "")) out.add(resolve(String(s.with?.["stack-name"])));
        const run = s.run ?? "";
        for (const m of run.matchAll(/\bpulumi (?:up|destroy|refresh|stack rm|config set)\b[^\n]*?--stack ("?\$\w+"?|[\w-]+)/g)) out.add(resolve(m[1]));
        for (const m of run.matchAll(/\bpulumi config cp\b[^\n]*?--dest ("?\$\w+"?|[\w-]+)/g)) out.add(resolve(m[1]));
        for (const m of run.matchAll(/\bpulumi stack init ("?\$\w+"?|[\w-]+)/g)) out.add(resolve(m[1]));
    }
    return [...out];
}

/** Every job that changes a stack holds the stack's concurrency group, and never cancels a running one. */
const oneRunPerStack: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
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
};

/** Each role only from a job in its environment: the OIDC subject is repo:OWNER/REPO:environment:<name>. */
const environmentsGate: Rule = (wf) => {
    const out: string[] = [];
    const ROLE_ENV: [string, string[]][] = [
        ["AWS_PREVIEW_ROLE_ARN", ["preview"]],
        ["AWS_DEPLOY_ROLE_ARN_REVIEW", ["review", "review-teardown"]],
        ["AWS_DEPLOY_ROLE_ARN_STAGING", ["staging", "${{ inputs.stack }}"]],
        ["AWS_DEPLOY_ROLE_ARN_PRODUCTION", ["production", "${{ inputs.stack }}"]],
    ];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            const env = envName(job);
            for (const role of steps(job).map((s) => String(s.with?.["role-to-assume"] ?? "")).filter(Boolean)) {
                if (!env) out.push(`${f} ${id}: an AWS role without an environment (the OIDC subject would not match)`);
                for (const [name, envs] of ROLE_ENV) {
                    if (role.includes(name) && !envs.includes(env ?? "")) out.push(`${f} ${id}: ${name} outside the ${envs[0]} environment`);
                }
            }
            if (stacksChanged(job).includes("production") && env !== "production") out.push(`${f} ${id}: changes production outside the production environment`);
        }
    }
    return out;
};

/**
 * Secrets are environment secrets: a job that reaches AWS or the Pulumi backend names an environment and
 * takes PULUMI_ACCESS_TOKEN from it; no job without one reads a secret other than GITHUB_TOKEN; and
 * PULUMI_CONFIG_PASSPHRASE is gone (stacks use their KMS secrets providers).
 */
const environmentSecrets: Rule = (wf, files) => {
    const out: string[] = [];
    for (const [f, t] of Object.entries(files)) if (t.includes("PULUMI_CONFIG_PASSPHRASE")) out.push(`${f}: PULUMI_CONFIG_PASSPHRASE: stacks use their KMS secrets provider`);
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            const env = envName(job);
            const secrets = [...text(job).matchAll(/\$\{\{[^}]*?\bsecrets\.(\w+)/g)].map((m) => m[1]);
            const reachesAws = usesAction(job, "aws-actions/configure-aws-credentials");
            const reachesPulumi = usesPulumiBackend(job);
            if (!env) {
                for (const s of secrets.filter((s) => s !== "GITHUB_TOKEN")) out.push(`${f} ${id}: secrets.${s} in a job without an environment (secrets are environment secrets)`);
                if (reachesAws) out.push(`${f} ${id}: reaches AWS without an environment`);
                if (reachesPulumi) out.push(`${f} ${id}: uses a Pulumi stack without an environment`);
                continue;
            }
            if (!env.startsWith("${{") && !ENVIRONMENTS.includes(env)) out.push(`${f} ${id}: environment ${env} is not one the delivery stack declares (${ENVIRONMENTS.join(", ")})`);
            if (reachesPulumi && jobEnv(job).PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}") out.push(`${f} ${id}: uses Pulumi without the environment's PULUMI_ACCESS_TOKEN`);
        }
    }
    return out;
};

/** Every `pulumi preview` and `pulumi up` runs with the policy pack, after the root `npm ci` that installs its dependencies. */
const policyPack: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            const npmCi = stepIndex(job, (s) => /^npm ci\b/m.test(s.run ?? ""));
            steps(job).forEach((s, i) => {
                const cmd = pulumiCommand(s);
                const shell = [...(s.run ?? "").matchAll(new RegExp(`${CMD}(pulumi (up|preview|update)\\b[^\\n]*)`, "gm"))].map((m) => [m[1], m[2]]);
                const checked = ["up", "update", "preview"].includes(cmd ?? "") || shell.length > 0;
                if (!checked) return;
                if (cmd && ["up", "update", "preview"].includes(cmd) && s.with?.policyPacks !== POLICY_PACK) out.push(`${f} ${id}: pulumi ${cmd} without policyPacks: ${POLICY_PACK}`);
                for (const m of shell) if (!m[0].includes(`--policy-pack ${POLICY_PACK}`)) out.push(`${f} ${id}: "${m[0].trim()}" without --policy-pack ${POLICY_PACK}`);
                if (npmCi < 0 || npmCi > i) out.push(`${f} ${id}: pulumi ${cmd ?? shell[0][1]} before the root npm ci (the pack resolves @pulumi/policy and tsx from node_modules)`);
            });
        }
    }
    return out;
};

/** `npm run check` runs next to `npm test` on every pull request, and before anything is deployed. */
const checks: Rule = (wf) => {
    const out: string[] = [];
    const runsBoth = (j: Job | undefined) => Boolean(j) && /^npm test$/m.test(runs(j as Job)) && /^npm run check$/m.test(runs(j as Job));
    if (!runsBoth(wf["pull-request.yml"]?.jobs.test)) out.push("pull-request.yml test: npm test and npm run check");
    const deploy = wf["deploy.yml"];
    if (deploy) {
        const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
            for (const n of needsOf(deploy.jobs[id] ?? {})) if (!seen.has(n)) ancestors(n, seen.add(n));
            return seen;
        };
        for (const [id, job] of Object.entries(deploy.jobs)) {
            if (!steps(job).some((s) => pulumiCommand(s) === "up")) continue;
            if (![...ancestors(id)].some((a) => runsBoth(deploy.jobs[a]))) out.push(`deploy.yml ${id}: deploys without an earlier job running npm test and npm run check`);
        }
    }
    return out;
};

/** The pipeline and a workflow's `pulumi up` never write an environment's service at once. */
const stageLock: Rule = (wf) => {
    const out: string[] = [];
    for (const [f, w] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(w.jobs)) {
            const ups = stacksChanged(job).filter((s) => PIPELINE_STACKS.includes(s) && steps(job).some((st) => pulumiCommand(st) === "up"));
            const must = (f === "deploy.yml" && ups.length > 0) || steps(job).some((s) => /stage-lock\.sh/.test(s.run ?? ""));
            if (!must) continue;
            const env = jobEnv(job);
            for (const stack of ups) if (env.STAGE !== stageName(stack)) out.push(`${f} ${id}: STAGE must be ${stageName(stack)}, the pipeline's stage for ${stack}`);
            if (env.PIPELINE_NAME !== "${{ vars.PIPELINE_NAME }}") out.push(`${f} ${id}: PIPELINE_NAME from the repository variable`);
            const lock = stepIndex(job, (s) => /stage-lock\.sh lock\b/.test(s.run ?? ""));
            const unlock = stepIndex(job, (s) => /stage-lock\.sh unlock\b/.test(s.run ?? ""));
            const up = stepIndex(job, (s) => pulumiCommand(s) === "up");
            const lockId = lock >= 0 ? steps(job)[lock].id : undefined;
            if (lock < 0 || !lockId) out.push(`${f} ${id}: no stage-lock.sh lock step (with an id) before pulumi up`);
            else if (up >= 0 && lock > up) out.push(`${f} ${id}: the stage is locked after pulumi up`);
            if (unlock < 0) out.push(`${f} ${id}: no stage-lock.sh unlock step`);
            else {
                if (unlock < Math.max(lock, up)) out.push(`${f} ${id}: the stage is unlocked before pulumi up ends`);
                if (steps(job)[unlock].if !== `always() && steps.${lockId}.outputs.locked == 'true'`) out.push(`${f} ${id}: unlock must run always() when this job locked the stage`);
            }
        }
    }
    return out;
};

/** deploy.yml says in the run's summary which production gate is in force, before production runs. */
const productionGate: Rule = (wf) => {
    const out: string[] = [];
    const deploy = wf["deploy.yml"];
    if (!deploy) return ["deploy.yml missing"];
    const gate = Object.entries(deploy.jobs).find(([, j]) => jobEnv(j).PRODUCTION_GATE === "${{ vars.PRODUCTION_GATE }}");
    if (!gate) return ["deploy.yml: no job reads the PRODUCTION_GATE variable"];
    const [gid, gjob] = gate;
    if (gjob.environment) out.push(`deploy.yml ${gid}: the gate summary runs before any environment's approval, without one`);
    const r = runs(gjob);
    for (const v of ["github-reviewers", "pipeline-approval"]) if (!new RegExp(`^\\s*${v}\\)`, "m").test(r)) out.push(`deploy.yml ${gid}: no case for PRODUCTION_GATE=${v}`);
    if (!r.includes("GITHUB_STEP_SUMMARY")) out.push(`deploy.yml ${gid}: the gate goes in the job summary`);
    if (!/\*\)[\s\S]*exit 1/.test(r)) out.push(`deploy.yml ${gid}: an unknown PRODUCTION_GATE must fail`);
    for (const [id, job] of Object.entries(deploy.jobs)) {
        if (envName(job) === "production" && !needsOf(job).includes(gid)) out.push(`deploy.yml ${id}: production must need the ${gid} job`);
    }
    return out;
};

/** Pull requests preview only previewable stacks, in the `preview` environment, and say whose code computed the result. */
const previewScope: Rule = (wf, files) => {
    const out: string[] = [];
    const pr = wf["pull-request.yml"];
    const preview = pr?.jobs.preview;
    if (!preview) return ["pull-request.yml: no preview job"];
    if (envName(preview) !== "preview") out.push("pull-request.yml preview: runs in the preview environment");
    if (!(preview.if ?? "").includes(SAME_REPO_GUARD)) out.push("pull-request.yml preview: same-repository pull requests only");
    if (text(preview.strategy?.matrix?.stack) !== text("${{ fromJSON(needs.plan-diff.outputs.preview) }}")) out.push("pull-request.yml preview: the matrix must be the previewable stacks (plan-diff's preview output)");
    const diff = pr.jobs["plan-diff"];
    if (!diff || !/ci\.ts preview-stacks\b/.test(runs(diff)) || !(diff.outputs?.preview ?? "").includes("steps.affected.outputs.preview")) out.push("pull-request.yml plan-diff: the preview output comes from ci.ts preview-stacks");
    const r = runs(preview);
    // With an S3 backend `pulumi stack ls` reads every stack's checkpoint (diy ListStacks): the preview
    // role may read only previewable stacks and delivery's, so the listing is denied. Ask for the one stack.
    const ls = r.search(/pulumi stack select "\$STACK"/);
    const pv = r.search(/\bpulumi preview\b/);
    if (ls < 0 || pv < 0 || ls > pv || !r.includes("no stack named")) out.push("pull-request.yml preview: checks that the stack exists (pulumi stack select, \"no stack named\") before pulumi preview");
    if (/pulumi stack ls/.test(r)) out.push("pull-request.yml preview: no pulumi stack ls (it reads every stack's state, which the preview role may not)");
    if (!/::notice::[^\n]*does not exist/.test(r) || !/exit 0/.test(r)) out.push("pull-request.yml preview: a stack missing from the backend is skipped with a notice");
    const OWN_CODE = /computed by this pull request's own code/i;
    const script = steps(preview).map((s) => String(s.with?.script ?? "")).join("\n");
    if (!OWN_CODE.test(script)) out.push("pull-request.yml preview: the comment says it was computed by the pull request's own code");
    const comment = Object.values(wf["plan-comment.yml"]?.jobs ?? {}).map((j) => steps(j).map((s) => String(s.with?.script ?? "")).join("\n")).join("\n");
    if (!OWN_CODE.test(comment)) out.push("plan-comment.yml: the comment says it was computed by the pull request's own code");
    if (/\bpulumi preview\b[^\n]*--stack (production|delivery)\b/.test(files["pull-request.yml"] ?? "")) out.push("pull-request.yml: previews production or delivery");
    return out;
};

/** Rotate secret: key validated first, in the stack's environment, the change lands as a pull request, never a deploy. */
const rotation: Rule = (wf, files) => {
    const out: string[] = [];
    const w = wf["rotate-secret.yml"];
    if (!w) return ["rotate-secret.yml missing"];
    const jobs = Object.entries(w.jobs);
    const validate = jobs.find(([, j]) => /ci\.ts rotation-key\b/.test(runs(j)));
    if (!validate) return ["rotate-secret.yml: no job validates the key with ci.ts rotation-key"];
    const [vid, vjob] = validate;
    if (vjob.environment || /secrets\./.test(text(vjob)) || usesAction(vjob, "aws-actions/configure-aws-credentials")) out.push(`rotate-secret.yml ${vid}: validation runs first, with no environment, secret or AWS`);
    for (const [id, job] of jobs) {
        if (id === vid) continue;
        if (!needsOf(job).includes(vid)) out.push(`rotate-secret.yml ${id}: must need ${vid} (the key is checked before anything else)`);
        if (steps(job).some((s) => pulumiCommand(s) !== undefined) || /\bpulumi (up|update|destroy|refresh)\b/.test(runs(job))) out.push(`rotate-secret.yml ${id}: runs pulumi itself; the merge deploys through deploy.yml`);
        const r = runs(job);
        if (!/\bpulumi config set --secret --path "\$CONFIG_PATH"/.test(r)) continue;
        if (envName(job) !== "${{ inputs.stack }}") out.push(`rotate-secret.yml ${id}: runs in the stack's environment`);
        if (jobEnv(job).CONFIG_PATH !== `\${{ needs.${vid}.outputs.path }}`) out.push(`rotate-secret.yml ${id}: CONFIG_PATH must be the validated path`);
        const set = stepIndex(job, (s) => /pulumi config set --secret/.test(s.run ?? ""));
        const tst = stepIndex(job, (s) => /^npm test$/m.test(s.run ?? ""));
        const chk = stepIndex(job, (s) => /^npm run check$/m.test(s.run ?? ""));
        const push = stepIndex(job, (s) => /\bgit push\b/.test(s.run ?? ""));
        if (!(set < tst && set < chk && tst < push && chk < push)) out.push(`rotate-secret.yml ${id}: npm test and npm run check run after the config change and before the push`);
        for (const m of r.matchAll(/\bgit push\b[^\n]*/g)) {
            if (!/^git push origin "HEAD:refs\/heads\/\$branch"$/.test(m[0].trim())) out.push(`rotate-secret.yml ${id}: "${m[0].trim()}" may push to the release branch; push HEAD to the new branch only`);
        }
        if (!/branch="rotate\//.test(r) || !/\bgh pr create --base "\$RELEASE_BRANCH" --head "\$branch"/.test(r)) out.push(`rotate-secret.yml ${id}: opens a pull request from a new rotate/ branch`);
    }
    if (!/GITHUB_TOKEN[\s\S]*start no workflows[\s\S]*reopen/.test(files["rotate-secret.yml"] ?? "")) out.push("rotate-secret.yml: the header says pull requests opened with GITHUB_TOKEN start no checks, and what to do");
    const inputs = (w.on?.workflow_dispatch as { inputs?: Record<string, { options?: string[] }> } | undefined)?.inputs ?? {};
    if (text(inputs.stack?.options) !== text(ROTATABLE_STACKS)) out.push("rotate-secret.yml: the stack choice is ci.ts's ROTATABLE_STACKS");
    return out;
};

/** Review stacks: a writer's label, the review secrets provider, config from the review template only. */
const reviewStacks: Rule = (wf, files) => {
    const out: string[] = [];
    const w = wf["review-stack.yml"];
    if (!w) return ["review-stack.yml missing"];
    const t = files["review-stack.yml"] ?? "";
    if (/config cp --stack (?!review )/.test(t)) out.push("review-stack.yml: copies config from a stack other than the review template");
    const auth = Object.entries(w.jobs).find(([, j]) => steps(j).some((s) => String(s.with?.script ?? "").includes("getCollaboratorPermissionLevel")));
    if (!auth) return [...out, "review-stack.yml: no job checks the labeller's permission (repos.getCollaboratorPermissionLevel)"];
    const [aid, ajob] = auth;
    if (ajob.environment || /secrets\./.test(text(ajob)) || perms(ajob)["id-token"] || Object.values(perms(ajob)).includes("write")) out.push(`review-stack.yml ${aid}: the permission check runs without environment, secrets, OIDC or write access`);
    const script = steps(ajob).map((s) => String(s.with?.script ?? "")).join("\n");
    if (!script.includes('const ALLOWED = ["admin", "maintain", "write"];') || !script.includes("core.setFailed")) out.push(`review-stack.yml ${aid}: allows exactly admin, maintain and write, and refuses others with a message`);
    if (!script.includes("context.payload.sender.login")) out.push(`review-stack.yml ${aid}: checks the event's sender`);
    const deploy = Object.entries(w.jobs).find(([, j]) => steps(j).some((s) => pulumiCommand(s) === "up"));
    if (!deploy) return [...out, "review-stack.yml: no deploy job"];
    const [did, djob] = deploy;
    if (!needsOf(djob).includes(aid)) out.push(`review-stack.yml ${did}: must need ${aid}, before assuming the review role`);
    const r = runs(djob);
    if (jobEnv(djob).REVIEW_STACKS_KMS_URL !== "${{ vars.REVIEW_STACKS_KMS_URL }}") out.push(`review-stack.yml ${did}: REVIEW_STACKS_KMS_URL from the repository variable`);
    if (!r.includes('pulumi stack init "$STACK" --secrets-provider "$REVIEW_STACKS_KMS_URL"')) out.push(`review-stack.yml ${did}: creates the stack with the review secrets provider`);
    if (!r.includes('pulumi config cp --stack review --dest "$STACK"')) out.push(`review-stack.yml ${did}: copies config from the review template stack`);
    if (/\bpulumi config (set|rm)\b/.test(r)) out.push(`review-stack.yml ${did}: tweaks config keys (the review template holds the review settings)`);
    if (jobEnv(djob).STACK !== "review-pr-${{ github.event.pull_request.number }}") out.push(`review-stack.yml ${did}: the stack is review-pr-<N>`);
    if (envName(djob) !== "review") out.push(`review-stack.yml ${did}: deploys in the review environment (its reviewers gate pull-request code)`);
    // pulumi stack ls on an S3 backend reads every stack's checkpoint, which the review role may not.
    if (!(files["teardown.yml"] ?? "").includes("ci.ts review-checkpoints")) out.push("teardown.yml: on an S3 backend, list review checkpoints (ci.ts review-checkpoints), not pulumi stack ls");
    // review-teardown has no reviewers; only its branch policy keeps pull requests out, so only the
    // scheduled teardown names it, and the teardown never waits for a review-stack reviewer.
    for (const [f, wfl] of Object.entries(wf)) {
        for (const [id, job] of Object.entries(wfl.jobs)) {
            const env = envName(job);
            if (env === "review-teardown" && f !== "teardown.yml") out.push(`${f} ${id}: only teardown.yml runs in review-teardown`);
            if (f === "teardown.yml" && env !== "review-teardown") out.push(`teardown.yml ${id}: runs in review-teardown, not ${env ?? "no environment"}`);
        }
    }
    return out;
};

/** The morning restore refreshes first (the evening changed the service outside Pulumi); ECS stacks only. */
const stagingHours: Rule = (wf) => {
    const out: string[] = [];
    const job = wf["staging-hours.yml"]?.jobs.scale;
    if (!job) return ["staging-hours.yml: no scale job"];
    for (const s of steps(job)) {
        if (pulumiCommand(s) === "up" && s.with?.refresh !== true) out.push("staging-hours.yml scale: the morning pulumi up must refresh first (refresh: true)");
        for (const m of (s.run ?? "").matchAll(/\bpulumi up\b[^\n]*/g)) if (!m[0].includes("--refresh")) out.push("staging-hours.yml scale: pulumi up without --refresh");
    }
    const platform = steps(job).find((s) => /ci\.ts stack-platform staging\b/.test(s.run ?? ""));
    if (!platform?.id) return [...out, "staging-hours.yml scale: no step reads staging's platform"];
    for (const s of steps(job)) {
        const touches = s.uses?.startsWith("aws-actions/") || isPulumiAction(s) || /\b(aws|pulumi) /.test(s.run ?? "") || /stage-lock\.sh lock/.test(s.run ?? "");
        if (touches && !(s.if ?? "").includes(`steps.${platform.id}.outputs.platform == 'ecs'`)) out.push(`staging-hours.yml scale: ${s.name ?? s.uses ?? "a step"} runs for Beanstalk stacks too`);
    }
    return out;
};

/** The triggers each workflow is for. */
const expectedTriggers: Rule = (wf) => {
    const out: string[] = [];
    const on = (f: string) => wf[f]?.on ?? {};
    const want = (ok: boolean, msg: string) => ok || out.push(msg);
    want(text(triggers(wf["pull-request.yml"])) === text(["pull_request"]), "pull-request.yml: only on pull_request");
    want(text((on("pull-request.yml").pull_request as { branches?: string[] })?.branches) === text(["main"]), "pull-request.yml: pull requests into main");
    const run = on("plan-comment.yml").workflow_run as { workflows?: string[]; types?: string[] } | undefined;
    want(text(run?.workflows) === text([wf["pull-request.yml"]?.name]), "plan-comment.yml: workflow_run of the pull request workflow (by its name)");
    want(text(run?.types) === text(["completed"]), "plan-comment.yml: on completed runs");
    const push = on("deploy.yml").push as { branches?: string[]; paths?: string[]; "paths-ignore"?: string[] } | undefined;
    want(text(triggers(wf["deploy.yml"])) === text(["push"]) && text(push?.branches) === text(["main"]), "deploy.yml: only on push to main");
    const PROGRAM = ["infra/**", "stacks/**", "index.ts", "Pulumi*.yaml", "package*.json", "tsconfig.json", "policy/**"];
    want(text([...(push?.paths ?? [])].sort()) === text([...PROGRAM].sort()) && !push?.["paths-ignore"], `deploy.yml: only when the program or a stack file changes (${PROGRAM.join(", ")})`);
    const types = (on("review-stack.yml").pull_request as { types?: string[] } | undefined)?.types ?? [];
    want(["labeled", "unlabeled", "synchronize", "closed"].every((t) => types.includes(t)), "review-stack.yml: labeled, unlabeled, synchronize and closed pull requests");
    want(["schedule", "workflow_dispatch"].every((t) => triggers(wf["teardown.yml"]).includes(t)), "teardown.yml: scheduled and manual");
    const inputs = (on("rotate-secret.yml").workflow_dispatch as { inputs?: Record<string, { type?: string; required?: boolean; options?: string[] }> } | undefined)?.inputs ?? {};
    want(text(triggers(wf["rotate-secret.yml"])) === text(["workflow_dispatch"]), "rotate-secret.yml: manual only");
    want(inputs.stack?.type === "choice" && text(inputs.stack.options) === text(["staging", "production"]), "rotate-secret.yml: stack is a choice of staging/production");
    want(inputs.key?.required === true && inputs.value !== undefined, "rotate-secret.yml: key (required) and value inputs");
    return out;
};

const RULES: Record<string, Rule> = {
    pinned, knownInputs, leastPermissions, forkSafe, noInjection, hermeticShell, oneRunPerStack, environmentsGate, environmentSecrets,
    policyPack, checks, stageLock, productionGate, previewScope, rotation, reviewStacks, stagingHours, expectedTriggers,
};

/** Applies `edit` to one real file's text and returns the problems `rule` finds in the result. */
function broken(rule: Rule, file: string, edit: (t: string) => string): string {
    const files = realFiles();
    const changed = edit(files[file]);
    assert.notEqual(changed, files[file], `the edit of ${file} changed nothing`);
    const all = { ...files, [file]: changed };
    return rule(parseAll(all), all).join("\n");
}

// ---------------------------------------------------------------------------------------------------

test("the real workflows break no rule", () => {
    const files = realFiles();
    const wf = parseAll(files);
    assert.deepEqual(Object.keys(wf).sort(), ["deploy.yml", "plan-comment.yml", "pull-request.yml", "review-stack.yml", "rotate-secret.yml", "staging-hours.yml", "teardown.yml"]);
    for (const [name, rule] of Object.entries(RULES)) assert.deepEqual(rule(wf, files), [], name);
});

test("an action on a tag instead of a commit, a SHA without its version comment, and another pulumi/actions commit are caught", () => {
    assert.match(broken(pinned, "deploy.yml", (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4")), /actions\/checkout@v4 is not pinned to a full commit SHA/);
    assert.match(broken(pinned, "deploy.yml", (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4.2.2")), /actions\/checkout@v4.2.2 is not pinned to a full commit SHA/);
    assert.match(broken(pinned, "deploy.yml", (t) => t.replace(`@${PULUMI_ACTIONS.sha} # v6.6.1`, "@v6.6.1 # exact tag")), /pulumi\/actions@v6.6.1 is not pinned/);
    assert.match(broken(pinned, "deploy.yml", (t) => t.replace(/(actions\/checkout@[0-9a-f]{40}) # v4.2.2/, "$1")), /needs its version as a "# vX.Y.Z" comment/);
    assert.match(broken(pinned, "deploy.yml", (t) => t.replace(PULUMI_ACTIONS.sha, "8e5e406f4007fca908480587cb9893c07090f58d")), /not the verified pulumi\/actions v6.6.1 commit/);
});

test("a pulumi/actions input its action.yml does not declare is caught", () => {
    assert.match(broken(knownInputs, "deploy.yml", (t) => t.replace("policyPacks: policy", "policy-packs: policy")), /pulumi\/actions has no input policy-packs/);
});

test("a workflow-wide grant, a missing job block and an unneeded id-token are caught", () => {
    assert.match(broken(leastPermissions, "deploy.yml", (t) => t.replace("permissions: {}", "permissions: write-all")), /top-level permissions must be \{\}/);
    const noBlock = broken(leastPermissions, "pull-request.yml", (t) => t.replace(/(  test:\n[\s\S]*?)    permissions:\n      contents: read\n/, "$1"));
    assert.match(noBlock, /pull-request.yml test: no permissions block/);
    const idToken = broken(leastPermissions, "pull-request.yml", (t) => t.replace("    permissions:\n      contents: read\n    steps:", "    permissions:\n      contents: read\n      id-token: write\n    steps:"));
    assert.match(idToken, /id-token: write exactly when/);
    assert.match(broken(leastPermissions, "deploy.yml", (t) => t.replace(/(  staging:[\s\S]*?)persist-credentials: false/, "$1persist-credentials: true")), /deploy.yml staging: checkout keeps the token/);
    assert.match(broken(leastPermissions, "teardown.yml", (t) => t.replace("      pull-requests: read\n", "      pull-requests: write\n")), /teardown.yml find: pull-requests: write without a step that comments/);
});

test("a preview job without the same-repository guard is caught: forks would get secrets and an OIDC token", () => {
    const p = broken(forkSafe, "pull-request.yml", (t) => t.replace(`${SAME_REPO_GUARD} && `, ""));
    assert.match(p, /pull-request.yml preview: reads secrets/);
    assert.match(p, /pull-request.yml preview: id-token: write/);
    assert.match(p, /pull-request.yml preview: an environment on a job that runs for fork pull requests/);
});

test("review-teardown is the teardown's alone, and review-stack deploys wait in review", () => {
    assert.match(broken(reviewStacks, "teardown.yml", (t) => t.replace("ci.ts review-checkpoints", "ci.ts review-stacks")), /list review checkpoints/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace("      name: review\n", "      name: review-teardown\n")), /review-stack.yml deploy: deploys in the review environment[\s\S]*only teardown.yml runs in review-teardown/);
    assert.match(broken(reviewStacks, "teardown.yml", (t) => t.replace(/(  destroy:[\s\S]*?)environment: review-teardown/, "$1environment: review")), /teardown.yml destroy: runs in review-teardown, not review/);
});

test("pull_request_target, and a checkout in the workflow_run job, are caught", () => {
    assert.match(broken(forkSafe, "pull-request.yml", (t) => t.replace("  pull_request:\n", "  pull_request_target:\n")), /pull_request_target runs with secrets/);
    const checkout = broken(forkSafe, "plan-comment.yml", (t) => t.replace("    steps:\n", "    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"));
    assert.match(checkout, /must not check out/);
});

test("an expression inside a script is caught, and so is the rotation value in an expression", () => {
    assert.match(broken(noInjection, "review-stack.yml", (t) => t.replace('pulumi stack select "$STACK"', 'pulumi stack select "review-pr-${{ github.event.pull_request.number }}"')), /an expression inside a script/);
    const v = broken(noInjection, "rotate-secret.yml", (t) => t.replace("      STACK: ${{ inputs.stack }}\n      KEY:", "      STACK: ${{ inputs.stack }}\n      VALUE: ${{ inputs.value }}\n      KEY:"));
    assert.match(v, /inputs.value in an expression/);
});

test("a workflow whose shell steps run without shell: bash (profile files, no pipefail) is caught", () => {
    assert.match(broken(hermeticShell, "pull-request.yml", (t) => t.replace("defaults:\n  run:\n", "x-defaults:\n  run:\n")), /pull-request.yml: defaults.run.shell must be bash/);
});

test("a stack change without its concurrency group, with cancel-in-progress, or under another stack's group is caught", () => {
    assert.match(broken(oneRunPerStack, "deploy.yml", (t) => t.replace("    concurrency:\n      group: pulumi-stack-staging\n      cancel-in-progress: false\n", "")), /deploy.yml staging: changes a stack without the concurrency group/);
    assert.match(broken(oneRunPerStack, "deploy.yml", (t) => t.replace("group: pulumi-stack-production\n      cancel-in-progress: false", "group: pulumi-stack-production\n      cancel-in-progress: true")), /cancel-in-progress must be false/);
    assert.match(broken(oneRunPerStack, "deploy.yml", (t) => t.replace("group: pulumi-stack-staging", "group: pulumi-stack-production")), /deploy.yml staging: changes staging but holds pulumi-stack-production/);
    assert.match(broken(oneRunPerStack, "teardown.yml", (t) => t.replace("group: pulumi-stack-${{ matrix.stack }}", "group: teardown")), /teardown.yml destroy: changes a stack without/);
    assert.match(broken(oneRunPerStack, "review-stack.yml", (t) => t.replace("group: pulumi-stack-review-pr-${{ github.event.pull_request.number }}", "group: pulumi-stack-review")), /review-stack.yml deploy: changes review-pr-\$\{\{ github.event.pull_request.number \}\} but holds pulumi-stack-review/);
});

test("a role outside its environment is caught: production, staging, review and the preview role", () => {
    const p = broken(environmentsGate, "deploy.yml", (t) => t.replace("      name: production\n", "      name: staging-2\n"));
    assert.match(p, /AWS_DEPLOY_ROLE_ARN_PRODUCTION outside the production environment/);
    assert.match(p, /changes production outside the production environment/);
    assert.match(broken(environmentsGate, "pull-request.yml", (t) => t.replace("    environment: preview\n", "    environment: staging\n")), /AWS_PREVIEW_ROLE_ARN outside the preview environment/);
    assert.match(broken(environmentsGate, "pull-request.yml", (t) => t.replace("    environment: preview\n", "")), /pull-request.yml preview: an AWS role without an environment/);
    assert.match(broken(environmentsGate, "teardown.yml", (t) => t.replace(/(  destroy:[\s\S]*?)environment: review/, "$1environment: staging")), /teardown.yml destroy: AWS_DEPLOY_ROLE_ARN_REVIEW outside the review environment/);
});

test("a repository secret, a passphrase, or AWS and Pulumi without an environment are caught", () => {
    assert.match(broken(environmentSecrets, "pull-request.yml", (t) => t.replace("    environment: preview\n", "")), /pull-request.yml preview: secrets.PULUMI_ACCESS_TOKEN in a job without an environment[\s\S]*reaches AWS without an environment[\s\S]*uses a Pulumi stack without an environment/);
    assert.match(broken(environmentSecrets, "deploy.yml", (t) => t.replace("      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n      PIPELINE_NAME", "      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n      PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\n      PIPELINE_NAME")), /deploy.yml: PULUMI_CONFIG_PASSPHRASE/);
    assert.match(broken(environmentSecrets, "deploy.yml", (t) => t.replace("      PRODUCTION_GATE: ${{ vars.PRODUCTION_GATE }}\n", "      PRODUCTION_GATE: ${{ vars.PRODUCTION_GATE }}\n      SLACK: ${{ secrets.SLACK_WEBHOOK }}\n")), /deploy.yml gate: secrets.SLACK_WEBHOOK in a job without an environment/);
    assert.match(broken(environmentSecrets, "staging-hours.yml", (t) => t.replace("      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n", "")), /staging-hours.yml scale: uses Pulumi without the environment's PULUMI_ACCESS_TOKEN/);
    assert.match(broken(environmentSecrets, "teardown.yml", (t) => t.replace(/(  find:[\s\S]*?)environment: review-teardown/, "$1environment: reviews")), /teardown.yml find: environment reviews is not one the delivery stack declares/);
});

test("pulumi up or preview without the policy pack, or before npm ci, is caught", () => {
    assert.match(broken(policyPack, "deploy.yml", (t) => t.replace("          policyPacks: policy\n", "")), /deploy.yml staging: pulumi up without policyPacks: policy/);
    assert.match(broken(policyPack, "pull-request.yml", (t) => t.replace(" --policy-pack policy", "")), /pull-request.yml preview: "pulumi preview --stack [^\n]* without --policy-pack policy/);
    assert.match(broken(policyPack, "review-stack.yml", (t) => t.replace(/(  deploy:[\s\S]*?)      - run: npm ci\n/, "$1")), /review-stack.yml deploy: pulumi up before the root npm ci/);
});

test("a pull request or a deploy without npm run check is caught", () => {
    assert.match(broken(checks, "pull-request.yml", (t) => t.replace(/      - run: npm run check\n/, "")), /pull-request.yml test: npm test and npm run check/);
    assert.match(broken(checks, "deploy.yml", (t) => t.replace("      - run: npm run check\n", "")), /deploy.yml staging: deploys without an earlier job running npm test and npm run check[\s\S]*deploy.yml production/);
});

test("pulumi up of an environment without the stage lock, with the wrong stage, or unlocking only on success is caught", () => {
    assert.match(broken(stageLock, "deploy.yml", (t) => t.replace(/      - name: Hold the pipeline's Staging stage\n        id: lock\n        run: bash .github\/scripts\/stage-lock.sh lock\n/, "")), /deploy.yml staging: no stage-lock.sh lock step/);
    assert.match(broken(stageLock, "deploy.yml", (t) => t.replace("      STAGE: Production\n", "      STAGE: production\n")), /deploy.yml production: STAGE must be Production/);
    assert.match(broken(stageLock, "deploy.yml", (t) => t.replace("        if: always() && steps.lock.outputs.locked == 'true'\n        run: bash .github/scripts/stage-lock.sh unlock", "        run: bash .github/scripts/stage-lock.sh unlock")), /unlock must run always\(\)/);
    assert.match(broken(stageLock, "staging-hours.yml", (t) => t.replace("      PIPELINE_NAME: ${{ vars.PIPELINE_NAME }}\n", "")), /staging-hours.yml scale: PIPELINE_NAME from the repository variable/);
});

test("a deploy that does not say which production gate is in force, or lets production run without it, is caught", () => {
    assert.match(broken(productionGate, "deploy.yml", (t) => t.replace("needs: [staging, gate]", "needs: staging")), /deploy.yml production: production must need the gate job/);
    assert.match(broken(productionGate, "deploy.yml", (t) => t.replace("            pipeline-approval)", "            pipeline)")), /no case for PRODUCTION_GATE=pipeline-approval/);
    assert.match(broken(productionGate, "deploy.yml", (t) => t.replace(`          echo "$msg" >> "$GITHUB_STEP_SUMMARY"\n`, "").replace(/ >> "\$GITHUB_STEP_SUMMARY"/g, "")), /the gate goes in the job summary/);
});

test("previews of every affected stack, outside the preview environment, or of a stack missing from the backend are caught", () => {
    assert.match(broken(previewScope, "pull-request.yml", (t) => t.replace("fromJSON(needs.plan-diff.outputs.preview)", "fromJSON(needs.plan-diff.outputs.stacks)")), /the matrix must be the previewable stacks/);
    assert.match(broken(previewScope, "pull-request.yml", (t) => t.replace("    environment: preview\n", "    environment: staging\n")), /runs in the preview environment/);
    assert.match(broken(previewScope, "pull-request.yml", (t) => t.replace(/          if ! pulumi stack select[\s\S]*?          fi\n/, "")), /checks that the stack exists[\s\S]*skipped with a notice/);
    assert.match(broken(previewScope, "pull-request.yml", (t) => t.replace("          out=\"$RUNNER_TEMP/preview.txt\"\n", "          out=\"$RUNNER_TEMP/preview.txt\"\n          pulumi stack ls --json > /dev/null\n")), /no pulumi stack ls/);
    assert.match(broken(previewScope, "plan-comment.yml", (t) => t.replace("Computed by this pull request's own code", "Computed")), /plan-comment.yml: the comment says it was computed by the pull request's own code/);
    assert.match(broken(previewScope, "pull-request.yml", (t) => t.replace("Computed by this pull request's own code", "Computed")), /pull-request.yml preview: the comment says/);
});

test("a rotation that skips validation, deploys, pushes to the release branch or skips the checks is caught", () => {
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace("    needs: validate\n", "")), /rotate-secret.yml rotate: must need validate/);
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace('git push origin "HEAD:refs/heads/$branch"', "git push")), /"git push" may push to the release branch/);
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace('git push origin "HEAD:refs/heads/$branch"', 'git push origin "HEAD:refs/heads/$RELEASE_BRANCH"')), /may push to the release branch/);
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace("      - run: npm run check\n", "")), /npm test and npm run check run after the config change and before the push/);
    const up = broken(rotation, "rotate-secret.yml", (t) => t + "      - uses: pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58 # v6.6.1\n        with:\n          command: up\n          stack-name: ${{ inputs.stack }}\n");
    assert.match(up, /rotate-secret.yml rotate: runs pulumi itself/);
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace("    environment: ${{ inputs.stack }}\n", "    environment: staging\n")), /runs in the stack's environment/);
    assert.match(broken(rotation, "rotate-secret.yml", (t) => t.replace(/(  validate:[\s\S]*?)    permissions:/, "$1    environment: production\n    permissions:")), /validation runs first, with no environment/);
});

test("a review stack from staging's config, without the review secrets provider, or without the labeller check is caught", () => {
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace('pulumi config cp --stack review --dest "$STACK"', 'pulumi config cp --stack staging --dest "$STACK"')), /copies config from a stack other than the review template/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace(' --secrets-provider "$REVIEW_STACKS_KMS_URL"', "")), /creates the stack with the review secrets provider/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace('pulumi config cp --stack review --dest "$STACK"', 'pulumi config cp --stack review --dest "$STACK"\n          pulumi config set --stack "$STACK" slipway:cpu 256')), /tweaks config keys/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace("    needs: authorize\n", "")), /review-stack.yml deploy: must need authorize/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace('const ALLOWED = ["admin", "maintain", "write"];', 'const ALLOWED = ["admin", "maintain", "write", "triage"];')), /allows exactly admin, maintain and write/);
    assert.match(broken(reviewStacks, "review-stack.yml", (t) => t.replace(/(  authorize:[\s\S]*?)    permissions:/, "$1    environment: review\n    permissions:")), /the permission check runs without environment/);
});

test("a morning restore without refresh, or AWS steps that run for a Beanstalk staging, are caught", () => {
    assert.match(broken(stagingHours, "staging-hours.yml", (t) => t.replace("          refresh: true\n", "")), /must refresh first/);
    assert.match(broken(stagingHours, "staging-hours.yml", (t) => t.replace("        if: steps.platform.outputs.platform == 'ecs' && env.DIRECTION == 'down'", "        if: env.DIRECTION == 'down'")), /Scale to zero runs for Beanstalk stacks too/);
});

test("the production job waits for staging and the comment marker is the diff tool's", () => {
    const wf = parseAll(realFiles());
    assert.ok(needsOf(wf["deploy.yml"].jobs.production).includes("staging"));
    assert.equal(envName(wf["deploy.yml"].jobs.production), "production");
    assert.ok(realFiles()["plan-comment.yml"].includes(`const MARKER = "${COMMENT_MARKER}"`));
});

test("wrong triggers are caught", () => {
    assert.match(broken(expectedTriggers, "plan-comment.yml", (t) => t.replace('workflows: ["Pull request"]', 'workflows: ["PR"]')), /workflow_run of the pull request workflow/);
    assert.match(broken(expectedTriggers, "deploy.yml", (t) => t.replace("branches: [main]", "branches: [main, 'release/**']")), /only on push to main/);
    assert.match(broken(expectedTriggers, "deploy.yml", (t) => t.replace('      - "policy/**"\n', "")), /deploy.yml: only when the program or a stack file changes/);
    assert.match(broken(expectedTriggers, "deploy.yml", (t) => t.replace(/    paths:\n(      - .*\n)+/, '    paths-ignore: ["**.md", "docs/**"]\n')), /deploy.yml: only when the program or a stack file changes/);
    assert.match(broken(expectedTriggers, "rotate-secret.yml", (t) => t.replace("options: [staging, production]", "options: [staging, production, delivery]")), /choice of staging\/production/);
});

test("the preview and review-stack jobs never list the backend's stacks: with an S3 backend that reads every stack's state, which their roles may not", () => {
    for (const file of ["pull-request.yml", "review-stack.yml"]) {
        const body = fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8");
        assert.doesNotMatch(body, /pulumi stack ls/, file);
        assert.match(body, /pulumi stack select "\$STACK" 2> "\$RUNNER_TEMP\/select\.txt"/, file);
    }
});
