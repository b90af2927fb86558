// npm run rollback -- --stack production [--to <execution id or commit sha>] [--yes] [--pipeline <name>]
//
// Rolls an environment's stage back to an earlier execution that succeeded in it, with CodePipeline's
// RollbackStage (a new ROLLBACK execution that redeploys the target's artifacts and variables, smoke
// test included). Asks for the stack's name first; without a terminal it refuses unless --yes.
// Calls: codepipeline:GetPipeline, GetPipelineState, ListPipelineExecutions, ListActionExecutions,
// RollbackStage.
import { GetPipelineStateCommand, RollbackStageCommand } from "@aws-sdk/client-codepipeline";
import { parseFlags } from "../flags";
import { call, clients, OpsError } from "./aws";
import { defaultIo, run, usage, type Io } from "./command";
import { listActions, listExecutions, short, type Execution } from "./history";
import { opsStack, pipelineDeclaration, pipelineName, STACK_FLAGS } from "./stack";

const USAGE = "Usage: npm run rollback -- --stack <environment stack> [--to <execution id or commit sha>] [--yes] [--pipeline <name>]";
const OPTIONS = { ...STACK_FLAGS, to: { type: "string" }, yes: { type: "boolean" } } as const;
/** RollbackStage's targetPipelineExecutionId pattern (CodePipeline API Reference). */
export const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA = /^[0-9a-f]{4,40}$/i;
/** How many of the stage's successful executions a target is looked for in. */
const CANDIDATES = 200;

const describe = (e: Execution) => `${short(e.revision?.id)} (execution ${e.id}, finished ${e.end.toISOString()}${e.revision?.summary ? `: ${e.revision.summary.split("\n")[0].slice(0, 60)}` : ""})`;

/**
 * The rollback that undid a success: among the stage's successes (newest first), the one right after
 * it is a rollback to another execution (as the change failure rate counts it, tools/ops/metrics.ts).
 * An automatic rollback after a failed attempt targets the success before, which it does not undo.
 */
export function undoneBy(e: Execution, successes: Execution[]): Execution | undefined {
    const i = successes.indexOf(e);
    const next = i > 0 ? successes[i - 1] : undefined;
    return next?.type === "ROLLBACK" && next.rollbackTarget !== e.id ? next : undefined;
}

/**
 * The execution `to` names among the stage's successes (newest first); without `to`, the newest
 * standard one with another commit than `current` that no rollback undid.
 */
export function resolveTarget(to: string | undefined, successes: Execution[], current: Execution | undefined, stage: string): Execution {
    const standard = successes.filter((e) => e.type === "STANDARD");
    if (to === undefined) {
        const target = standard.find((e) => e.id !== current?.id && (!current?.revision || e.revision?.id !== current.revision.id) && !undoneBy(e, successes));
        if (!target) throw new OpsError(`no earlier execution succeeded in ${stage} with another commit than the one it runs (${short(current?.revision?.id)}) and stayed (none a rollback undid): nothing to roll back to; pass --to to choose one`);
        return target;
    }
    if (EXECUTION_ID.test(to)) {
        const target = standard.find((e) => e.id === to);
        if (target) return target;
        if (successes.some((e) => e.id === to)) throw new OpsError(`${to} is a rollback execution: CodePipeline cannot roll back to a rollback (CodePipeline User Guide, "Configuring stage rollback"). Pass the execution it rolled back to`);
        throw new OpsError(`${to} is not among the last ${CANDIDATES} executions that succeeded in ${stage}: list them with npm run status, or pass a commit sha`);
    }
    if (!SHA.test(to)) throw new OpsError(`--to takes an execution id (8-4-4-4-12 hex digits) or a commit sha (4 to 40 hex digits), not "${to}"`);
    const matches = standard.filter((e) => e.revision?.id.toLowerCase().startsWith(to.toLowerCase()));
    const shas = [...new Set(matches.map((e) => e.revision!.id))];
    if (shas.length > 1) throw new OpsError(`--to ${to} matches ${shas.length} commits (${shas.map(short).join(", ")}): give more of the sha`);
    if (!matches.length) throw new OpsError(`no execution that succeeded in ${stage} ran commit ${to} (among the last ${CANDIDATES} successes)`);
    return matches[0];
}

