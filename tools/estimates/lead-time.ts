// Modelled lower bound of commit → production lead time, read from the plans: the delivery stack's
// pipeline and build projects, and each environment stack the pipeline deploys (ECS service and
// target-group settings). Approval waits are excluded. Every figure below names its source.
//
//   npm run lead-time -- [--stack delivery] [--test-seconds 30] [--image-seconds 60] [--json]
//
// A lower bound, not a forecast: it assumes a warm layer cache, an app that starts at once and a
// first smoke-test request that passes. Real runs are slower; a setting that raises the bound
// raises every real run too.
import type { PlatformName } from "../../infra/platforms/platform";
import { STAGE_ACTIONS } from "../../infra/contract";
import { RELEASE_POLL_SECONDS } from "../../infra/platforms/ecs/release-action";
import { RELEASE_COMMAND_PROPERTY } from "../../infra/platforms/beanstalk/release";
import { Plan, PlannedResource } from "../plan/mock-engine";
import { physicalNameOf } from "../plan/identities";
import { StackNotFoundError } from "../plan/stack-config";
import { numberFlag, parseFlags } from "../flags";

/** Figures the model uses, seconds. */
export const FIGURES = {
    /**
     * Push → pipeline execution started, and the CodeConnections source action zipping the commit
     * to S3 (OutputArtifactFormat CODE_ZIP). AWS publishes no figure: assumed.
     */
    sourceSeconds: 10,
    /**
     * CodePipeline's own time between actions (it polls each action's job). AWS publishes no
     * figure: assumed 3 s per action.
     */
    actionOverheadSeconds: 3,
    /**
     * CodeBuild on-demand phases outside the buildspec, measured on a small Linux build:
     * QUEUED 1 s, PROVISIONING 24 s, DOWNLOAD_SOURCE 4 s, UPLOAD_ARTIFACTS 5 s, FINALIZING 2 s
     * (phase durations from CodeBuild's build details, blog.kriation.com/2021/codebuild-cache-for-jekyll-build.html).
     */
    codebuild: { queued: 1, provisioning: 24, downloadSource: 4, uploadArtifacts: 5, finalizing: 2 },
    /** `aws ecr get-login-password | docker login` and the describe-images check: assumed 3 s. */
    registryLoginSeconds: 3,
    /**
     * Image build + push without a usable layer cache, multiplied on the image-build assumption.
     * Docker rebuilds every layer (dependency install included); assumed 3× the cached build.
     */
    uncachedBuildFactor: 3,
    /**
     * Each worker's own image (infra/platforms/ecs/service-images.ts), built in parallel with the app's on the
     * same host: it shares the host's vCPUs, and BuildKit runs the steps it shares with the app's image once
     * (moby/buildkit#609). Assumed to add half the app image's build + push.
     */
    ownImageFactor: 0.5,
    /** ECS deploy action: RegisterTaskDefinition + UpdateService and its first poll. Assumed 2 s. */
    ecsActionSeconds: 2,
    /**
     * Fargate task from RunTask to RUNNING: "It is normal for new AWS Fargate tasks to take 30-45
     * seconds or longer to start" (AWS re:Post, repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw; the
     * steps: capacity, ENI attach, image pull, unpack, start). Lower end taken.
     */
    fargateTaskStartSeconds: 30,
    /**
     * Health checks a newly registered target needs: "For newly registered targets, only one
     * successful health check is needed ... regardless of the healthy threshold count" (Amazon ECS
     * developer guide, "Optimize load balancer health check parameters",
     * docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html). The
     * threshold counts only for a target recovering from unhealthy. Waiting one full interval for
     * that first check is the bound used.
     */
    checksForNewTarget: 1,
    /**
     * After draining, ECS sends SIGTERM and the task stops; an app that handles SIGTERM exits at
     * once (ECS docs, "Optimize load balancer connection draining parameters"). Assumed 2 s.
     */
    taskStopSeconds: 2,
    /** Smoke test work: one curl that answers 2xx, then `aws ssm put-parameter`. Assumed 2 s. */
    smokeWorkSeconds: 2,
    /** The release command itself (e.g. migrations with nothing to apply). Assumed 30 s; an app's own can be far longer. */
    releaseCommandSeconds: 30,
    /**
     * A manual Aurora cluster snapshot until it is available (the pre-release Backup action). Assumed: an
     * Aurora snapshot copies no data (storage is already continuously backed up), so a small cluster's takes
     * minutes at most; not measured here.
     */
    snapshotSeconds: 120,
    /** The CLI's DBClusterSnapshotAvailable waiter polls every 30 s (botocore rds waiters-2.json). */
    snapshotPollSeconds: 30,
};

