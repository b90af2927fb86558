// Which pipeline, stages and parameters an ops command reads: all derived from the stack files (the
// same typed settings the program validates) and infra/contract.ts, never typed in twice.
import { GetPipelineCommand, ListPipelinesCommand, ListTagsForResourceCommand, type PipelineDeclaration } from "@aws-sdk/client-codepipeline";
import { alarmNamePrefix, GITHUB_VARIABLES, imageTagParameter, STACK_TAG, stackTag, stageName } from "../../infra/contract";
import { parseSettings, readStackFile, readStackFileConfig, type DeliverySettings } from "../../infra/config/settings";
import { loadStackConfig } from "../plan/stack-config";
import { call, DeniedError, OpsError, type Clients } from "./aws";

/** One environment the pipeline deploys to, with the names slipway derives for it. */
export interface OpsTarget {
    stack: string;
    /** Its pipeline stage (contract.ts stageName). */
    stage: string;
    production: boolean;
    /** The SSM parameter the smoke test records the verified commit in (contract.ts imageTagParameter). */
    imageTagParameter: string;
    /** Its release alarms' name prefix (contract.ts alarmNamePrefix). */
    alarmPrefix: string;
}

export interface OpsStack {
    app: string;
    region: string;
    deliveryStack: string;
    /** The stack asked for (`--stack`): the delivery stack or one of its environments. */
    stack: string;
    targets: OpsTarget[];
    /** The target `--stack` names, when it is an environment stack. */
    target?: OpsTarget;
    /** The stage the DORA metrics measure: the last production-tier target, else the last target. */
    production: OpsTarget;
}

function settingsOf(dir: string, stack: string) {
    const cfg = loadStackConfig(dir, stack);
    return parseSettings({
        project: cfg.project,
        stack,
        values: cfg.config,
        secretKeys: new Set(cfg.secretKeys),
        readStackConfig: (other) => readStackFile(dir, other),
        stackFile: readStackFileConfig(dir, stack, cfg.project),
    });
}

/** The delivery stack's pipeline targets, from `stack` (the delivery stack, or an environment: its slipway:deliveryStack). */
export function opsStack(dir: string, stack: string): OpsStack {
    const s = settingsOf(dir, stack);
    const delivery = (s.role === "delivery" ? s : settingsOf(dir, s.deliveryStack)) as DeliverySettings;
    if (delivery.role !== "delivery") throw new OpsError(`${s.role === "environment" ? s.deliveryStack : stack} is not a delivery stack (slipway:role delivery)`);
    const targets: OpsTarget[] = delivery.targets.map((t) => ({
        stack: t.stack,
        stage: stageName(t.stack),
        // As stacks/delivery.ts: a production-tier target (its stage waits for the approval).
        production: t.tier === "production",
        imageTagParameter: imageTagParameter(delivery.appName, t.stack),
        alarmPrefix: alarmNamePrefix(delivery.appName, t.stack),
    }));
    const target = s.role === "environment" ? targets.find((t) => t.stack === stack) : undefined;
    if (s.role === "environment" && !target) {
        throw new OpsError(`${stack} is not one of the stacks ${delivery.stack}'s pipeline deploys (slipway:pipelineStacks: ${targets.map((t) => t.stack).join(", ")})`);
    }
    if (!targets.length) throw new OpsError(`${delivery.stack}'s pipeline deploys no stack (slipway:pipelineStacks is empty)`);
    // What DORA calls production: the last production-tier stack the pipeline deploys, else its last stack.
    const production = [...targets].reverse().find((t) => t.production) ?? targets[targets.length - 1];
    return { app: delivery.appName, region: delivery.region, deliveryStack: delivery.stack, stack, targets, target, production };
}

/** The environment variable the pipeline's name may come from: the repository variable the delivery stack writes. */
export const PIPELINE_NAME_ENV = GITHUB_VARIABLES.pipelineName;

/**
 * The pipeline's name: `--pipeline`, else $PIPELINE_NAME, else the one pipeline in the region tagged
 * `slipway:stack = <app>/<delivery stack>` (Pulumi auto-names it, so the name cannot be derived).
 */
export async function pipelineName(c: Clients, s: OpsStack, given: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const named = given ?? env[PIPELINE_NAME_ENV];
    if (named) return named;
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
        const page = await call(c.codepipeline, "ListPipelines", c.region, () => c.codepipeline.send(new ListPipelinesCommand({ nextToken })));
        names.push(...(page.pipelines ?? []).map((p) => p.name).filter((n): n is string => Boolean(n)));
        nextToken = page.nextToken;
    } while (nextToken);
    const want = stackTag(s.app, s.deliveryStack);
    let arnPrefix: string | undefined;
    const found: string[] = [];
    // The ops roles (infra/delivery/ops-access.ts) may read this app's pipeline only: a pipeline whose
    // declaration or tags AWS refuses to show is not this app's, and is skipped; a refusal on every one is
    // the caller's missing right, reported as such.
    let refused: DeniedError | undefined;
    let readable = 0;
    for (const name of names) {
        try {
            if (!arnPrefix) {
                const p = await call(c.codepipeline, "GetPipeline", c.region, () => c.codepipeline.send(new GetPipelineCommand({ name })));
                const arn = p.metadata?.pipelineArn;
                if (!arn) continue;
                arnPrefix = arn.slice(0, arn.length - name.length);
            }
            const tags = await call(c.codepipeline, "ListTagsForResource", c.region, () => c.codepipeline.send(new ListTagsForResourceCommand({ resourceArn: `${arnPrefix}${name}` })));
            readable++;
            if ((tags.tags ?? []).some((t) => t.key === STACK_TAG && t.value === want)) found.push(name);
        } catch (err) {
            if (!(err instanceof DeniedError)) throw err;
            refused = err;
        }
    }
    if (refused && !readable) throw refused;
    if (found.length === 1) return found[0];
    if (!found.length) {
        throw new OpsError(`no pipeline in ${c.region} carries the tag ${STACK_TAG} = ${want} (${names.length} pipelines looked at): deploy the ${s.deliveryStack} stack first, or pass --pipeline <name> (or set ${PIPELINE_NAME_ENV})`);
    }
    throw new OpsError(`${found.length} pipelines in ${c.region} carry the tag ${STACK_TAG} = ${want} (${found.join(", ")}): pass --pipeline <name>`);
}

/** The pipeline's declaration; refuses one whose stages are not the ones the stack files say it deploys. */
export async function pipelineDeclaration(c: Clients, s: OpsStack, name: string): Promise<PipelineDeclaration> {
    const p = await call(c.codepipeline, "GetPipeline", c.region, () => c.codepipeline.send(new GetPipelineCommand({ name })));
    const declared = p.pipeline;
    if (!declared) throw new OpsError(`GetPipeline of ${name} answered no pipeline`);
    const stages = new Set((declared.stages ?? []).map((st) => st.name));
    const missing = s.targets.filter((t) => !stages.has(t.stage));
    if (missing.length) {
        throw new OpsError(
            `pipeline ${name} has no stage ${missing.map((t) => t.stage).join(", ")} (its stages: ${[...stages].join(", ")}): is it ${s.deliveryStack}'s pipeline, deployed with the current slipway:pipelineStacks?`,
        );
    }
    return declared;
}

/** Common flags of the ops commands. */
export const STACK_FLAGS = {
    stack: { type: "string" },
    pipeline: { type: "string" },
} as const;
