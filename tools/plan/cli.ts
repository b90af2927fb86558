// The offline plan: runs the real program under Pulumi's mock engine with a stack's config and prints
// every resource it would declare, as `pulumi preview` would; --json writes the plan contract.
//
//   npm run plan -- --stack <name> [--json <file>]
//   npm run plan -- --all --json-dir <dir>
import * as fs from "fs";
import * as path from "path";
import { RunError } from "@pulumi/pulumi/errors";
import { LimitError } from "../check/aws-limits";
import { parseFlags } from "../flags";
import type { CheckedStack } from "../check/iam-check";
import { EngineViolation, Plan, RunOptions, runUnderMocks } from "./mock-engine";
import { renderTree } from "./render";
import { useParseStore } from "../../infra/config/stack-files";
import { parseStore } from "./parse-store";
import { listStacks, loadStackConfig, StackConfig, StackNotFoundError } from "./stack-config";

export interface PlanOptions {
    stack?: string;
    all: boolean;
    json?: string;
    jsonDir?: string;
    quiet: boolean;
    /** Compare with a saved plan (issue: change review); exit 0 no changes, 2 changes, 1 error. */
    diff?: string;
    /** Render the diff as Markdown for a PR comment. */
    markdown: boolean;
    /** Exit non-zero when a mandatory policy rule is violated. */
    check: boolean;
}

export class UsageError extends Error {}

const USAGE =
    "usage: npm run plan -- --stack <name> [--json <file>] [--diff <base.json> [--markdown]] [--check] | --all [--json-dir <dir>] [--check] [--quiet]";

const FLAGS = {
    stack: { type: "string", short: "s" },
    all: { type: "boolean" },
    json: { type: "string" },
    "json-dir": { type: "string" },
    diff: { type: "string" },
    markdown: { type: "boolean" },
    check: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
} as const;

export function parseArgs(argv: string[]): PlanOptions {
    const v = parseFlags(argv, FLAGS, USAGE, (m) => new UsageError(m));
    const opts: PlanOptions = { all: v.all === true, quiet: v.quiet === true, markdown: v.markdown === true, check: v.check === true };
    if (v.stack !== undefined) opts.stack = v.stack;
    if (v.json !== undefined) opts.json = v.json;
    if (v["json-dir"] !== undefined) opts.jsonDir = v["json-dir"];
    if (v.diff !== undefined) opts.diff = v.diff;
    if (!opts.all && !opts.stack) throw new UsageError(`--stack is required. ${USAGE}`);
    if (opts.all && opts.stack) throw new UsageError(`use --stack or --all, not both. ${USAGE}`);
    if (opts.markdown && !opts.diff) throw new UsageError(`--markdown renders a diff: add --diff <base.json>. ${USAGE}`);
    if (opts.all && opts.diff) throw new UsageError(`--diff compares one stack: use --stack. ${USAGE}`);
    if (opts.all && opts.json) throw new UsageError(`--json writes one stack; with --all use --json-dir. ${USAGE}`);
    return opts;
}

/**
 * What makes a plan of the program from a run's options (its stackDir always set). The command plans
 * here, under the mock engine; the test suite passes its plan thread's (test/helpers.ts runMain), which
 * runs the same program and engine.
 */
export type Planner = (opts: RunOptions & { stackDir: string }) => Promise<Plan>;

/** The program, planned in this process. */
export const planHere: Planner = async (opts) => {
    // Loaded on first use so an unknown stack fails before the heavy provider modules load.
    const { program } = await import("../../stacks/program");
    return runUnderMocks(opts, () => program({ stackDir: opts.stackDir }));
};

/** Plans one stack of the project in `dir` (the program is loaded once and reused for every stack). */
export async function planStack(dir: string, stack: string): Promise<Plan> {
    return (await planWithConfig(dir, stack, planHere)).plan;
}

/** The plan and the stack config it was made from (the policy report reads the config's waivers). */
async function planWithConfig(dir: string, stack: string, plan: Planner): Promise<{ plan: Plan; cfg: StackConfig }> {
    const cfg = loadStackConfig(dir, stack);
    return { plan: await plan({ project: cfg.project, stack: cfg.stack, config: cfg.config, secretKeys: cfg.secretKeys, stackDir: dir }), cfg };
}