/** CodeBuild compute types → vCPUs (CodeBuild "Build environment compute modes and types"). */
const CODEBUILD_VCPUS: Record<string, number> = {
    BUILD_GENERAL1_SMALL: 2,
    BUILD_GENERAL1_MEDIUM: 4,
    BUILD_GENERAL1_LARGE: 8,
    BUILD_GENERAL1_XLARGE: 36,
    BUILD_GENERAL1_2XLARGE: 72,
};

export interface AppAssumptions {
    /** The app's test command on BUILD_GENERAL1_SMALL. */
    testSeconds: number;
    /** docker build + push with a warm layer cache (code layers only) on BUILD_GENERAL1_SMALL. */
    imageSeconds: number;
}

export const DEFAULT_APP: AppAssumptions = { testSeconds: 30, imageSeconds: 60 };

export interface Part {
    label: string;
    seconds: number;
}

export interface StageEstimate {
    stage: string;
    seconds: number;
    parts: Part[];
}

export interface EcsDeploySettings {
    /** Behind an ALB target group; false for a service without one (e.g. an HTTP API over Cloud Map). */
    loadBalanced?: boolean;
    desiredCount: number;
    minimumHealthyPercent: number;
    maximumPercent: number;
    healthCheckIntervalSeconds: number;
    healthyThreshold: number;
    deregistrationDelaySeconds: number;
    /** ECS blue/green, canary or linear (the service's deploymentConfiguration); undefined: rolling. */
    shift?: TrafficShiftWaits;
}

/**
 * The deliberate waits of an ECS blue/green, canary or linear deployment (ECS API Reference,
 * DeploymentConfiguration): the canary's wait, or one after each linear step, then the bake time with both
 * sets of tasks running. Read from the service's deploymentConfiguration.
 */
export interface TrafficShiftWaits {
    strategy: "BLUE_GREEN" | "CANARY" | "LINEAR";
    bakeSeconds: number;
    /** CANARY: the canary's wait; LINEAR: the waits between steps, together. */
    stepSeconds: number;
    /** What the step waits are, for the part's label. */
    steps: string;
}

/** The waits of a service's deploymentConfiguration, or undefined for a rolling one. */
export function trafficShiftWaits(service: PlannedResource): TrafficShiftWaits | undefined {
    const c = (service.inputs.deploymentConfiguration ?? {}) as {
        strategy?: string;
        bakeTimeInMinutes?: string;
        canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: string };
        linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: string };
    };
    const strategy = c.strategy;
    if (strategy !== "BLUE_GREEN" && strategy !== "CANARY" && strategy !== "LINEAR") return undefined;
    const bakeSeconds = 60 * num(c.bakeTimeInMinutes, 0);
    if (strategy === "CANARY") {
        const minutes = num(c.canaryConfiguration?.canaryBakeTimeInMinutes, 10);
        return { strategy, bakeSeconds, stepSeconds: 60 * minutes, steps: `canary: ${num(c.canaryConfiguration?.canaryPercent, 5)} % of traffic for ${minutes} min` };
    }
    if (strategy === "LINEAR") {
        const percent = num(c.linearConfiguration?.stepPercent, 10);
        const minutes = num(c.linearConfiguration?.stepBakeTimeInMinutes, 6);
        const count = Math.ceil(100 / percent);
        return { strategy, bakeSeconds, stepSeconds: 60 * minutes * count, steps: `linear: ${count} step(s) of ${percent} % × ${minutes} min` };
    }
    return { strategy, bakeSeconds, stepSeconds: 0, steps: "blue/green: all traffic at once" };
}

export class LeadTimeError extends Error {}

const sum = (parts: Part[]) => parts.reduce((a, p) => a + p.seconds, 0);
const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback);

/**
 * Replacement waves of a rolling ECS deployment: how many rounds of "start new tasks, wait for
 * healthy, drain old" it takes. ECS may run up to maximumPercent of desired tasks and must keep
 * minimumHealthyPercent healthy (ECS service deployment parameters), so each round replaces
 * (max% − 100%) × desired extra tasks plus (100% − min%) × desired stopped first.
 */
