// The pipeline side of an ECS environment: CodePipeline's ECS deploy action (imagedefinitions.json →
// RegisterTaskDefinition + UpdateService), what the pipeline's and the smoke test's roles need for it,
// and the smoke test's check that the service runs the expected image.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { CONTAINER_NAME, environmentName, imageDefinitionsFile, jobFamily, serviceRepositoryName, stackRolesArn, workerFamily, workerServiceName } from "../../contract";
import type { PlatformTarget } from "../platform";
import { deployActionTimeoutMinutes, ECS_DEPLOYMENT_TIMEOUT_MINUTES } from "./strategy-settings";

export interface EcsTarget extends PlatformTarget {
    /** Cluster and service the environment stack creates (contract.ts environmentName). */
    clusterName: string;
    serviceName: string;
    /** The web service's task family (its service's name). */
    family: string;
    /** The environment's workers (slipway:workers in its stack file): their services and families. */
    workers: { name: string; serviceName: string; family: string; /** Its own image's repository (service-images.ts); unset: the app's. */ repository?: string }[];
    /** The environment's scheduled jobs' task families (slipway:jobs in its stack file): the smoke test checks their latest revision. */
    jobFamilies: string[];
}

// The ECS deploy action's wait for a service's deployment (defined with the deployment strategies it must cover).
export { ECS_DEPLOYMENT_TIMEOUT_MINUTES };

/** A worker's deploy action's name in the stage: `Deploy-<worker>` (CodePipeline: up to 100 of [A-Za-z0-9.@_-]). */
export function workerDeployActionName(worker: string): string {
    return `Deploy-${worker}`;
}

export function ecsTarget(app: string, stack: string, options?: { workers?: string[]; jobs?: string[]; settleMinutes?: number; ownImages?: string[] }): EcsTarget {
    const clusterName = environmentName(app, stack);
    const serviceName = environmentName(app, stack);
    const own = new Set(options?.ownImages ?? []);
    const workers = (options?.workers ?? []).map((name) => ({
        name,
        serviceName: workerServiceName(app, stack, name),
        family: workerFamily(app, stack, name),
        ...(own.has(name) ? { repository: serviceRepositoryName(app, name) } : {}),
    }));
    const ownImageWorkers = workers.filter((w) => w.repository);
    const jobFamilies = [...(options?.jobs ?? [])].sort().map((name) => jobFamily(app, stack, name));
    // Every service's task definition names its one container CONTAINER_NAME, so the build's one
    // imagedefinitions.json names the container of each.
    // The web service's deployments wait out the strategy's steps and bake time (workers always roll).
    const action = (name: string, service: string, artifact: string, fileName = "imagedefinitions.json", waitMinutes = 0) => ({
        name,
        category: "Deploy",
        owner: "AWS",
        provider: "ECS",
        version: "1",
        runOrder: 1,
        inputArtifacts: [artifact],
        configuration: { ClusterName: clusterName, ServiceName: service, FileName: fileName, DeploymentTimeout: String(deployActionTimeoutMinutes(waitMinutes)) },
    });
    return {
        stack,
        clusterName,
        serviceName,
        family: serviceName,
        workers,
        jobFamilies,
        // The workers move in the same runOrder as the web service: the stage's deploys run in parallel.
        // A worker with its own image reads its own imagedefinitions file (the build writes one per own image).
        serviceDeployActions: (artifact) => workers.map((w) => action(workerDeployActionName(w.name), w.serviceName, artifact, w.repository ? imageDefinitionsFile(w.name) : undefined)),
        deployAction: (artifact) => action("Deploy", serviceName, artifact, undefined, options?.settleMinutes ?? 0),
        ...(options?.settleMinutes ? { settleMinutes: options.settleMinutes } : {}),
        smokeTestVariables: [
            { name: "PLATFORM", value: "ecs" },
            { name: "CLUSTER_NAME", value: clusterName },
            { name: "SERVICE_NAME", value: serviceName },
            { name: "CONTAINER_NAME", value: CONTAINER_NAME },
            // The workers must run the expected image too before it is recorded as verified.
            ...(workers.length ? [{ name: "WORKER_SERVICE_NAMES", value: workers.map((w) => w.serviceName).join(" ") }] : []),
            // …and the jobs' families must have it as their latest revision (the stage's JobRevisions action registered it).
            ...(jobFamilies.length ? [{ name: "JOB_FAMILIES", value: jobFamilies.join(" ") }] : []),
            // Workers with their own image: `<service>=<repository>` each, compared with their own image and tagged verified in it.
            ...(ownImageWorkers.length
                ? [
                      { name: "WORKER_IMAGES", value: ownImageWorkers.map((w) => `${w.serviceName}=${w.repository}`).join(" ") },
                      { name: "IMAGE_REPOSITORIES", value: ownImageWorkers.map((w) => w.repository).join(" ") },
                  ]
                : []),
        ],
    };
}

