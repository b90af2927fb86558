// The pipeline side of the release phase: a CodeBuild project (one for every target) whose script
// registers a revision of the environment's release task family with the new image, runs it once as a
// Fargate task in the web service's network, waits for it to stop, and fails the action unless the
// release container exited 0. The stage's Release action runs before its Deploy action, so a failed
// release deploys nothing. Names come from contract.ts, like the deploy action's.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { appLogGroupName, CONTAINER_NAME, environmentName, maintenanceRuleParameter, processFamily, RELEASE_PROCESS, stackRolesArn, stageName } from "../../contract";
import type { ActionVariable } from "../platform";
import { maintenanceScript, maintenanceStatements } from "./maintenance";

/**
 * How long the script waits for the release task to stop before it stops the task and fails. The
 * release project's build timeout (RELEASE_PROJECT_TIMEOUT_MINUTES) leaves room to stop it and report.
 */
export const RELEASE_WAIT_MINUTES = 30;
export const RELEASE_PROJECT_TIMEOUT_MINUTES = RELEASE_WAIT_MINUTES + 10;
/** Seconds between DescribeTasks polls while the release task runs (ECS's own tasks-stopped waiter polls every 6 s). */
export const RELEASE_POLL_SECONDS = 10;
/** `--started-by` of release tasks (ECS: up to 128 letters, digits, '-', '/', '_'), so they are told apart in the cluster. */
export const RELEASE_STARTED_BY = "slipway-release";

/** Where one environment's release runs (contract.ts names, derived like the environment stack's). */
export interface ReleaseTarget {
    stack: string;
    clusterName: string;
    /** The web service whose network configuration (subnets, security group, public IP) the release task reuses. */
    serviceName: string;
    family: string;
    logGroup: string;
    /** Maintenance mode (slipway:maintenancePage): the SSM parameter holding the maintenance rule's ARN. */
    maintenanceParameter?: string;
}

export function releaseTarget(app: string, stack: string, maintenance = false): ReleaseTarget {
    return {
        ...(maintenance ? { maintenanceParameter: maintenanceRuleParameter(app, stack) } : {}),
        stack,
        clusterName: environmentName(app, stack),
        serviceName: environmentName(app, stack),
        family: processFamily(app, stack, RELEASE_PROCESS),
        logGroup: appLogGroupName(app, stack),
    };
}

/** The Release action's variables (the project's own: REPOSITORY_URL). */
export function releaseActionVariables(t: ReleaseTarget): ActionVariable[] {
    return [
        { name: "STACK", value: t.stack },
        { name: "CLUSTER_NAME", value: t.clusterName },
        { name: "SERVICE_NAME", value: t.serviceName },
        { name: "TASK_FAMILY", value: t.family },
        { name: "CONTAINER_NAME", value: CONTAINER_NAME },
        { name: "LOG_GROUP", value: t.logGroup },
        // CodeBuild resolves it at build start with the project's role: a missing parameter fails the build before anything runs.
        ...(t.maintenanceParameter ? [{ name: "MAINTENANCE_RULE", value: t.maintenanceParameter, type: "PARAMETER_STORE" as const }] : []),
    ];
}

/**
 * What the release project's role needs: exactly the calls of releaseScript, on each target's own
 * family, cluster, service, roles and log streams. RunTask is allowed per target only in that target's
 * cluster, so no stack's release family runs in another stack's cluster.
 */