export function deploymentWaves(s: Pick<EcsDeploySettings, "desiredCount" | "minimumHealthyPercent" | "maximumPercent">): number {
    const desired = Math.max(1, s.desiredCount);
    const above = Math.floor((desired * s.maximumPercent) / 100) - desired;
    const below = desired - Math.ceil((desired * s.minimumHealthyPercent) / 100);
    const perWave = above + below;
    if (perWave <= 0) throw new LeadTimeError(`an ECS service with minimumHealthyPercent ${s.minimumHealthyPercent} and maximumPercent ${s.maximumPercent} for ${desired} task(s) cannot replace any task`);
    return Math.ceil(desired / perWave);
}

/** ECS deploy floor: action, then per wave task start + first health check, then draining and stop. */
export function ecsDeployFloor(s: EcsDeploySettings): { seconds: number; parts: Part[]; waitSeconds: number } {
    // A traffic-shifting deployment starts the whole new set of tasks at once (its alternate target group).
    const waves = s.shift ? 1 : deploymentWaves(s);
    const health = FIGURES.checksForNewTarget * s.healthCheckIntervalSeconds;
    const lb = s.loadBalanced !== false;
    const parts: Part[] = [
        { label: "ECS action: register task definition, update service", seconds: FIGURES.ecsActionSeconds },
        { label: `${waves} wave(s) × Fargate task start ${FIGURES.fargateTaskStartSeconds} s`, seconds: waves * FIGURES.fargateTaskStartSeconds },
        lb
            ? { label: `${waves} wave(s) × ${FIGURES.checksForNewTarget} health check × ${s.healthCheckIntervalSeconds} s interval (threshold ${s.healthyThreshold} applies only on recovery)`, seconds: waves * health }
            : { label: s.healthCheckIntervalSeconds ? `${waves} wave(s) × container health check, ${s.healthCheckIntervalSeconds} s interval` : "no load balancer or container health check: healthy once RUNNING", seconds: waves * health },
        ...(s.shift
            ? [
                  ...(s.shift.stepSeconds ? [{ label: `${s.shift.steps} (deliberate: slipway:deployStepMinutes)`, seconds: s.shift.stepSeconds }] : [{ label: s.shift.steps, seconds: 0 }]),
                  { label: `bake time: old tasks kept, release alarms watched (deliberate: slipway:deployBakeMinutes)`, seconds: s.shift.bakeSeconds },
              ]
            : []),
        { label: lb ? `deregistration delay ${s.deregistrationDelaySeconds} s` : "no load balancer: no draining delay", seconds: waves * s.deregistrationDelaySeconds },
        { label: "old task(s) stop on SIGTERM", seconds: waves * FIGURES.taskStopSeconds },
    ];
    const waitSeconds = s.shift ? s.shift.stepSeconds + s.shift.bakeSeconds : 0;
    return { seconds: sum(parts), parts, waitSeconds };
}

function only(plan: Plan, type: string, what: string): PlannedResource {
    const found = plan.resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new LeadTimeError(`stack ${plan.stack}: expected one ${what} (${type}), found ${found.length}`);
    return found[0];
}

/** A container health check's interval from the task definition (ECS default 30 s), or 0 without one. */
function containerHealthInterval(plan: Plan, service?: PlannedResource): number {
    // A service's task definition is its component's (`<x>-service` → `<x>-task`); a plan with one has only it.
    const tds = plan.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    const td = (service && tds.find((r) => r.name === service.name.replace(/-service$/, "-task"))) ?? tds[0];
    try {
        const defs = JSON.parse(String(td?.inputs.containerDefinitions ?? "[]")) as { essential?: boolean; healthCheck?: { interval?: number } }[];
        const checks = defs.filter((d) => d.healthCheck).map((d) => num(d.healthCheck?.interval, 30));
        return checks.length ? Math.max(...checks) : 0;
    } catch {
        return 0;
    }
}

/**
 * The ECS services of an environment plan: the web service first (the one without a worker's
 * `worker-` component name), then each worker (infra/platforms/ecs/worker.ts), which has no load balancer.
 */
export function ecsServicesOf(plan: Plan): { web: PlannedResource; workers: PlannedResource[] } {
    const all = plan.resources.filter((r) => r.type === "aws:ecs/service:Service");
    const workers = all.filter((r) => r.name.startsWith("worker-"));
    const web = only({ ...plan, resources: all.filter((r) => !workers.includes(r)) }, "aws:ecs/service:Service", "ECS web service");
    return { web, workers };
}

/**
 * The ECS deploy floor of an environment: its services' deploy actions run in parallel (one runOrder),
 * so the stage waits for the slowest of the web service and its workers.
 */
