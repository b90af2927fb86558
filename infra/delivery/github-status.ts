// GitHub deployments and commit statuses for the pipeline (slipway:githubStatus): the GitHub UI shows
// which commit each environment runs, and each commit's stages as statuses a README badge can show.
//
// Out of band, by design: CodePipeline sends "CodePipeline Stage Execution State Change" events to
// EventBridge (CodePipeline User Guide, "Monitoring CodePipeline events"; detail: pipeline,
// execution-id, stage, state), a rule of this pipeline's stages starts the reporter's CodeBuild project
// with the event's execution id, stage and state as environment variable overrides (the target's input
// is the StartBuild request: CDK aws-events-targets CodeBuildProject, "This will be the payload for the
// StartBuild API"), and the reporter calls GitHub's REST API. No pipeline action waits for it, so
// GitHub being down, a wrong token or a failed report can never fail, block or slow a deploy: the
// script ends 0 whatever GitHub answers, and even a failed build only costs its own minute.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as codebuild from "@pulumi/aws/codebuild";
import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { AwsContext } from "../shared/aws-context";
import { policyDocument, serviceRole, Statement } from "../shared/iam";
import { BUILD_IMAGE } from "./build";
import type { GitHubStatusSettings } from "./github-status-settings";

/** One pipeline stage the reporter reports: its GitHub environment when it deploys one. */
export interface ReportedStage {
    /** The pipeline stage's name (`Build`, `Staging`, …). */
    stage: string;
    /** The GitHub environment its deployment goes to (the stack's name); undefined: a commit status only. */
    environment?: string;
    /** The environment is production (GitHub's `production_environment`). */
    production?: boolean;
}

/** The commit-status context of a stage: `slipway/build`, `slipway/staging`, … (GitHub: case-insensitive). */
export function statusContext(s: ReportedStage): string {
    return `slipway/${s.environment ?? s.stage.toLowerCase()}`;
}

/** The states CodePipeline reports for a stage execution (stage execution state change events). */
export const STAGE_EVENT_STATES = ["STARTED", "SUCCEEDED", "RESUMED", "FAILED", "CANCELED", "STOPPED", "STOPPING"] as const;

/** The rule's event pattern: this pipeline's reported stages, every state but STOPPING (STOPPED follows it). */
export function stageEventPattern(pipelineName: string, stages: ReportedStage[]): Record<string, unknown> {
    return {
        source: ["aws.codepipeline"],
        "detail-type": ["CodePipeline Stage Execution State Change"],
        detail: { pipeline: [pipelineName], stage: stages.map((s) => s.stage), state: STAGE_EVENT_STATES.filter((s) => s !== "STOPPING") },
    };
}

/**
 * The target's input transformer: the StartBuild request with the event's execution id, stage and
 * state as the build's variables (EventBridge replaces `<name>` with the path's value; a string value
 * is quoted in the template). Only environmentVariablesOverride: the event cannot change the buildspec.
 */
export function stageEventInput(): { inputPaths: Record<string, string>; inputTemplate: string } {
    const v = (name: string, path: string) => `{"name":"${name}","type":"PLAINTEXT","value":"<${path}>"}`;
    return {
        inputPaths: { execution: "$.detail.execution-id", stage: "$.detail.stage", state: "$.detail.state" },
        inputTemplate: `{"environmentVariablesOverride":[${[v("EXECUTION_ID", "execution"), v("STAGE", "stage"), v("STATE", "state")].join(",")}]}`,
    };
}

/** The STAGES variable: `Stage=environment=production` for each stage (`Build==` for a status-only stage). */
export function stagesVariable(stages: ReportedStage[]): string {
    return stages.map((s) => `${s.stage}=${s.environment ?? ""}=${s.production ? "true" : "false"}`).join(" ");
}