export function releaseStatements(ctx: AwsContext, targets: ReleaseTarget[], app: string): Statement[] {
    if (!targets.length) return [];
    const family = (t: ReleaseTarget) => arnOf(ctx, "ecs", `task-definition/${t.family}:*`);
    return [
        {
            // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
            Sid: "ReadReleaseTaskDefinitions",
            Action: ["ecs:DescribeTaskDefinition"],
            Resource: ["*"],
        },
        { Sid: "RegisterReleaseRevisions", Action: ["ecs:RegisterTaskDefinition"], Resource: targets.map(family) },
        {
            // The revision keeps the family's tags (the stack tag among them): tagging only as part of the register call.
            Sid: "TagReleaseRevisions",
            Action: ["ecs:TagResource"],
            Resource: targets.map(family),
            Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        {
            // The release task joins the web service's subnets and security group.
            Sid: "ReadServiceNetworks",
            Action: ["ecs:DescribeServices"],
            Resource: targets.map((t) => arnOf(ctx, "ecs", `service/${t.clusterName}/${t.serviceName}`)),
        },
        ...targets.map(
            (t): Statement => ({
                Sid: `RunRelease${stageName(t.stack).replace(/[^A-Za-z0-9]/g, "")}`,
                Action: ["ecs:RunTask"],
                Resource: [family(t)],
                Condition: { ArnEquals: { "ecs:cluster": arnOf(ctx, "ecs", `cluster/${t.clusterName}`) } },
            }),
        ),
        {
            // Registering and running a task definition with roles passes them (to ECS tasks only); only the target stacks' own.
            Sid: "PassReleaseRoles",
            Action: ["iam:PassRole"],
            Resource: targets.map((t) => stackRolesArn(ctx, app, t.stack)),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        {
            // Watch the task it started; stop it when it outlives RELEASE_WAIT_MINUTES.
            Sid: "WatchReleaseTasks",
            Action: ["ecs:DescribeTasks", "ecs:StopTask"],
            Resource: targets.map((t) => arnOf(ctx, "ecs", `task/${t.clusterName}/*`)),
        },
        {
            // Echo the release's own output into the build log (awslogs streams: <prefix>/<container>/<task id>).
            Sid: "ReadReleaseLogs",
            Action: ["logs:GetLogEvents"],
            Resource: targets.map((t) => arnOf(ctx, "logs", `log-group:${t.logGroup}:log-stream:${RELEASE_PROCESS}/*`)),
        },
        ...maintenanceStatements(ctx, app, targets),
    ];
}

/**
 * The new revision's RegisterTaskDefinition input, from DescribeTaskDefinition's output (stdin, with
 * `--include TAGS`): only the fields RegisterTaskDefinition takes, the container CONTAINER's image
 * replaced by IMAGE. Python 3 ships with Amazon Linux 2023, CodeBuild's standard:5.0 image.
 */
export const REWRITE = [
    "import json, os, sys",
    "d = json.load(sys.stdin)",
    "t = d['taskDefinition']",
    "keep = ['family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'volumes', 'placementConstraints', 'requiresCompatibilities', 'cpu', 'memory', 'pidMode', 'ipcMode', 'proxyConfiguration', 'inferenceAccelerators', 'ephemeralStorage', 'runtimePlatform']",
    "out = {k: t[k] for k in keep if t.get(k) not in (None, [], {})}",
    "found = [c for c in out['containerDefinitions'] if c.get('name') == os.environ['CONTAINER']]",
    "if len(found) != 1: sys.exit('no container named %s in %s' % (os.environ['CONTAINER'], t.get('taskDefinitionArn')))",
    "found[0]['image'] = os.environ['IMAGE']",
    "if d.get('tags'): out['tags'] = d['tags']",
    "print(json.dumps(out))",
].join("\n");

/**
 * The release action's shell (bash). Variables: REPOSITORY_URL (project), STACK, CLUSTER_NAME,
 * SERVICE_NAME, TASK_FAMILY, CONTAINER_NAME, LOG_GROUP, with maintenance mode MAINTENANCE_RULE (action);
 * image-tag.txt from the build artifact. With MAINTENANCE_RULE the 503 page is on from just before RunTask until
 * the task has stopped, and an EXIT trap switches it off on every other way out (maintenance.ts).
 *  1. Register a revision of TASK_FAMILY (its latest: the release command Pulumi declared) with the image
 *     `$REPOSITORY_URL:<sha>` in place of CONTAINER_NAME's.
 *  2. Run it once on Fargate (on-demand: a release must not be interrupted) with the web service's
 *     network configuration; a RunTask answer with failures, or without a task, fails.
 *  3. Poll DescribeTasks until the task is STOPPED; after RELEASE_WAIT_MINUTES stop it and fail.
 *  4. Print the release's log stream, then pass only if CONTAINER_NAME's exit code is 0. No exit code (the
 *     task never started: image pull, secret fetch) is a failure too.
 * Any failure exits non-zero: the Release action fails, the stage stops before its Deploy action.
 */
export function releaseScript(): string {
    return [
        "# slipway release phase: run the release command once, in the new image, before any service moves.",
        'fail() { echo "release on ${STACK}: $* Nothing was deployed: the stage stops before its deploy." >&2; exit 1; }',
        ...maintenanceScript(),
        'tag="$(cat image-tag.txt 2>/dev/null)"',
        `[[ "$tag" =~ ^[0-9a-f]{7,40}$ ]] || fail "image-tag.txt says \\"$tag\\", which is not a commit sha."`,
        'image="$REPOSITORY_URL:$tag"',
        'echo "release on $STACK: running the release command of $TASK_FAMILY in $image"',
        'td="$(aws ecs describe-task-definition --task-definition "$TASK_FAMILY" --include TAGS --output json 2>&1)" || fail "aws ecs describe-task-definition failed: $td"',
        `input="$(IMAGE="$image" CONTAINER="$CONTAINER_NAME" python3 -c ${shellQuote(REWRITE)} <<< "$td" 2>&1)" || fail "could not rewrite $TASK_FAMILY: $input"`,
        'revision="$(aws ecs register-task-definition --cli-input-json "$input" --query taskDefinition.taskDefinitionArn --output text 2>&1)" || fail "aws ecs register-task-definition failed: $revision"',
        'network="$(aws ecs describe-services --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME" --query \'services[0].networkConfiguration\' --output json 2>&1)" || fail "aws ecs describe-services failed: $network"',
        '[[ "$network" == *awsvpcConfiguration* ]] || fail "service $SERVICE_NAME in cluster $CLUSTER_NAME has no awsvpc network configuration to run the release in: $network"',
        // The page goes up only now, when everything the task needs is known: the visible window is the task's run.
        "maintenance_on",
        `out="$(aws ecs run-task --cluster "$CLUSTER_NAME" --task-definition "$revision" --launch-type FARGATE --network-configuration "$network" --started-by ${RELEASE_STARTED_BY} --query '[tasks[0].taskArn, length(failures)]' --output text 2>&1)" || fail "aws ecs run-task failed: $out"`,
        "IFS=$'\\t' read -r task failures <<< \"$out\"",
        'if [[ "$task" != arn:* ]] || [ "$failures" != 0 ]; then',
        '  why="$(aws ecs describe-tasks --cluster "$CLUSTER_NAME" --tasks "$task" --query \'failures[].[arn,reason,detail]\' --output text 2>/dev/null)"',
        '  fail "ECS did not start the release task (${failures} failure(s)): ${why:-$out}."',
        "fi",
        'echo "release task ${task##*/} started (revision ${revision##*/})"',
        // RELEASE_WAIT_SECONDS: no action sets it (the tests shorten the wait with it).
        `deadline=$((SECONDS + \${RELEASE_WAIT_SECONDS:-${RELEASE_WAIT_MINUTES * 60}}))`,
        "while :; do",
        '  last="$(aws ecs describe-tasks --cluster "$CLUSTER_NAME" --tasks "$task" --query \'tasks[0].lastStatus\' --output text 2>&1)" || fail "aws ecs describe-tasks failed: $last"',
        '  [ "$last" = STOPPED ] && break',
        '  if [ "$SECONDS" -ge "$deadline" ]; then',
        `    aws ecs stop-task --cluster "$CLUSTER_NAME" --task "$task" --reason "slipway release exceeded ${RELEASE_WAIT_MINUTES} minutes" > /dev/null 2>&1`,
        `    fail "the release task ${"${task##*/}"} was still $last after ${RELEASE_WAIT_MINUTES} minutes; it was stopped."`,
        "  fi",
        `  sleep ${RELEASE_POLL_SECONDS}`,
        "done",
        'maintenance_off || fail "the release task stopped, but maintenance mode could not be switched off."',
        `result="$(aws ecs describe-tasks --cluster "$CLUSTER_NAME" --tasks "$task" --query "tasks[0].[containers[?name=='$CONTAINER_NAME'].exitCode | [0], stopCode, stoppedReason]" --output text 2>&1)" || fail "aws ecs describe-tasks failed: $result"`,
        "IFS=$'\\t' read -r code stop reason <<< \"$result\"",
        `stream="${RELEASE_PROCESS}/$CONTAINER_NAME/\${task##*/}"`,
        'echo "--- release output ($LOG_GROUP, stream $stream) ---"',
        'aws logs get-log-events --log-group-name "$LOG_GROUP" --log-stream-name "$stream" --start-from-head --limit 200 --query \'events[].message\' --output text 2>/dev/null | tr \'\\t\' \'\\n\' || echo "(no log events could be read)"',
        'echo "---"',
        '[ "$code" = 0 ] || fail "the release command exited with ${code/None/no exit code} (stop code $stop: $reason)."',
        'echo "release on $STACK: the release command exited 0 in $image"',
    ].join("\n");
}

/** Single-quotes `s` for bash. */
export function shellQuote(s: string): string {
    return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Buildspec of the release project: one bash command, releaseScript(). */
export function releaseBuildSpec(): Record<string, unknown> {
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: { build: { commands: [releaseScript()] } },
    };
}