export function ecsEnvironmentFloor(plan: Plan): { seconds: number; parts: Part[]; waitSeconds: number } {
    const { web, workers } = ecsServicesOf(plan);
    const floors = [{ name: String(web.inputs.name ?? web.name), ...ecsDeployFloor(ecsSettingsFromPlan(plan)) }, ...workers.map((w) => ({ name: String(w.inputs.name ?? w.name), ...ecsDeployFloor(unbalancedSettingsFromPlan(plan, w)) }))];
    if (floors.length === 1) return floors[0];
    const slowest = floors.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return {
        seconds: slowest.seconds,
        waitSeconds: slowest.waitSeconds,
        parts: [
            ...slowest.parts,
            { label: `${floors.length} services deploy in parallel (${floors.map((f) => `${f.name} ${f.seconds.toFixed(0)} s`).join(", ")}): the slowest, ${slowest.name}, counts`, seconds: 0 },
        ],
    };
}

/** A service's deploy settings without a load balancer (a worker, or a web service behind the HTTP API): its own counts and container health check. */
function unbalancedSettingsFromPlan(plan: Plan, service: PlannedResource): EcsDeploySettings {
    return {
        loadBalanced: false,
        desiredCount: num(service.inputs.desiredCount, 1),
        minimumHealthyPercent: num(service.inputs.deploymentMinimumHealthyPercent, 100),
        maximumPercent: num(service.inputs.deploymentMaximumPercent, 200),
        healthCheckIntervalSeconds: containerHealthInterval(plan, service),
        healthyThreshold: 1,
        deregistrationDelaySeconds: 0,
    };
}

/** The deploy settings of an environment plan's web ECS service and its target group (if it has one). */
export function ecsSettingsFromPlan(plan: Plan): EcsDeploySettings {
    const service = ecsServicesOf(plan).web;
    const groups = plan.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup");
    if (groups.length === 0) {
        // Without a load balancer ECS counts a task healthy once RUNNING (and its container health
        // check passes, if it has one) and stops old tasks without draining.
        return unbalancedSettingsFromPlan(plan, service);
    }
    // The service's own group; with a traffic shift the other one is its alternate (same settings).
    const primary = String(((service.inputs.loadBalancers ?? []) as { targetGroupArn?: string }[])[0]?.targetGroupArn ?? "");
    const shift = trafficShiftWaits(service);
    const tg = groups.length === 1 ? groups[0] : groups.find((g) => primary.includes(`:targetgroup/${physicalNameOf(g.name, g.inputs)}/`));
    if (!tg) throw new LeadTimeError(`stack ${plan.stack}: ${groups.length} target groups and none is the web service's (${primary || "no targetGroupArn"})`);
    const hc = (tg.inputs.healthCheck ?? {}) as Record<string, unknown>;
    return {
        loadBalanced: true,
        desiredCount: num(service.inputs.desiredCount, 1),
        // Defaults when unset are AWS's (ECS service: 100 / 200; target group: 30 s × 5, 300 s).
        minimumHealthyPercent: num(service.inputs.deploymentMinimumHealthyPercent, 100),
        maximumPercent: num(service.inputs.deploymentMaximumPercent, 200),
        healthCheckIntervalSeconds: num(hc.interval, 30),
        healthyThreshold: num(hc.healthyThreshold, 5),
        deregistrationDelaySeconds: num(tg.inputs.deregistrationDelay, 300),
        ...(shift ? { shift } : {}),
    };
}

interface Action {
    name: string;
    category: string;
    provider: string;
    runOrder?: number;
    configuration?: Record<string, string>;
}
interface Stage {
    name: string;
    actions: Action[];
}

function codebuildOverhead(withArtifacts: boolean): Part[] {
    const c = FIGURES.codebuild;
    const parts: Part[] = [
        { label: "CodeBuild queued + provisioning", seconds: c.queued + c.provisioning },
        { label: "download source artifact", seconds: c.downloadSource },
    ];
    if (withArtifacts) parts.push({ label: "upload artifacts", seconds: c.uploadArtifacts });
    parts.push({ label: "finalizing", seconds: c.finalizing });
    return parts;
}