/** What the pipeline's role needs to deploy to `targets`: exactly the calls of the ECS deploy action. */
export function ecsDeployStatements(ctx: AwsContext, targets: EcsTarget[], app: string): Statement[] {
    if (!targets.length) return [];
    const families = (t: EcsTarget) => [t.family, ...t.workers.map((w) => w.family)].map((f) => arnOf(ctx, "ecs", `task-definition/${f}:*`));
    return [
        {
            Sid: "DeployEcsServices",
            Action: ["ecs:DescribeServices", "ecs:UpdateService"],
            Resource: targets.flatMap((t) => [t.serviceName, ...t.workers.map((w) => w.serviceName)].map((s) => arnOf(ctx, "ecs", `service/${t.clusterName}/${s}`))),
        },
        {
            Sid: "WatchDeployments",
            Action: ["ecs:DescribeTasks"],
            Resource: targets.map((t) => arnOf(ctx, "ecs", `task/${t.clusterName}/*`)),
        },
        {
            // ListTasks has no resource type; the ecs:cluster condition scopes it to our clusters.
            Sid: "ListDeploymentTasks",
            Action: ["ecs:ListTasks"],
            Resource: ["*"],
            Condition: { ArnEquals: { "ecs:cluster": targets.map((t) => arnOf(ctx, "ecs", `cluster/${t.clusterName}`)) } },
        },
        {
            // The deploy registers a new revision of each service's own task family.
            Sid: "RegisterTaskDefinitions",
            Action: ["ecs:RegisterTaskDefinition"],
            Resource: targets.flatMap(families),
        },
        {
            // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
            Sid: "ReadTaskDefinitions",
            Action: ["ecs:DescribeTaskDefinition"],
            Resource: ["*"],
        },
        {
            Sid: "TagTaskDefinitions",
            Action: ["ecs:TagResource"],
            Resource: targets.flatMap(families),
            Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        {
            // Only the deployed environments' own roles (their stack's sub-path), never delivery's.
            Sid: "PassTaskRoles",
            Action: ["iam:PassRole"],
            Resource: targets.map((t) => stackRolesArn(ctx, app, t.stack)),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ];
}

/** What the smoke test's role needs to read what `targets` run (the calls of ecsSmokeTestCheck). */
export function ecsSmokeTestStatements(ctx: AwsContext, targets: EcsTarget[]): Statement[] {
    if (!targets.length) return [];
    return [
        {
            Sid: "ReadServiceDeployments",
            Action: ["ecs:DescribeServices"],
            Resource: targets.flatMap((e) => [e.serviceName, ...e.workers.map((w) => w.serviceName)].map((s) => arnOf(ctx, "ecs", `service/${e.clusterName}/${s}`))),
        },
        {
            // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
            Sid: "ReadTaskDefinitionImages",
            Action: ["ecs:DescribeTaskDefinition"],
            Resource: ["*"],
        },
        {
            // The service authorization reference gives ListTasks only the container-instance resource
            // type, which cannot name a service's tasks; the ecs:cluster condition scopes it to our clusters.
            Sid: "ListServiceTasks",
            Action: ["ecs:ListTasks"],
            Resource: ["*"],
            Condition: { ArnEquals: { "ecs:cluster": targets.map((e) => arnOf(ctx, "ecs", `cluster/${e.clusterName}`)) } },
        },
        {
            Sid: "ReadServiceTasks",
            Action: ["ecs:DescribeTasks"],
            Resource: targets.map((e) => arnOf(ctx, "ecs", `task/${e.clusterName}/*`)),
        },
    ];
}

/**
 * The smoke test's ECS check (bash), for the web service and then each worker (WORKER_SERVICE_NAMES,
 * space-separated; unset: none): the service has one deployment, PRIMARY with rolloutState COMPLETED;
 * its task definition's CONTAINER_NAME container image is exactly the expected image; every task of the
 * service with desired status RUNNING runs that task definition, and at least one is RUNNING (a worker
 * scaled to 0 tasks passes without one). Then each scheduled job's family (JOB_FAMILIES, space-separated;
 * unset: none): its latest ACTIVE revision, the one its schedule runs next, has exactly the expected image in
 * CONTAINER_NAME (anything else is wrong: the stage's JobRevisions action ran before the smoke test). The
 * first that is not ok decides state and detail.
 * Variables: CLUSTER_NAME, SERVICE_NAME, CONTAINER_NAME, WORKER_SERVICE_NAMES, JOB_FAMILIES.
 */
export const ECS_SMOKE_TEST_CHECK = ecsSmokeTestCheck({});

/**
 * ECS_SMOKE_TEST_CHECK, and with `ownImages` (some worker runs its own image, service-images.ts): each worker
 * of WORKER_IMAGES (`<service>=<repository>`, space-separated) must run `<registry>/<repository>:<sha>`
 * instead of the app's image, and the jobs still the app's.
 */
export function ecsSmokeTestCheck(options: { ownImages?: boolean }): string[] {
    const own = Boolean(options.ownImages);
    const lines = [
        ...(own ? ['  expected="$REPOSITORY_URL:$tag"'] : []),
        "  local svc details=''",
        '  ecs_service_check "$SERVICE_NAME" ""',
        '  [ "$state" = ok ] || return',
        '  details="$detail"',
        "  for svc in ${WORKER_SERVICE_NAMES:-}; do",
        ...(own ? ['    expected="$(worker_image "$svc")"'] : []),
        '    ecs_service_check "$svc" worker',
        '    [ "$state" = ok ] || return',
        '    details="$details; $detail"',
        "  done",
        ...(own ? ['  expected="$REPOSITORY_URL:$tag"'] : []),
        "  local family jobimg",
        "  for family in ${JOB_FAMILIES:-}; do",
        '    jobimg="$(aws ecs describe-task-definition --task-definition "$family" --query "taskDefinition.containerDefinitions[?name==\'$CONTAINER_NAME\'].image | [0]" --output text 2>&1)" || refuse "aws ecs describe-task-definition $family failed: $jobimg"',
        '    if [ "$jobimg" != "$expected" ]; then state=wrong; detail="the scheduled job family $family would run $jobimg (its latest revision, container $CONTAINER_NAME), not $expected"; return; fi',
        '    details="$details; job $family runs $expected from its next run"',
        "  done",
        '  detail="$details"',
        "}",
        // One service's check: $1 the service (SERVICE_NAME, local to it), $2 "worker" for a worker.
        "ecs_service_check() {",
        '  local SERVICE_NAME="$1" worker="$2"',
        "  local out n status rollout td img arns described running=0 others='' arn tdarn last",
        '  out="$(aws ecs describe-services --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME" --query \'services[0].deployments[].[status,rolloutState,taskDefinition]\' --output text 2>&1)" || refuse "aws ecs describe-services failed: $out"',
        '  if [ -z "$out" ] || [ "$out" = None ]; then refuse "service $SERVICE_NAME not found in cluster $CLUSTER_NAME"; fi',
        '  n="$(printf \'%s\\n\' "$out" | grep -c .)"',
        '  if [ "$n" != 1 ]; then state=pending; detail="$n deployments of $SERVICE_NAME: $(printf \'%s\' "$out" | tr \'\\t\\n\' \'  \')"; return; fi',
        "  IFS=$'\\t' read -r status rollout td <<< \"$out\"",
        '  if [ "$rollout" = FAILED ]; then state=wrong; detail="the deployment of ${td##*/} FAILED"; return; fi',
        '  if [ "$status" != PRIMARY ] || [ "$rollout" != COMPLETED ]; then state=pending; detail="the deployment of ${td##*/} is $status $rollout"; return; fi',
        '  img="$(aws ecs describe-task-definition --task-definition "$td" --query "taskDefinition.containerDefinitions[?name==\'$CONTAINER_NAME\'].image | [0]" --output text 2>&1)" || refuse "aws ecs describe-task-definition failed: $img"',
        '  if [ "$img" != "$expected" ]; then state=wrong; detail="$SERVICE_NAME runs $img (task definition ${td##*/}, container $CONTAINER_NAME), not $expected"; return; fi',
        '  arns="$(aws ecs list-tasks --cluster "$CLUSTER_NAME" --service-name "$SERVICE_NAME" --desired-status RUNNING --query \'taskArns[]\' --output text 2>&1)" || refuse "aws ecs list-tasks failed: $arns"',
        '  if [ -z "$arns" ] || [ "$arns" = None ]; then',
        // A worker may run no task at all (minCount 0, or scaled to zero): then its image is all there is to check.
        '    if [ -n "$worker" ] && [ "$(aws ecs describe-services --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME" --query \'services[0].desiredCount\' --output text 2>/dev/null)" = 0 ]; then state=ok; detail="$SERVICE_NAME runs no task (desired 0); its task definition ${td##*/} has $expected"; return; fi',
        '    state=pending; detail="no task of $SERVICE_NAME is running yet"; return',
        "  fi",
        // describe-tasks takes at most 100 tasks a call.
        '  described="$(xargs -n 100 aws ecs describe-tasks --cluster "$CLUSTER_NAME" --query \'tasks[].[taskArn,taskDefinitionArn,lastStatus]\' --output text --tasks <<< "$arns" 2>&1)" || refuse "aws ecs describe-tasks failed: $described"',
        "  while IFS=$'\\t' read -r arn tdarn last; do",
        '    [ -n "$arn" ] || continue',
        '    if [ "$tdarn" != "$td" ]; then others="$others ${arn##*/} runs ${tdarn##*/} ($last);"; elif [ "$last" = RUNNING ]; then running=$((running + 1)); fi',
        '  done <<< "$described"',
        '  if [ -n "$others" ]; then state=pending; detail="tasks of another task definition still run:$others"; return; fi',
        '  if [ "$running" = 0 ]; then state=pending; detail="no task of ${td##*/} is RUNNING yet"; return; fi',
        '  state=ok; detail="$running task(s) of ${td##*/} run $expected"',
    ];
    if (!own) return lines;
    return [
        ...lines,
        "}",
        // $1 a worker's service: the image it must run (its own repository's, or the app's).
        "worker_image() {",
        "  local pair",
        '  for pair in ${WORKER_IMAGES:-}; do [ "${pair%%=*}" = "$1" ] && { echo "${REPOSITORY_URL%%/*}/${pair#*=}:$tag"; return; }; done',
        '  echo "$REPOSITORY_URL:$tag"',
    ];
}