/**
 * The reporter's shell (bash). One event: EXECUTION_ID, STAGE and STATE (from the event), and
 * GITHUB_REPOSITORY (`owner/repo`), PIPELINE_NAME, STAGES (stagesVariable), GITHUB_AUTH_ARN, CONSOLE_URL
 * (the project's). It
 *  1. reads the execution's source revision (`aws codepipeline get-pipeline-execution`, the artifact
 *     `source`): the commit sha the stage deploys (a rollback execution's is the commit it re-deploys);
 *  2. reads the token from Secrets Manager into a shell variable only: it reaches curl on stdin as a
 *     config line (`--config -`), never as an argument (no process list shows it), never echoed;
 *  3. sets the commit status `slipway/<environment or build>`: pending, success, failure or error;
 *  4. for a deploy stage: on STARTED creates a GitHub deployment of the sha to the environment, its
 *     description naming the execution (`auto_merge: false`, `required_contexts: []`: GitHub must not
 *     merge or wait for other statuses), and sets it `in_progress`; on RESUMED and the end states finds
 *     this execution's deployment among the sha's in the environment (or creates one) and sets
 *     `in_progress`, `success`, `failure` or `error`.
 * EventBridge does not promise order: a STARTED whose stage's end already set the commit status (its
 * target_url names the execution) is dropped, so a result is never turned back into pending.
 * Every problem is a `github status: … not reported` line naming the fix, and the script ends 0.
 * REST endpoints (GitHub REST API 2022-11-28): POST /repos/{o}/{r}/statuses/{sha} and GET
 * /repos/{o}/{r}/commits/{ref}/statuses ("Commit statuses" write and read), POST and GET /repos/{o}/{r}/deployments and POST /repos/{o}/{r}/deployments/{id}/statuses
 * ("Deployments" write): "Permissions required for fine-grained personal access tokens".
 */
