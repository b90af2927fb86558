// What a place to run the app (ECS Fargate, Elastic Beanstalk, …) contributes to each side of the
// pipeline. The stacks never ask which platform they hold: they look the platform up in the registry
// (./index.ts) and call these. A new platform is a folder implementing this interface, its name in
// PLATFORM_NAMES and one line in the registry; the registry and the lead-time model
// (tools/estimates/lead-time.ts DEPLOY_MODELS) are keyed by PlatformName, so the compiler asks for both.
import type * as pulumi from "@pulumi/pulumi";
import type * as inputs from "@pulumi/aws/types/input";
import type { EnvironmentSettings } from "../config/settings";
import type { DeployerScope } from "../delivery/deployer-policy";
import type { AppSecrets } from "../environment/app-secrets";
import type { Database } from "../environment/database";
import type { Network } from "../environment/network";
import type { AwsContext } from "../shared/aws-context";
import type { Statement } from "../shared/iam";

/** The registered platforms' names (slipway:platform); ./index.ts maps each to its implementation. */
export const PLATFORM_NAMES = ["ecs", "beanstalk"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** What the environment stack resolves once and hands to its platform. */
export interface EnvironmentBase {
    /** `<app>-<stack>`: names the platform's main resources (the pipeline derives the same, contract.ts). */
    name: string;
    /** The image to run: `<repository>:<last verified tag>`. */
    image: pulumi.Output<string>;
    network: Network;
    secrets: AppSecrets;
    /** The delivery stack's outputs (contract.ts DELIVERY_OUTPUTS). */
    delivery: pulumi.StackReference;
    /** The stack's policy stack: `review` for every review stack, else the stack itself. */
    policyStack: string;
    ctx: AwsContext;
    /**
     * HTTPS on the app's own name: the certificate (the configured ARN, or the managed domain's, issued
     * and validated by the stack) and the name. `zoneId` is set for a managed domain: the platform then
     * points the name at its ingress (infra/environment/domain.ts DomainRecord).
     */
    https?: { certificateArn: pulumi.Input<string>; domainName: string; zoneId?: string };
    /** The stack's database (slipway:database): the platform hands its secrets and clients group to every process (ECS tasks, Beanstalk instances). */
    database?: Database;
}

/** What a platform's environment gives back: the app's public base URL and the stack outputs it adds. */
export interface AppFront {
    url: pulumi.Output<string>;
    outputs: Record<string, unknown>;
}

/** A variable of a pipeline action (CodePipeline's EnvironmentVariables). */
export interface ActionVariable {
    name: string;
    value: pulumi.Input<string>;
    type?: "PLAINTEXT" | "PARAMETER_STORE";
}

/** How the pipeline reaches one environment stack on this platform (names from contract.ts). */
export interface PlatformTarget {
    /** The environment stack. */
    stack: string;
    /** The stage's deploy action, reading the build's output artifact `artifact`. */
    deployAction(artifact: string): inputs.codepipeline.PipelineStageAction;
    /**
     * The stage's further deploy actions (ECS: one per worker service), run in the same runOrder as
     * deployAction, so every service of the environment moves to the new image together. @default none
     */
    serviceDeployActions?(artifact: string): inputs.codepipeline.PipelineStageAction[];
    /** What the smoke test is told about where the environment runs: PLATFORM and the platform's names. */
    smokeTestVariables: ActionVariable[];
    /**
     * Minutes a deployment deliberately waits before the environment settles (ECS blue/green, canary, linear:
     * steps and bake time): the smoke test polls that much longer. @default 0
     */
    settleMinutes?: number;
}

/** One of a deploy role's managed policies: `<app>-<stack>-<concern>`. */
export interface DeployConcern {
    concern: string;
    /** What it covers, for the policy's description. */
    what: string;
    statements: Statement[];
}

/** What config says of one environment stack of the pipeline (infra/config/settings.ts DeployTarget). */
export interface StageTargetSettings {
    stack: string;
    /** Its stack file sets slipway:releaseCommand. */
    release: boolean;
    /** Its stack file sets slipway:maintenancePage (with the release command): the Release action switches the 503 page. */
    maintenance?: boolean;
    /** The scheduled jobs its stack file declares. */
    jobs: string[];
}

/**
 * A CodeBuild project of the platform's that each of its stages runs beside the deploy: the release
 * phase (slipway:releaseCommand, before every deploy action) or the scheduled jobs' new revisions (with
 * the deploy actions). One project in the delivery stack serves every target that needs it, or one per target
 * (perTarget). Methods,
 * so a platform's own target type stands in for `R`.
 */
export interface StageProject<R extends { stack: string } = { stack: string }> {
    /** The logical name of the project in the delivery stack. */
    readonly projectName: string;
    /** The project's time limit, minutes. */
    readonly timeoutMinutes: number;
    /** The project's description (`stack`: a perTarget project's own target). */
    description(app: string, stack?: string): string;
    /**
     * One project, with its own role, per target instead of one for all: each role then has only its own target's
     * rights, which IAM enforces (ECS's release phase: infra/platforms/ecs/release-action.ts). @default false
     */
    readonly perTarget?: boolean;
    /** What the project does for environment stack `t.stack`, or undefined when that stack needs nothing of it. */
    target(app: string, t: StageTargetSettings): R | undefined;
    /** The stage action's variables for one target. */
    actionVariables(target: R): ActionVariable[];
    /** The project role's rights, for all of this platform's targets at once. */
    statements(ctx: AwsContext, targets: R[], app: string): Statement[];
    /** The project's buildspec. */
    buildSpec(): Record<string, unknown>;
}

/** The stage projects a platform may have, by the stage action that runs them (contract.ts STAGE_ACTIONS). */
export type StageProjectKind = "release" | "jobRevisions";

export interface Platform<T extends PlatformTarget = PlatformTarget> {
    readonly name: PlatformName;

    // --- environment stack ---
    /** Declares the app on this platform (its environment component and what it needs). */
    environment(s: EnvironmentSettings, base: EnvironmentBase): AppFront;

    // --- delivery stack: the pipeline ---
    /** The pipeline's target for environment stack `stack` of `app`. */
    target(app: string, stack: string, options?: { workers?: string[]; jobs?: string[]; settleMinutes?: number; ownImages?: string[] }): T;
    /** The pipeline role's rights to deploy to `targets` (all of this platform's targets at once, so Sids stay unique). */
    pipelineStatements(ctx: AwsContext, targets: T[], app: string): Statement[];
    /** The smoke-test role's rights to read what `targets` run. */
    smokeTestStatements(ctx: AwsContext, targets: T[]): Statement[];
    /** Bash lines of the smoke test's `<name>_check` function: sets state (ok | pending | wrong) and detail. */
    readonly smokeTestCheck: string[];
    /**
     * The check when some worker runs its own image (infra/platforms/ecs/service-images.ts): each such
     * worker is compared with its own repository's image. @default smokeTestCheck
     */
    smokeTestCheckFor?(options: { ownImages?: boolean }): string[];
    /** What the image build also emits for this platform's deploy action (commands and artifact files). */
    readonly buildArtifacts?: { commands: string[]; files: string[] };
    /**
     * Its stage projects: `release` when it can run a release phase (config refuses slipway:releaseCommand
     * otherwise), `jobRevisions` when it runs scheduled jobs. @default none
     */
    readonly stageProjects?: Partial<Record<StageProjectKind, StageProject>>;
    /** Resources the delivery stack holds for this platform's environments (named outputs it exports). */
    delivery?(args: { app: string; ctx: AwsContext; protect: boolean }): Record<string, pulumi.Output<unknown>>;

    // --- delivery stack: who may do what ---
    /** The deploy role's managed policies this platform's stacks need beyond the shared ones. */
    deployConcerns(scope: DeployerScope): DeployConcern[];
    /** The runtime policy of this platform's workloads: its kind (`<app>-<stack>-<kind>`) and its own statements. */
    readonly runtime: { kind: string; description: string; statements(app: string, pattern: string, ctx: AwsContext): Statement[] };
    /**
     * Runtime policies of roles an AWS service assumes for this platform's environments (ECS: the infrastructure
     * role for load balancers, the scheduled jobs' EventBridge Scheduler role), `<app>-<stack>-<kind>` each:
     * only their own statements, no workload basics. A deploy role may attach them only where its stacks
     * run this platform.
     * @default none
     */
    readonly serviceRuntimes?: readonly { kind: string; description: string; statements(app: string, pattern: string, ctx: AwsContext): Statement[] }[];
    /**
     * What a deploy role needs beyond the shared database statements (infra/delivery/database-policy.ts) when this
     * platform's stack has slipway:database. @default none
     */
    databaseDeployStatements?(scope: DeployerScope): Statement[];
    /** What this platform's roles need in every policy stack's permissions boundary beyond the shared statements. @default none */
    boundaryStatements?(app: string, policyStack: string, ctx: AwsContext): Statement[];
    /** AWS managed policies this platform's roles attach (a deploy role may attach exactly these). */
    readonly awsManagedPolicies: string[];

    // --- a stack's database (slipway:database) on this platform ---
    /** What carries the database's clients security group, in its description (infra/environment/database.ts). @default the Database component's own ("the app's tasks") */
    readonly databaseClients?: string;
    /** The rights of the Step Functions restart that follows each rotation of the database password (`rotation-restart` runtime policy). */
    rotationRestartStatements(app: string, pattern: string, ctx: AwsContext): Statement[];

    // --- what this platform's processes can do ---
    /** Its workers may run an image of their own repository (ECS: infra/platforms/ecs/service-images.ts): the runtime policy pulls those too. @default false */
    readonly ownImages?: boolean;
    /** Its workers and jobs may choose their secrets, each with an execution role of its own (ECS: infra/platforms/ecs/process-secrets.ts). @default false */
    readonly processSecrets?: boolean;
}
