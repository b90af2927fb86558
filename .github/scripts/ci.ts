// Small decisions the workflows make, kept here as pure functions so they are tested with the rest
// (test/workflows-scripts.test.ts) instead of living untested in YAML shell.
//
//   npx tsx .github/scripts/ci.ts affected-stacks < changed-files.txt      → stack names, one a line
//   npx tsx .github/scripts/ci.ts preview-stacks < changed-files.txt       → affected ∩ previewable, one a line
//   npx tsx .github/scripts/ci.ts stale-review-stacks stacks.json prs.json <idleDays>  → JSON array
//   npx tsx .github/scripts/ci.ts review-checkpoints <s3 backend url>      → bucket, then the review checkpoints' key prefix
//   npx tsx .github/scripts/ci.ts review-stacks-from-objects objects.json  → JSON array as `pulumi stack ls --json`
//   npx tsx .github/scripts/ci.ts rotation-key <stack> <key>               → slipway:appSecrets.<NAME>
//   npx tsx .github/scripts/ci.ts stack-platform <stack>                   → ecs | beanstalk
//   npx tsx .github/scripts/ci.ts stage-name <stack>                       → the pipeline stage of the stack
import * as fs from "fs";
import { parse as parseYaml } from "yaml";
import { tierForStack } from "../../infra/config/tiers";
import { s3Backend } from "../../infra/delivery/state-backend-url";

/** Changes to these reach every stack's program (or what `pulumi preview`/`up` checks it against). */
const PROGRAM_PATHS = [/^infra\//, /^stacks\//, /^policy\//, /^index\.ts$/, /^Pulumi\.yaml$/, /^package(-lock)?\.json$/, /^tsconfig\.json$/];

/**
 * The stacks a pull request affects, given its changed files and the stacks of the head branch:
 * every stack when the program or its dependencies change, else those whose stack file changed.
 */
export function affectedStacks(changedFiles: string[], stacks: string[]): string[] {
    const files = changedFiles.map((f) => f.trim()).filter(Boolean);
    if (files.some((f) => PROGRAM_PATHS.some((rx) => rx.test(f)))) return [...stacks].sort();
    const touched = new Set(files.map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => Boolean(s)));
    return stacks.filter((s) => touched.has(s)).sort();
}

// ---------------------------------------------------------------------------------------------------
// Stack files: the few settings the workflows decide on, read the way infra/config/settings.ts reads them
// (stack file first, then Pulumi.yaml's declared default), without decrypting anything.

/** A parsed `Pulumi.yaml` or `Pulumi.<stack>.yaml`: only `config` matters here. */
export interface ConfigDoc {
    config?: Record<string, unknown>;
}

const NAMESPACE = "slipway";

/** A plain `slipway:<key>` setting of a stack: its stack file's value, else Pulumi.yaml's default, else "". */
export function stackSetting(key: string, stackDoc: ConfigDoc, projectDoc: ConfigDoc = {}): string {
    const own = stackDoc.config?.[`${NAMESPACE}:${key}`];
    if (typeof own === "string" || typeof own === "number" || typeof own === "boolean") return String(own);
    const decl = projectDoc.config?.[key] ?? projectDoc.config?.[`${NAMESPACE}:${key}`];
    if (decl && typeof decl === "object" && !Array.isArray(decl)) {
        const d = decl as Record<string, unknown>;
        const v = "value" in d ? d.value : d.default;
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
    } else if (typeof decl === "string") return decl;
    return "";
}

export type Tier = "production" | "staging" | "review";

/** `slipway:tier` if set, else the tier the program gives the name (`*-production`/`*-prod` production, `review`/`review-*` review, else staging). */
export function stackTier(stack: string, stackDoc: ConfigDoc, projectDoc: ConfigDoc = {}): Tier {
    const set = stackSetting("tier", stackDoc, projectDoc);
    if (set === "production" || set === "staging" || set === "review") return set;
    // The program's own rule (infra/config/tiers.ts): `eu-production` is production, `reviewer` is staging.
    return tierForStack(stack);
}

/** `slipway:role` if set, else `delivery` for the stack named delivery, else `environment` (as infra/config/settings.ts). */
export function stackRole(stack: string, stackDoc: ConfigDoc, projectDoc: ConfigDoc = {}): "delivery" | "environment" {
    const set = stackSetting("role", stackDoc, projectDoc);
    if (set === "delivery" || set === "environment") return set;
    return stack === "delivery" ? "delivery" : "environment";
}

/**
 * A stack a pull request may `pulumi preview` with the read-only preview role: an environment stack of
 * the staging tier. Production and delivery (and review stacks, made per pull request) get only the
 * offline plan diff: the preview role cannot read them, and pull request code must not.
 */
export function isPreviewable(stack: string, stackDoc: ConfigDoc, projectDoc: ConfigDoc = {}): boolean {
    return stackRole(stack, stackDoc, projectDoc) === "environment" && stackTier(stack, stackDoc, projectDoc) === "staging";
}