/** Build stage: CodeBuild overhead plus the app's test and image build, scaled by compute and cache. */
export function buildStage(project: PlannedResource, app: AppAssumptions): StageEstimate {
    const env = (project.inputs.environment ?? {}) as Record<string, unknown>;
    const computeType = String(env.computeType ?? "BUILD_GENERAL1_SMALL");
    // The assumptions are for SMALL (2 vCPU); CPU-bound work shrinks with more vCPUs, at most 2× (I/O and push stay).
    const speedup = Math.min(2, (CODEBUILD_VCPUS[computeType] ?? 2) / 2);
    const cache = (project.inputs.cache ?? {}) as { type?: string; modes?: string[] };
    const buildspec = String((project.inputs.source as Record<string, unknown> | undefined)?.buildspec ?? "");
    const registryCache = /--cache-from|type=registry/.test(buildspec);
    const localLayerCache = cache.type === "LOCAL" && (cache.modes ?? []).includes("LOCAL_DOCKER_LAYER_CACHE");
    const cached = registryCache || localLayerCache;
    const image = (app.imageSeconds * (cached ? 1 : FIGURES.uncachedBuildFactor)) / speedup;
    const parts: Part[] = [
        ...codebuildOverhead(true),
        { label: "registry login + tag check", seconds: FIGURES.registryLoginSeconds },
        { label: `app tests (${app.testSeconds} s on SMALL, ${computeType})`, seconds: app.testSeconds / speedup },
        {
            label: `image build + push (${cached ? `layer cache: ${[registryCache && "registry --cache-from", localLayerCache && "local docker layer"].filter(Boolean).join(" + ")}` : "no layer cache"})`,
            seconds: image,
        },
    ];
    // Workers' own images: one background build each (build_own_image <worker> …), beside the app's.
    const ownImages = (buildspec.match(/build_own_image [a-z0-9-]+ /g) ?? []).length;
    if (ownImages) parts.push({ label: `${ownImages} worker image(s) built in parallel on the same host (assumed +${FIGURES.ownImageFactor * 100} % each)`, seconds: image * FIGURES.ownImageFactor * ownImages });
    return { stage: "Build", seconds: sum(parts), parts };
}

export function smokeStage(stage: string): StageEstimate {
    const parts = [...codebuildOverhead(false), { label: "request health URL (first try passes) + record tag", seconds: FIGURES.smokeWorkSeconds }];
    return { stage, seconds: sum(parts), parts };
}

/**
 * The Release action (infra/platforms/ecs/release-action.ts): CodeBuild's overhead, register + RunTask,
 * the Fargate task's start, the command, and at most one poll interval until the script sees it STOPPED.
 */
export function releaseStage(stage: string, maintenance = false): StageEstimate {
    const parts = [
        // Maintenance mode: one ModifyRule call on and one off (assumed a second each; ELB applies a rule change at once).
        ...(maintenance ? [{ label: "maintenance page on and off (2 ModifyRule calls, assumed)", seconds: 2 }] : []),
        ...codebuildOverhead(false),
        { label: "describe + register the release revision, RunTask", seconds: FIGURES.ecsActionSeconds },
        { label: "Fargate task start (RunTask → RUNNING)", seconds: FIGURES.fargateTaskStartSeconds },
        { label: "release command (assumed)", seconds: FIGURES.releaseCommandSeconds },
        { label: `seen STOPPED (polls every ${RELEASE_POLL_SECONDS} s), logs read`, seconds: RELEASE_POLL_SECONDS },
    ];
    return { stage, seconds: sum(parts), parts };
}

/**
 * The Backup action (infra/delivery/database-snapshot.ts): CodeBuild's overhead, the snapshot until it is
 * available, at most one waiter interval more.
 */
export function snapshotStage(stage: string): StageEstimate {
    const parts = [
        ...codebuildOverhead(false),
        { label: "cluster snapshot until available (assumed)", seconds: FIGURES.snapshotSeconds },
        { label: `seen available (the waiter polls every ${FIGURES.snapshotPollSeconds} s)`, seconds: FIGURES.snapshotPollSeconds },
    ];
    return { stage, seconds: sum(parts), parts };
}

/**
 * Each platform's deploy model, from the environment's plan; null: not modelled (its stages are
 * listed as excluded). Keyed by PlatformName, so a new platform must say which.
 */
export const DEPLOY_MODELS: Record<PlatformName, DeployModel | null> = {
    // The issue's deploy-floor target (TARGETS.ecsDeployFloorSeconds) is set for ECS deploys.
    ecs: { label: "ECS", floor: (env) => ecsEnvironmentFloor(env), floorTarget: true },
    // Beanstalk's deploy time depends on the deployment policy, instance boot and EB's own health
    // checks, for which we have no documented floors: not modelled rather than guessed. What is known is
    // TrafficSplitting's evaluation time, a deliberate wait: that much is counted (beanstalkEvaluationFloor).
    beanstalk: { label: "Beanstalk", floor: (env) => beanstalkEvaluationFloor(env) ?? beanstalkReleaseFloor(env) },
};