export async function rollback(argv: string[], io: Io): Promise<number> {
    const flags = parseFlags(argv, OPTIONS, USAGE, usage);
    if (!flags.stack) throw usage(`--stack is required. ${USAGE}`);
    const s = opsStack(io.dir, flags.stack);
    const target = s.target;
    if (!target) throw usage(`--stack ${flags.stack} is the delivery stack: name the environment stack whose stage rolls back (${s.targets.map((t) => t.stack).join(", ")})`);
    const c = clients(s.region);
    const name = await pipelineName(c, s, flags.pipeline, io.env);
    const declared = await pipelineDeclaration(c, s, name);
    const state = await call(c.codepipeline, "GetPipelineState", c.region, () => c.codepipeline.send(new GetPipelineStateCommand({ name })));
    const latest = state.stageStates?.find((x) => x.stageName === target.stage)?.latestExecution;
    // RollbackStage answers ConflictException while the pipeline is busy in the stage.
    if (latest?.status === "InProgress" || latest?.status === "Stopping") {
        throw new OpsError(`${target.stage} is running execution ${latest.pipelineExecutionId} (${latest.status}): wait for it to finish (npm run status -- --stack ${target.stack}), then roll back`);
    }
    const [successes, recent] = await Promise.all([
        listExecutions(c, name, { limit: CANDIDATES, filter: { succeededInStage: { stageName: target.stage } } }),
        listExecutions(c, name, { limit: 100 }),
    ]);
    const known = [...successes, ...recent];
    for (const e of known) if (!e.revision && e.rollbackTarget) e.revision = known.find((k) => k.id === e.rollbackTarget)?.revision;
    const current = latest?.pipelineExecutionId ? known.find((e) => e.id === latest.pipelineExecutionId) : undefined;
    const to = resolveTarget(flags.to, successes, current, target.stage);
    if (current && to.id === current.id) throw new OpsError(`${target.stage} already runs execution ${to.id} (${short(to.revision?.id)}): nothing to roll back`);
    // "The pipeline can only roll back to a previous execution if the previous execution was started in
    // the current pipeline structure version" (CodePipeline User Guide, "Configuring stage rollback").
    const versions = new Set((await listActions(c, name, to.id)).filter((a) => a.stage === target.stage).map((a) => a.pipelineVersion).filter((v) => v !== undefined));
    if (declared.version !== undefined && versions.size && !versions.has(declared.version)) {
        throw new OpsError(
            `execution ${to.id} ran on pipeline version ${[...versions].join(", ")}, and ${name} is at version ${declared.version}: CodePipeline rolls back only to executions started in the current pipeline structure version. Release the commit again instead`,
        );
    }
    io.err(
        `${name}: roll ${target.stage} (${target.stack}) back\n` +
            `  from ${current ? describe(current) : `execution ${latest?.pipelineExecutionId ?? "none"} (${latest?.status ?? "never ran"})`}\n` +
            `  to   ${describe(to)}\n` +
            (undoneBy(to, successes) ? `  NOTE: that release was itself rolled back (by execution ${undoneBy(to, successes)!.id}, ${undoneBy(to, successes)!.start.toISOString()})\n` : "") +
            `CodePipeline starts a rollback execution of ${target.stage}: it redeploys that execution's image and runs its smoke test.\n`,
    );
    if (!flags.yes) {
        if (!io.isTTY) throw new OpsError("not rolled back: there is no terminal to confirm on. Run it in a terminal, or pass --yes to confirm in advance");
        const answer = (await io.ask(`Type the stack name (${target.stack}) to roll back: `)).trim();
        if (answer !== target.stack) throw new OpsError(`not rolled back: "${answer}" is not ${target.stack}. Nothing changed`);
    }
    const out = await call(c.codepipeline, "RollbackStage", c.region, () => c.codepipeline.send(new RollbackStageCommand({ pipelineName: name, stageName: target.stage, targetPipelineExecutionId: to.id })));
    io.out(`rollback execution ${out.pipelineExecutionId} started: ${target.stage} → ${short(to.revision?.id)}. Watch it: npm run status -- --stack ${target.stack}\n`);
    return 0;
}

export function cli(argv: string[], io: Io = defaultIo()): Promise<number> {
    return run(io, () => rollback(argv, io));
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