/** The affected stacks a pull request previews: affected ∩ previewable. */
export function previewStacks(affected: string[], docs: Record<string, ConfigDoc>, projectDoc: ConfigDoc = {}): string[] {
    return affected.filter((s) => docs[s] !== undefined && isPreviewable(s, docs[s], projectDoc)).sort();
}

/** `ecs` unless the stack (or Pulumi.yaml) says `beanstalk`. */
export function stackPlatform(stackDoc: ConfigDoc, projectDoc: ConfigDoc = {}): "ecs" | "beanstalk" {
    return stackSetting("platform", stackDoc, projectDoc) === "beanstalk" ? "beanstalk" : "ecs";
}

/** The pipeline's stage for a stack: the name capitalised per `-`-separated part (infra/delivery/pipeline.ts stageName). */
export function stageName(stack: string): string {
    return stack
        .split("-")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("-");
}

// ---------------------------------------------------------------------------------------------------
// Secret rotation

/** The stacks Rotate secret offers: environment stacks CI deploys (review stacks are made per pull request). */
export const ROTATABLE_STACKS = ["staging", "production"] as const;

const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;

export interface RotationTarget {
    stack: string;
    /** For `pulumi config set --secret --path`. */
    configPath: string;
    name: string;
}

/**
 * Checks a rotation request before anything else runs: only `appSecrets.<NAME>` of an environment stack.
 * `ciSecrets.<environment>.<NAME>` are the delivery stack's, which CI never deploys: they are refused
 * with the command to run instead. Throws with a message for the person who asked.
 */
export function rotationTarget(stack: string, key: string, existing?: readonly string[]): RotationTarget {
    // Messages never repeat the key as typed: a value pasted into the wrong field would land in the log.
    if (!(ROTATABLE_STACKS as readonly string[]).includes(stack)) throw new Error(`stack must be one of ${ROTATABLE_STACKS.join(", ")}`);
    if (/^ciSecrets\./.test(key)) {
        const ci = /^ciSecrets\.([a-z0-9-]+)\.([A-Z_][A-Z0-9_]*)$/.exec(key);
        const path = ci ? `slipway:ciSecrets.${ci[1]}.${ci[2]}` : "slipway:ciSecrets.<environment>.<NAME>";
        throw new Error(
            "ciSecrets are the delivery stack's, which this workflow cannot deploy; an administrator rotates them: " +
                `pulumi config set --secret --path '${path}' -s delivery < value.txt && pulumi up -s delivery`,
        );
    }
    const app = /^appSecrets\.([^.]+)$/.exec(key);
    if (!app) throw new Error("key must be appSecrets.<NAME>, e.g. appSecrets.API_KEY");
    const name = app[1];
    if (!SECRET_NAME.test(name)) throw new Error(`the name after appSecrets. must match ${SECRET_NAME.source} (upper case letters, digits and _, not starting with a digit)`);
    // Rotation replaces a value; a new secret is a change to the app's contract, made in a pull request.
    if (existing && !existing.includes(name)) {
        throw new Error(
            `${stack} has no secret ${name} to rotate (it has ${existing.length ? existing.join(", ") : "none"}). ` +
                `To add one, open a pull request with: pulumi config set --secret --path '${NAMESPACE}:appSecrets.${name}' <value> -s ${stack}`,
        );
    }
    return { stack, configPath: `${NAMESPACE}:appSecrets.${name}`, name };
}

// ---------------------------------------------------------------------------------------------------
// Review stack teardown

/**
 * Where review stacks' checkpoints sit on an S3 backend: `pulumi stack ls` reads every stack's checkpoint
 * (pulumi/pulumi pkg/backend/diy ListStacks), which the review role may not, so the teardown lists the
 * objects under this prefix instead (`aws s3api list-objects-v2 --bucket … --prefix …`).
 */
export function reviewCheckpointPrefix(backendUrl: string, project: string): { bucket: string; prefix: string } {
    const b = s3Backend(backendUrl);
    if (!b) throw new Error(`PULUMI_BACKEND_URL ${JSON.stringify(backendUrl)} is not an s3:// backend`);
    if (!/^[A-Za-z0-9._-]+$/.test(project)) throw new Error(`project name ${JSON.stringify(project)} is not a Pulumi project name`);
    return { bucket: b.bucket, prefix: `${b.root}/stacks/${project}/review-pr-` };
}

/** `list-objects-v2` output of that prefix as `pulumi stack ls --json` would list the stacks (checkpoints only, not `.bak`). */
export function reviewStacksFromObjects(listing: { Contents?: { Key: string; LastModified: string }[] }): StackSummary[] {
    const out: StackSummary[] = [];
    for (const o of listing.Contents ?? []) {
        const m = /\/(review-pr-\d+)\.json(?:\.gz|\.zst)?$/.exec(o.Key);
        if (m) out.push({ name: m[1], lastUpdate: new Date(o.LastModified).toISOString() });
    }
    return out;
}