export function githubStatusScript(): string {
    return [
        "# slipway GitHub reporter: a failure here is logged and never fails anything (the script ends 0).",
        'skip() { echo "github status: $STAGE $STATE of execution $EXECUTION_ID not reported: $*"; exit 0; }',
        "report() {",
        `  [[ "$EXECUTION_ID" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || skip "EXECUTION_ID is not a pipeline execution id"`,
        '  env=""; prod=false; known=0',
        '  for s in $STAGES; do IFS="=" read -r name e p <<< "$s"; if [ "$name" = "$STAGE" ]; then env="$e"; prod="$p"; known=1; fi; done',
        '  [ "$known" = 1 ] || skip "stage is not one this reporter was told of"',
        '  case "$STATE" in',
        '    STARTED|RESUMED) status=pending; deploy=in_progress; what="started" ;;',
        '    SUCCEEDED) status=success; deploy=success; what="succeeded" ;;',
        '    FAILED) status=failure; deploy=failure; what="failed (the stage rolls back)" ;;',
        '    CANCELED|STOPPED) status=error; deploy=error; what="was $(echo "$STATE" | tr A-Z a-z)" ;;',
        '    *) skip "state is not one GitHub is told of" ;;',
        "  esac",
        '  context="slipway/${env:-$(echo "$STAGE" | tr A-Z a-z)}"; export CONTEXT="$context"',
        '  log_url="$CONSOLE_URL/$EXECUTION_ID/timeline"',
        `  out="$(aws codepipeline get-pipeline-execution --pipeline-name "$PIPELINE_NAME" --pipeline-execution-id "$EXECUTION_ID" --query 'pipelineExecution.artifactRevisions[?name==\`source\`].revisionId | [0]' --output text 2>&1)" || skip "aws codepipeline get-pipeline-execution failed: $out"`,
        '  sha="$out"',
        '  [[ "$sha" =~ ^[0-9a-f]{40}$ ]] || skip "the execution has no source commit (it says \\"$sha\\")"',
        // Only the call's status is kept: an error from Secrets Manager never names the value, but nothing of this call is printed either.
        `  token="$(aws secretsmanager get-secret-value --secret-id "$GITHUB_AUTH_ARN" --query SecretString --output text 2>/dev/null)" || skip "could not read the token from $GITHUB_AUTH_ARN (the reporter role's secretsmanager:GetSecretValue and kms:Decrypt)"`,
        '  [ -n "$token" ] && [ "$token" != None ] || skip "the token secret $GITHUB_AUTH_ARN is empty: pulumi config set --secret --path \'slipway:githubStatus.token\' <token> --stack <delivery> && pulumi up"',
        '  resp="$(mktemp)"',
        "  gh() {",
        '    code="$(printf \'header = "Authorization: Bearer %s"\\n\' "$token" | curl --silent --max-time 10 --config - --request "$1" --header "Accept: application/vnd.github+json" --header "X-GitHub-Api-Version: 2022-11-28" --output "$resp" --write-out "%{http_code}" ${3:+--data "$3"} "https://api.github.com/repos/$GITHUB_REPOSITORY$2")" || code="000"',
        "  }",
        "  why() {",
        '    local message; message="$(python3 -c \'import json,sys; print(str(json.load(sys.stdin).get("message", ""))[:200])\' < "$resp" 2>/dev/null)"',
        '    case "$code" in',
        '      000) echo "GitHub did not answer";;',
        '      401) echo "GitHub refused the token (401: expired or revoked): set a new one with pulumi config set --secret --path \'slipway:githubStatus.token\' <token> and pulumi up the delivery stack";;',
        '      403|404) echo "GitHub answered $code${message:+ ($message)}: the token needs Commit statuses and Deployments read and write on $GITHUB_REPOSITORY";;',
        '      *) echo "GitHub answered $code${message:+ ($message)}";;',
        "    esac",
        "  }",
        '  id_of() { python3 -c \'import json,sys; print(int(json.load(sys.stdin)["id"]))\' < "$resp" 2>/dev/null; }',
        // This execution's deployment: its description names the execution (a rollback or another execution of the same commit has its own).
        '  ours() { python3 -c \'import json,os,sys; print(next((str(int(d["id"])) for d in json.load(sys.stdin) if os.environ["EXECUTION_ID"] in str(d.get("description") or "")), ""))\' < "$resp" 2>/dev/null; }',
        // EventBridge does not promise order: a start processed after its stage's end must not turn a result back into pending.
        '  if [ "$STATE" = STARTED ]; then',
        '    gh GET "/commits/$sha/statuses?per_page=100"',
        '    if [ "$code" = 200 ] && python3 -c \'import json,os,sys; sys.exit(0 if any(s.get("context") == os.environ["CONTEXT"] and os.environ["EXECUTION_ID"] in str(s.get("target_url") or "") and s.get("state") != "pending" for s in json.load(sys.stdin)) else 1)\' < "$resp" 2>/dev/null; then',
        '      skip "its end was reported first (EventBridge delivers events in any order)"',
        "    fi",
        "  fi",
        '  gh POST "/statuses/$sha" "{\\"state\\":\\"$status\\",\\"context\\":\\"$context\\",\\"description\\":\\"$STAGE $what\\",\\"target_url\\":\\"$log_url\\"}"',
        '  if [ "$code" = 201 ]; then echo "github status: $context = $status on $sha"; else echo "github status: $context = $status on $sha not set: $(why)"; fi',
        '  [ -n "$env" ] || return 0',
        '  id=""',
        '  if [ "$STATE" != STARTED ]; then',
        '    gh GET "/deployments?sha=$sha&environment=$env&per_page=100"',
        '    [ "$code" = 200 ] && id="$(ours)"',
        '    [ "$code" = 200 ] || skip "the deployment of $sha to $env was not looked up: $(why)"',
        "  fi",
        '  if [ -z "$id" ]; then',
        '    gh POST "/deployments" "{\\"ref\\":\\"$sha\\",\\"environment\\":\\"$env\\",\\"auto_merge\\":false,\\"required_contexts\\":[],\\"production_environment\\":$prod,\\"transient_environment\\":false,\\"description\\":\\"$PIPELINE_NAME execution $EXECUTION_ID\\"}"',
        '    [ "$code" = 201 ] && id="$(id_of)"',
        '    [ -n "$id" ] || skip "no deployment of $sha to $env was created: $(why)"',
        '    echo "github status: deployment $id of $sha to $env"',
        "  fi",
        '  gh POST "/deployments/$id/statuses" "{\\"state\\":\\"$deploy\\",\\"log_url\\":\\"$log_url\\",\\"description\\":\\"$STAGE $what\\"}"',
        '  if [ "$code" = 201 ]; then echo "github status: deployment $id ($env) = $deploy"; else echo "github status: deployment $id ($env) = $deploy not set: $(why)"; fi',
        "}",
        "report",
        "exit 0",
    ].join("\n");
}

