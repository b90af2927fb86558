// Small decisions the workflows make, kept here as pure functions so they are tested with the rest
// (test/workflows-scripts.test.ts) instead of living untested in YAML shell.
//
//   npx tsx .github/scripts/ci.ts affected-stacks < changed-files.txt      → stack names, one a line
//   npx tsx .github/scripts/ci.ts stale-review-stacks stacks.json prs.json <idleDays>  → JSON array
import * as fs from "fs";

/** Changes to these reach every stack's program; anything else outside Pulumi.<stack>.yaml reaches none. */
const PROGRAM_PATHS = [/^infra\//, /^stacks\//, /^index\.ts$/, /^Pulumi\.yaml$/, /^package(-lock)?\.json$/, /^tsconfig\.json$/];

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

function cli(argv: string[]): void {
    const [command, ...args] = argv;
    if (command === "affected-stacks") {
        const stacks = fs
            .readdirSync(".")
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => Boolean(s));
        const changed = fs.readFileSync(0, "utf8").split("\n");
        process.stdout.write(affectedStacks(changed, stacks).join("\n") + "\n");
    } else if (command === "stale-review-stacks") {
        const [stacksFile, prsFile, days] = args;
        const idleDays = Number(days);
        if (!stacksFile || !prsFile || !Number.isInteger(idleDays) || idleDays < 1) {
            throw new Error("usage: ci.ts stale-review-stacks <stacks.json> <prs.json> <idleDays ≥ 1>");
        }
        const stacks = JSON.parse(fs.readFileSync(stacksFile, "utf8")) as StackSummary[];
        const prs = JSON.parse(fs.readFileSync(prsFile, "utf8")) as PullRequestSummary[];
        process.stdout.write(JSON.stringify(staleReviewStacks(stacks, prs, new Date(), idleDays)) + "\n");
    } else {
        throw new Error(`unknown command ${command ?? "(none)"}: affected-stacks | stale-review-stacks`);
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