export interface StackSummary {
    /** As `pulumi stack ls --json` prints it: `review-pr-12` or `org/slipway/review-pr-12`. */
    name: string;
    /** ISO time of the last update; absent for a stack never updated. */
    lastUpdate?: string;
}

export interface PullRequestSummary {
    number: number;
    /** As `gh pr view --json state` prints it. */
    state: "OPEN" | "CLOSED" | "MERGED";
    updatedAt: string;
}

export interface Teardown {
    stack: string;
    pr: number;
    reason: string;
}

const REVIEW_STACK = /(?:^|\/)(review-pr-(\d+))$/;

/**
 * Review stacks to destroy: those whose pull request is closed, merged or unknown, and those whose pull
 * request and stack have both seen no activity for `idleDays` days.
 */
export function staleReviewStacks(stacks: StackSummary[], prs: PullRequestSummary[], now: Date, idleDays: number): Teardown[] {
    const byNumber = new Map(prs.map((p) => [p.number, p]));
    const idleSince = now.getTime() - idleDays * 24 * 3600 * 1000;
    const out: Teardown[] = [];
    for (const s of stacks) {
        const m = REVIEW_STACK.exec(s.name);
        if (!m) continue;
        const pr = Number(m[2]);
        const info = byNumber.get(pr);
        if (!info) out.push({ stack: m[1], pr, reason: `pull request #${pr} not found` });
        else if (info.state !== "OPEN") out.push({ stack: m[1], pr, reason: `pull request #${pr} is ${info.state.toLowerCase()}` });
        else {
            const lastStack = s.lastUpdate ? Date.parse(s.lastUpdate) : 0;
            const lastPr = Date.parse(info.updatedAt);
            if (Math.max(lastStack, lastPr) < idleSince) out.push({ stack: m[1], pr, reason: `idle for more than ${idleDays} days` });
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------

function stackFiles(dir = "."): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s));
}

const readDoc = (file: string): ConfigDoc => (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as ConfigDoc;

function stackDoc(stack: string): ConfigDoc {
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || !fs.existsSync(`Pulumi.${stack}.yaml`)) throw new Error(`no Pulumi.${stack}.yaml here`);
    return readDoc(`Pulumi.${stack}.yaml`);
}

/** The names under slipway:appSecrets in a stack file. */
export function appSecretNames(doc: ConfigDoc): string[] {
    const secrets = doc.config?.[`${NAMESPACE}:appSecrets`];
    return secrets && typeof secrets === "object" ? Object.keys(secrets).sort() : [];
}

function cli(argv: string[]): void {
    const [command, ...args] = argv;
    const lines = (xs: string[]) => process.stdout.write(xs.join("\n") + "\n");
    if (command === "affected-stacks" || command === "preview-stacks") {
        const affected = affectedStacks(fs.readFileSync(0, "utf8").split("\n"), stackFiles());
        if (command === "affected-stacks") lines(affected);
        else lines(previewStacks(affected, Object.fromEntries(affected.map((s) => [s, stackDoc(s)])), readDoc("Pulumi.yaml")));
    } else if (command === "stale-review-stacks") {
        const [stacksFile, prsFile, days] = args;
        const idleDays = Number(days);
        if (!stacksFile || !prsFile || !Number.isInteger(idleDays) || idleDays < 1) {
            throw new Error("usage: ci.ts stale-review-stacks <stacks.json> <prs.json> <idleDays ≥ 1>");
        }
        const stacks = JSON.parse(fs.readFileSync(stacksFile, "utf8")) as StackSummary[];
        const prs = JSON.parse(fs.readFileSync(prsFile, "utf8")) as PullRequestSummary[];
        process.stdout.write(JSON.stringify(staleReviewStacks(stacks, prs, new Date(), idleDays)) + "\n");
    } else if (command === "review-checkpoints") {
        const { bucket, prefix } = reviewCheckpointPrefix(args[0] ?? "", String((readDoc("Pulumi.yaml") as { name?: unknown }).name ?? ""));
        lines([bucket, prefix]);
    } else if (command === "review-stacks-from-objects") {
        process.stdout.write(JSON.stringify(reviewStacksFromObjects(JSON.parse(fs.readFileSync(args[0] ?? "", "utf8")))) + "\n");
    } else if (command === "rotation-key") {
        const [stack = "", key = ""] = args;
        const target = rotationTarget(stack, key);
        lines([rotationTarget(stack, key, appSecretNames(stackDoc(target.stack))).configPath]);
    } else if (command === "stack-platform") {
        lines([stackPlatform(stackDoc(args[0] ?? ""), readDoc("Pulumi.yaml"))]);
    } else if (command === "stage-name") {
        lines([stageName(args[0] ?? "")]);
    } else {
        throw new Error(`unknown command ${command ?? "(none)"}: affected-stacks | preview-stacks | stale-review-stacks | review-checkpoints | review-stacks-from-objects | rotation-key | stack-platform | stage-name`);
    }
}

if (require.main === module) {
    try {
        cli(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    }
}