/** How a platform's deploy is modelled. */
export interface DeployModel {
    label: string;
    floor(env: Plan): DeployFloor | null;
    /** Its floor without deliberate waits is held to TARGETS.ecsDeployFloorSeconds (reported in `ecsFloors`). */
    floorTarget?: boolean;
}

/** A deploy's modelled floor; `unmodelled` names what it leaves out (listed as excluded). */
export interface DeployFloor {
    seconds: number;
    parts: Part[];
    /** The deliberate waits in `seconds` (bake time, traffic steps, evaluation). */
    waitSeconds?: number;
    unmodelled?: string;
}

/**
 * A Beanstalk environment's TrafficSplitting evaluation (its plan's aws:elasticbeanstalk:trafficsplitting
 * EvaluationTime): EB keeps NewVersionPercent % of traffic on the new instances that long before it moves
 * the rest ("Deployment policies and settings", How traffic-splitting deployments work). Null for any other
 * policy: nothing of the deploy is modelled then.
 */
export function beanstalkEvaluationFloor(env: Plan): DeployFloor | null {
    const e = env.resources.find((r) => r.type === "aws:elasticbeanstalk/environment:Environment");
    const settings = ((e?.inputs.settings ?? []) as { namespace: string; name: string; value: unknown }[]);
    const option = (namespace: string, name: string) => settings.find((x) => x.namespace === namespace && x.name === name)?.value;
    if (option("aws:elasticbeanstalk:command", "DeploymentPolicy") !== "TrafficSplitting") return null;
    const minutes = Number(option("aws:elasticbeanstalk:trafficsplitting", "EvaluationTime") ?? 5);
    const percent = Number(option("aws:elasticbeanstalk:trafficsplitting", "NewVersionPercent") ?? 10);
    const seconds = minutes * 60;
    return {
        seconds,
        waitSeconds: seconds,
        parts: [{ label: `traffic-splitting evaluation: ${percent} % of traffic on the new instances for ${minutes} min`, seconds }],
        unmodelled: "launching the new instances, their health checks and the final shift",
    };
}

/**
 * A Beanstalk environment's release phase (its plan's SLIPWAY_RELEASE_COMMAND property; Immutable only,
 * so never with TrafficSplitting's evaluation): the command runs on the deployment's first new instance
 * before the rest are launched (infra/platforms/beanstalk/release.ts), so its time adds to the deploy.
 * Only the command is counted (ECS's assumed figure); the instances around it are not modelled.
 */
export function beanstalkReleaseFloor(env: Plan): DeployFloor | null {
    const e = env.resources.find((r) => r.type === "aws:elasticbeanstalk/environment:Environment");
    const settings = ((e?.inputs.settings ?? []) as { namespace: string; name: string }[]);
    if (!settings.some((x) => x.namespace === "aws:elasticbeanstalk:application:environment" && x.name === RELEASE_COMMAND_PROPERTY)) return null;
    return {
        seconds: FIGURES.releaseCommandSeconds,
        parts: [{ label: "release command on the first new instance, before the rest launch (assumed)", seconds: FIGURES.releaseCommandSeconds }],
        unmodelled: "launching the new instances, the image pulls, their health checks and the swap",
    };
}

export interface LeadTime {
    deliveryStack: string;
    stages: StageEstimate[];
    totalSeconds: number;
    /** ECS deploy floor per environment stack, without its deliberate waits (releaseWaits). */
    ecsFloors: Record<string, number>;
    /** Added compatibly: the deliberate waits of blue/green, canary and linear deployments (bake, steps), per stack, in totalSeconds. */
    releaseWaits: Record<string, number>;
    excluded: string[];
}

/**
 * The model: Source → Build → per environment (deploy, smoke test), approval excluded. `envs` maps
 * each environment stack the pipeline deploys (delivery output `pipelineStacks`) to its plan.
 */