function writeJson(file: string, plan: Plan) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(plan, null, 2) + "\n");
}

/** The command, on the project in `dir`; `planner` makes each plan (@default planHere). Resolves to the exit code. */
export async function main(argv: string[], dir = process.cwd(), planner: Planner = planHere): Promise<number> {
    const opts = parseArgs(argv);
    const stacks = opts.all ? listStacks(dir) : [opts.stack as string];
    let code = 0;
    const checked: CheckedStack[] = [];
    for (const stack of stacks) {
        const { plan, cfg } = await planWithConfig(dir, stack, planner);
        checked.push(checkedStack(plan, cfg, dir, planner));
        if (opts.json) writeJson(opts.json, plan);
        if (opts.jsonDir) writeJson(path.join(opts.jsonDir, `${stack}.json`), plan);
        if (opts.diff) {
            const { diffCommand } = await import("./diff");
            return diffCommand(plan, opts.diff, { markdown: opts.markdown, write: (s) => process.stdout.write(s) });
        }
        if (!opts.quiet) process.stdout.write(renderTree(plan) + "\n");
        const { policyReport } = await import("../check/policy-report");
        const report = await policyReport(plan, cfg);
        if (!opts.quiet || report.mandatoryViolations > 0) process.stdout.write(report.text + "\n");
        if (opts.check && report.mandatoryViolations > 0) code = 3;
    }
    if (opts.check && opts.all) {
        // Permissions evaluated, not read: each deploy role can do its stacks' whole job and nothing to another stack.
        const { deployRoleProblems } = await import("../check/iam-check");
        const problems = await deployRoleProblems(checked);
        process.stdout.write(`\nIAM simulation of the deploy roles (every needed request allowed, every other stack's resource denied): ${problems.length} problem(s)\n`);
        for (const p of problems) process.stdout.write(`    ERROR  ${p}\n`);
        if (problems.length) code = 3;
        // Both sides of each stack boundary derive the same names (infra/contract.ts).
        const { projectContractProblems } = await import("../check/contract");
        const broken = projectContractProblems(checked, path.join(dir, ".github", "workflows"));
        process.stdout.write(`Contract between the delivery stack, its environments and the workflows: ${broken.length} problem(s)\n`);
        for (const p of broken) process.stdout.write(`    ERROR  ${p}\n`);
        if (broken.length) code = 3;
    }
    return code;
}

/** What the IAM check needs of a planned stack. */
function checkedStack(plan: Plan, cfg: StackConfig, dir: string, planner: Planner): CheckedStack {
    const tier = String(plan.resources.find((r) => r.type === "slipway:policy:Waivers")?.inputs.tier ?? "");
    return {
        plan,
        region: cfg.config["aws:region"],
        app: cfg.config["slipway:appName"],
        tier,
        role: tier === "delivery" ? "delivery" : "environment",
        deliveryStack: (cfg.config["slipway:deliveryStack"] ?? "delivery").split("/").pop(),
        secretsProvider: cfg.secretsProvider,
        // The review template is checked as the review stack its config makes (review-pr-N).
        planAs: (stackName) => planner({ project: cfg.project, stack: stackName, config: cfg.config, secretKeys: cfg.secretKeys, stackDir: dir }),
        backendUrl: tier === "delivery" ? cfg.config["slipway:pulumiBackendUrl"] : undefined,
        project: cfg.project,
    };
}

/** The command line: runs main() (in `dir`, with `planner`), printing a known error as one line (no stack trace); resolves to the exit code. */
export function cli(argv: string[], dir = process.cwd(), planner: Planner = planHere): Promise<number> {
    const previous = useParseStore(parseStore());
    return main(argv, dir, planner)
        .catch((err: unknown) => {
            const known = err instanceof UsageError || err instanceof StackNotFoundError || err instanceof EngineViolation || err instanceof LimitError || RunError.isInstance(err);
            process.stderr.write(`error: ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}\n`);
            return 1;
        })
        .finally(() => useParseStore(previous));
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