/** The reporter's buildspec: one bash command, githubStatusScript(). */
export function githubStatusBuildSpec(): Record<string, unknown> {
    return { version: 0.2, env: { shell: "bash" }, phases: { build: { commands: [githubStatusScript()] } } };
}

/** What the reporter's role may do beyond its logs: exactly the calls githubStatusScript makes. */
export function githubStatusStatements(pipelineArn: pulumi.Input<string>, secretArn: pulumi.Input<string>, keyArn: pulumi.Input<string>, ctx: AwsContext): Statement[] {
    return [
        { Sid: "ReadExecutionCommit", Action: ["codepipeline:GetPipelineExecution"], Resource: [pipelineArn] },
        { Sid: "ReadGitHubToken", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] },
        // The secret is encrypted with the artifact key: GetSecretValue decrypts through Secrets Manager only.
        { Sid: "DecryptGitHubToken", Action: ["kms:Decrypt"], Resource: [keyArn], Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${ctx.region}.amazonaws.com` } } },
    ];
}

export interface GitHubStatusArgs {
    app: string;
    /** The app repository (`owner/repo`) the pipeline builds: its commits get the statuses. */
    repository: string;
    settings: GitHubStatusSettings;
    pipelineName: pulumi.Input<string>;
    pipelineArn: pulumi.Input<string>;
    /** The stages reported, in pipeline order. */
    stages: ReportedStage[];
    /** The secret's name: under the delivery stack's secret prefix (`slipway/<app>/<stack>/…`). */
    secretName: string;
    /** The artifact key: it encrypts the token secret and the project. */
    kmsKeyArn: pulumi.Input<string>;
    /** The delivery roles' IAM path. */
    rolePath: string;
    /** Keep the token secret and the logs through a destroy. @default false */
    protect?: boolean;
    /** Log retention of the reporter's builds. @default 30 */
    logRetentionDays?: number;
    ctx: AwsContext;
}

/**
 * The token secret, the reporter project and its role, and the EventBridge rule and target (with the
 * role EventBridge starts the build with) that run it on each of the pipeline's stage events.
 */
export class GitHubStatus extends pulumi.ComponentResource {
    readonly secret: secretsmanager.Secret;
    readonly project: codebuild.Project;
    readonly role: iam.Role;
    readonly rule: cloudwatch.EventRule;

    constructor(name: string, args: GitHubStatusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:GitHubStatus", name, {}, opts);
        const { ctx } = args;
        const protect = args.protect ?? false;
        this.secret = new secretsmanager.Secret(
            `${name}-token`,
            {
                name: args.secretName,
                description: `GitHub token the pipeline reports deployments and commit statuses to ${args.repository} with`,
                kmsKeyId: args.kmsKeyArn,
                // Unprotected, it is deleted at once on destroy, so a recreated stack can take its name again.
                ...(protect ? {} : { recoveryWindowInDays: 0 }),
            },
            { parent: this, protect },
        );
        // pulumi.secret: the token stays encrypted in state and shows as [secret] in every preview.
        const version = new secretsmanager.SecretVersion(`${name}-token-version`, { secretId: this.secret.id, secretString: pulumi.secret(args.settings.token.value) }, { parent: this });
        const logs = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays ?? 30 }, { parent: this, protect });
        this.role = serviceRole(`${name}-role`, { service: "codebuild.amazonaws.com", description: `CodeBuild: report ${args.app}'s pipeline to GitHub`, path: args.rolePath, accountId: ctx.accountId }, { parent: this });
        const policy = new iam.RolePolicy(
            `${name}-policy`,
            {
                role: this.role.id,
                policy: policyDocument([
                    { Sid: "WriteOwnLogs", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logs.arn, pulumi.interpolate`${logs.arn}:*`] },
                    ...githubStatusStatements(args.pipelineArn, this.secret.arn, args.kmsKeyArn, ctx),
                ]),
            },
            { parent: this },
        );
        const consoleUrl = pulumi.interpolate`https://${ctx.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${args.pipelineName}/executions`;
        this.project = new codebuild.Project(
            `${name}-project`,
            {
                description: `Report ${args.app}'s pipeline stages to GitHub (deployments and commit statuses)`,
                serviceRole: this.role.arn,
                buildTimeout: 5,
                // CodeBuild's minimum queued timeout: an event that waits longer is not worth reporting late.
                queuedTimeout: 5,
                encryptionKey: args.kmsKeyArn,
                source: { type: "NO_SOURCE", buildspec: JSON.stringify(githubStatusBuildSpec(), null, 2) },
                artifacts: { type: "NO_ARTIFACTS" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType: "BUILD_GENERAL1_SMALL",
                    image: BUILD_IMAGE,
                    imagePullCredentialsType: "CODEBUILD",
                    privilegedMode: false,
                    // Where the token is, never the token: it is read at run time, not a variable (plaintext or SECRETS_MANAGER)
                    // CodeBuild shows in the build's details. GITHUB_AUTH_ARN holds the secret's ARN, no credential
                    // (named so codebuild-no-plaintext-secrets, which flags TOKEN/SECRET names, need not be waived).
                    environmentVariables: Object.entries({
                        GITHUB_REPOSITORY: pulumi.output(args.repository),
                        PIPELINE_NAME: pulumi.output(args.pipelineName),
                        STAGES: pulumi.output(stagesVariable(args.stages)),
                        GITHUB_AUTH_ARN: this.secret.arn,
                        CONSOLE_URL: consoleUrl,
                    }).map(([n, value]) => ({ name: n, value, type: "PLAINTEXT" })),
                },
                cache: { type: "NO_CACHE" },
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logs.name }, s3Logs: { status: "DISABLED" } },
            },
            { parent: this, dependsOn: [policy, version] },
        );
        const eventsRole = serviceRole(`${name}-events-role`, { service: "events.amazonaws.com", description: `EventBridge: start ${args.app}'s GitHub reporter`, path: args.rolePath, accountId: ctx.accountId }, { parent: this });
        const eventsPolicy = new iam.RolePolicy(
            `${name}-events-policy`,
            { role: eventsRole.id, policy: policyDocument([{ Sid: "StartReporter", Action: ["codebuild:StartBuild"], Resource: [this.project.arn] }]) },
            { parent: this },
        );
        this.rule = new cloudwatch.EventRule(
            `${name}-rule`,
            {
                description: `${args.app}'s pipeline stages, reported to GitHub`,
                eventPattern: pulumi.output(args.pipelineName).apply((p) => JSON.stringify(stageEventPattern(p, args.stages))),
            },
            { parent: this },
        );
        new cloudwatch.EventTarget(
            `${name}-target`,
            {
                rule: this.rule.name,
                arn: this.project.arn,
                roleArn: eventsRole.arn,
                inputTransformer: stageEventInput(),
                // A report older than an hour tells nobody anything; two retries cover a throttled StartBuild.
                retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 2 },
            },
            { parent: this, dependsOn: [eventsPolicy] },
        );
        this.registerOutputs({ projectName: this.project.name, secretArn: this.secret.arn, ruleName: this.rule.name });
    }
}

/**
 * README badges (shields.io, which reads GitHub's API with its own tokens, so public repositories only):
 * the release branch's combined commit status (`github/checks-status/<owner>/<repo>/<ref>`, which reads
 * GET /repos/{o}/{r}/commits/{ref}/status) and each environment's latest deployment state
 * (`github/deployments/<owner>/<repo>/<environment>`): badges/shields services/github.
 */
export function githubBadges(repository: string, branch: string, environments: string[]): Record<string, string> {
    const page = `https://github.com/${repository}`;
    return {
        pipeline: `[![pipeline](https://img.shields.io/github/checks-status/${repository}/${encodeURIComponent(branch)}?label=pipeline)](${page}/commits/${encodeURIComponent(branch)})`,
        ...Object.fromEntries(
            environments.map((e) => [e, `[![${e}](https://img.shields.io/github/deployments/${repository}/${encodeURIComponent(e)}?label=${encodeURIComponent(e)})](${page}/deployments)`]),
        ),
    };
}