export function modelLeadTime(delivery: Plan, envs: Record<string, Plan>, app: AppAssumptions = DEFAULT_APP): LeadTime {
    // The app pipeline: a package index's tag pipeline (infra/packages/publishing.ts) deploys nothing.
    const pipeline = only({ ...delivery, resources: delivery.resources.filter((r) => !r.urn.includes("slipway:packages:")) }, "aws:codepipeline/pipeline:Pipeline", "pipeline");
    const stagesIn = (pipeline.inputs.stages ?? []) as Stage[];
    const projects = delivery.resources.filter((r) => r.type === "aws:codebuild/project:Project");
    // The image build is the privileged project (Docker daemon); the smoke test runs unprivileged.
    const imageProject = projects.find((p) => (p.inputs.environment as Record<string, unknown> | undefined)?.privilegedMode === true);
    if (!imageProject) throw new LeadTimeError(`stack ${delivery.stack}: no privileged CodeBuild project (the image build)`);
    const targets = pipelineStacks(delivery);

    const stages: StageEstimate[] = [];
    const excluded: string[] = [];
    const ecsFloors: Record<string, number> = {};
    const releaseWaits: Record<string, number> = {};
    let actions = 0;
    let target = 0;
    for (const s of stagesIn) {
        // Actions of one runOrder run in parallel (a stage's deploys of several services): CodePipeline's
        // overhead between actions is paid once per step, not per action.
        const steps = new Set(s.actions.map((a) => a.runOrder ?? 1)).size;
        actions += steps;
        if (s.actions.every((a) => a.category === "Approval")) {
            excluded.push(`${s.name} (manual approval: waits for a person)`);
            actions -= steps;
            continue;
        }
        if (s.actions.some((a) => a.category === "Source")) {
            stages.push({ stage: s.name, seconds: FIGURES.sourceSeconds, parts: [{ label: "push → execution, commit zipped to S3 (assumed)", seconds: FIGURES.sourceSeconds }] });
            continue;
        }
        if (!s.actions.some((a) => a.category === "Deploy")) {
            const b = buildStage(imageProject, app);
            stages.push({ ...b, stage: s.name });
            continue;
        }
        const stack = targets[target++];
        const env = stack ? envs[stack] : undefined;
        if (!env) throw new LeadTimeError(`pipeline stage ${s.name}: no plan for its environment stack ${stack ?? "(unknown)"}`);
        const platform = String(env.outputs.platform ?? "") as PlatformName;
        if (!(platform in DEPLOY_MODELS)) throw new LeadTimeError(`pipeline stage ${s.name}: stack ${stack} has no known platform output (${platform || "none"})`);
        // The release phase runs before the deploy (runOrder 1), so its time adds to the stage's.
        // The pre-release snapshot runs before both (production with a database).
        if (s.actions.some((a) => a.name === STAGE_ACTIONS.backup)) stages.push(snapshotStage(`${s.name}: database snapshot (${stack})`));
        const release = s.actions.find((a) => a.name === STAGE_ACTIONS.release);
        if (release) stages.push(releaseStage(`${s.name}: release (${stack})`, String(release.configuration?.EnvironmentVariables ?? "").includes('"MAINTENANCE_RULE"')));
        const model = DEPLOY_MODELS[platform];
        const floor = model?.floor(env);
        if (model && floor) {
            const wait = floor.waitSeconds ?? 0;
            if (model.floorTarget) ecsFloors[stack] = floor.seconds - wait;
            if (wait) releaseWaits[stack] = wait;
            stages.push({ stage: `${s.name}: ${model.label} deploy (${stack})`, seconds: floor.seconds, parts: floor.parts });
            if (floor.unmodelled) excluded.push(`${s.name}: ${platform} deploy (${stack}): ${floor.unmodelled} are not modelled; only its ${wait ? "deliberate wait is" : "release command is"} counted`);
        } else {
            excluded.push(`${s.name}: ${platform} deploy (${stack}) is not modelled; the total leaves it out`);
        }
        if (s.actions.some((a) => a.category === "Build")) stages.push(smokeStage(`${s.name}: smoke test`));
    }
    stages.push({
        stage: "CodePipeline between actions",
        seconds: actions * FIGURES.actionOverheadSeconds,
        parts: [{ label: `${actions} action steps (parallel actions count once) × ${FIGURES.actionOverheadSeconds} s (assumed)`, seconds: actions * FIGURES.actionOverheadSeconds }],
    });
    return { deliveryStack: delivery.stack, stages, totalSeconds: stages.reduce((a, s) => a + s.seconds, 0), ecsFloors, releaseWaits, excluded };
}

/** The environment stacks the delivery stack's pipeline deploys, in order (its `pipelineStacks` output). */
export function pipelineStacks(delivery: Plan): string[] {
    const v = delivery.outputs.pipelineStacks;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
        throw new LeadTimeError(`stack ${delivery.stack} has no pipelineStacks output: is it a delivery stack?`);
    }
    return v as string[];
}

