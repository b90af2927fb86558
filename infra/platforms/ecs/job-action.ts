// The pipeline side of scheduled jobs: each environment stage's JobRevisions action (one CodeBuild
// project for every target) registers a revision of each job's task family with the commit's image, in
// the same runOrder as the stage's ECS deploy actions, so the jobs move to the new image with the services.
//
// Why a registration is enough: the environment's schedules name each family's ARN without a revision
// (infra/platforms/ecs/job.ts). EventBridge Scheduler's EcsParameters is "the templated target type for the
// Amazon ECS RunTask API operation" and passes TaskDefinitionArn to it (EventBridge Scheduler API Reference,
// EcsParameters); RunTask's taskDefinition: "If a revision isn't specified, the latest ACTIVE revision is
// used" (Amazon ECS API Reference, RunTask). The Scheduler reference itself does not restate this; the
// chain of the two documents is the reason, and no schedule is rewritten. The pipeline cannot leave this to
// `pulumi up`: it never runs one, and the CodePipeline ECS action moves services only ("Amazon Elastic
// Container Service deploy action reference").
//
// A stage rollback re-runs the stage's actions with the last good execution's artifacts
// ("Configuring stage rollback", CodePipeline User Guide), so this action then registers the earlier image
// again, and the jobs go back with the services.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { CONTAINER_NAME, jobFamily, stackRolesArn, STAGE_ACTIONS } from "../../contract";
import type { ActionVariable } from "../platform";
import { REWRITE, shellQuote } from "./release-action";

/** The job-revisions project's time limit, minutes: registering a few revisions takes seconds. */
export const JOB_REVISIONS_TIMEOUT_MINUTES = 10;

/** The stage's action that registers the jobs' revisions (contract.ts STAGE_ACTIONS). */
export const JOB_REVISIONS_ACTION = STAGE_ACTIONS.jobRevisions;

/** Where one environment's jobs are (contract.ts names, derived like the environment stack's). */
export interface JobRevisionTarget {
    stack: string;
    /** The jobs' task families, sorted by job name (`<app>-<stack>_<job>`). */
    families: string[];
}

export function jobRevisionTarget(app: string, stack: string, jobs: string[]): JobRevisionTarget {
    return { stack, families: [...jobs].sort().map((j) => jobFamily(app, stack, j)) };
}

/** The JobRevisions action's variables (the project's own: REPOSITORY_URL). */
export function jobRevisionActionVariables(t: JobRevisionTarget): ActionVariable[] {
    return [
        { name: "STACK", value: t.stack },
        { name: "JOB_FAMILIES", value: t.families.join(" ") },
        { name: "CONTAINER_NAME", value: CONTAINER_NAME },
    ];
}

/**
 * What the job-revisions project's role needs: exactly the calls of jobRevisionScript, on each target's
 * own job families and roles. It runs no task.
 */
export function jobRevisionStatements(ctx: AwsContext, targets: JobRevisionTarget[], app: string): Statement[] {
    if (!targets.length) return [];
    const families = targets.flatMap((t) => t.families.map((f) => arnOf(ctx, "ecs", `task-definition/${f}:*`)));
    return [
        {
            // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
            Sid: "ReadJobTaskDefinitions",
            Action: ["ecs:DescribeTaskDefinition"],
            Resource: ["*"],
        },
        { Sid: "RegisterJobRevisions", Action: ["ecs:RegisterTaskDefinition"], Resource: families },
        {
            // The revision keeps the family's tags (the stack tag among them): tagging only as part of the register call.
            Sid: "TagJobRevisions",
            Action: ["ecs:TagResource"],
            Resource: families,
            Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        {
            // A revision names the job's task role and the stack's execution role: only the target stacks' own, to ECS tasks.
            Sid: "PassJobRoles",
            Action: ["iam:PassRole"],
            Resource: targets.map((t) => stackRolesArn(ctx, app, t.stack)),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ];
}

/**
 * The action's shell (bash). Variables: REPOSITORY_URL (project), STACK, JOB_FAMILIES (space-separated),
 * CONTAINER_NAME (action); image-tag.txt from the build artifact. For each family: describe its latest
 * revision (what Pulumi, or the last deploy, registered) with its tags, replace CONTAINER_NAME's image by
 * `$REPOSITORY_URL:<sha>`, register the result. Any failure exits non-zero and fails the stage.
 */
export function jobRevisionScript(): string {
    return [
        "# slipway scheduled jobs: register each job's task family with the new image (its schedule runs the latest ACTIVE revision).",
        'fail() { echo "job revisions on ${STACK}: $* The stage fails and rolls back." >&2; exit 1; }',
        'tag="$(cat image-tag.txt 2>/dev/null)"',
        `[[ "$tag" =~ ^[0-9a-f]{7,40}$ ]] || fail "image-tag.txt says \\"$tag\\", which is not a commit sha."`,
        'image="$REPOSITORY_URL:$tag"',
        '[ -n "${JOB_FAMILIES// /}" ] || fail "JOB_FAMILIES is empty: the action has no job to move."',
        "for family in $JOB_FAMILIES; do",
        '  td="$(aws ecs describe-task-definition --task-definition "$family" --include TAGS --output json 2>&1)" || fail "aws ecs describe-task-definition $family failed: $td"',
        `  input="$(IMAGE="$image" CONTAINER="$CONTAINER_NAME" python3 -c ${shellQuote(REWRITE)} <<< "$td" 2>&1)" || fail "could not rewrite $family: $input"`,
        '  revision="$(aws ecs register-task-definition --cli-input-json "$input" --query taskDefinition.taskDefinitionArn --output text 2>&1)" || fail "aws ecs register-task-definition $family failed: $revision"',
        '  [[ "$revision" == arn:*":task-definition/$family:"* ]] || fail "register-task-definition answered $revision for $family."',
        '  echo "$family: revision ${revision##*:} runs $image from its schedule\'s next invocation"',
        "done",
    ].join("\n");
}

/** Buildspec of the job-revisions project: one bash command, jobRevisionScript(). */
export function jobRevisionBuildSpec(): Record<string, unknown> {
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: { build: { commands: [jobRevisionScript()] } },
    };
}