/** The targets are about the pipeline's mechanics: a strategy's bake time and traffic steps are chosen waits, counted apart. */
export const TARGETS = { commitToProductionSeconds: 6 * 60, ecsDeployFloorSeconds: 60 };

/** The deliberate waits in a lead time (blue/green, canary, linear), seconds. */
export function releaseWaitSeconds(m: Pick<LeadTime, "releaseWaits">): number {
    return Object.values(m.releaseWaits ?? {}).reduce((a, b) => a + b, 0);
}

const secs = (s: number) => `${s.toFixed(0).padStart(4)} s`;
const mins = (s: number) => `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;

export function render(m: LeadTime): string {
    const lines = [`Lead time, commit → production (modelled lower bound; delivery stack ${m.deliveryStack})`, ""];
    for (const s of m.stages) {
        lines.push(`${secs(s.seconds)}  ${s.stage}`);
        for (const p of s.parts) lines.push(`        ${secs(p.seconds)}  ${p.label}`);
    }
    const waits = releaseWaitSeconds(m);
    const working = m.totalSeconds - waits;
    lines.push("", `Total: ${mins(m.totalSeconds)} (${m.totalSeconds.toFixed(0)} s)${waits ? `, of which ${mins(waits)} deliberate release waits (${Object.entries(m.releaseWaits).map(([st, w]) => `${st}: ${(w / 60).toFixed(0)} min`).join(", ")}: bake time, traffic steps, traffic-splitting evaluation)` : ""}`);
    lines.push(`${waits ? "Without the deliberate waits" : "Lead time"}: ${mins(working)}; target < ${TARGETS.commitToProductionSeconds / 60} min: ${working < TARGETS.commitToProductionSeconds ? "met" : "MISSED"}`);
    for (const [stack, s] of Object.entries(m.ecsFloors)) {
        lines.push(`ECS deploy floor, ${stack}: ${s.toFixed(0)} s; target < ${TARGETS.ecsDeployFloorSeconds} s: ${s < TARGETS.ecsDeployFloorSeconds ? "met" : "MISSED"}`);
    }
    if (m.excluded.length) lines.push(`Excluded: ${m.excluded.join("; ")}`);
    lines.push("Assumes a warm layer cache, an app that is healthy as soon as it listens, and a passing first smoke request.");
    return lines.join("\n");
}

interface Options {
    stack: string;
    app: AppAssumptions;
    json: boolean;
}

const LEAD_TIME_USAGE = "usage: npm run lead-time -- [--stack delivery] [--test-seconds N] [--image-seconds N] [--json]";

const LEAD_TIME_FLAGS = {
    stack: { type: "string", short: "s" },
    "test-seconds": { type: "string" },
    "image-seconds": { type: "string" },
    json: { type: "boolean" },
} as const;

export function parseLeadTimeArgs(argv: string[]): Options {
    const fail = (m: string) => new LeadTimeError(m);
    const v = parseFlags(argv, LEAD_TIME_FLAGS, LEAD_TIME_USAGE, fail);
    const o: Options = { stack: v.stack ?? "delivery", app: { ...DEFAULT_APP }, json: v.json === true };
    if (v["test-seconds"] !== undefined) o.app.testSeconds = numberFlag("--test-seconds", v["test-seconds"], { min: 0 }, fail);
    if (v["image-seconds"] !== undefined) o.app.imageSeconds = numberFlag("--image-seconds", v["image-seconds"], { min: 0 }, fail);
    if (!o.stack) throw new LeadTimeError(`--stack needs a delivery stack name. ${LEAD_TIME_USAGE}`);
    return o;
}

export async function main(argv: string[], dir = process.cwd()): Promise<number> {
    const o = parseLeadTimeArgs(argv);
    const { planStack } = await import("../plan/cli");
    const delivery = await planStack(dir, o.stack);
    const envs: Record<string, Plan> = {};
    for (const stack of pipelineStacks(delivery)) envs[stack] = await planStack(dir, stack);
    const m = modelLeadTime(delivery, envs, o.app);
    process.stdout.write((o.json ? JSON.stringify(m, null, 2) : render(m)) + "\n");
    return 0;
}

/** The command line: runs main(), printing a known error as one line (no stack trace); resolves to the exit code. */
export function cli(argv: string[]): Promise<number> {
    return main(argv).catch((err: unknown) => {
        const known = err instanceof LeadTimeError || err instanceof StackNotFoundError;
        process.stderr.write(`error: ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}\n`);
        return 1;
    });
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
