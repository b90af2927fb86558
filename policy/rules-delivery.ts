// Rules for the delivery side: ECR, CodeBuild, CodePipeline, the S3 artifact store, SNS and KMS.
import { asArray, asRecords, get, isPublicPrincipal, ofType, parseJson, PROTECTED_TIERS, Props, resourceRule, SENSITIVE_NAME, SlipwayRule, stackRule, statements } from "./kit";

const REPO = "aws:ecr/repository:Repository";
const CODEBUILD = "aws:codebuild/project:Project";
const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

interface Stage {
    name?: string;
    onFailure?: { result?: string };
    actions?: { name?: string; category?: string; provider?: string; configuration?: Record<string, string> }[];
}

export const deliveryRules: SlipwayRule[] = [
    // --- ECR ---------------------------------------------------------------------------------------------
    resourceRule(
        {
            name: "ecr-scan-on-push",
            description: "ECR repositories scan every image on push.",
            sources: ["Checkov CKV_AWS_163", "tfsec aws-ecr-enable-image-scans"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set imageScanningConfiguration: { scanOnPush: true } on the repository.",
        },
        [REPO],
        (p, report) => {
            if (get(p, "imageScanningConfiguration.scanOnPush") !== true) report("image scanning on push is off: set imageScanningConfiguration.scanOnPush to true.");
        },
    ),
    resourceRule(
        {
            name: "ecr-tags-immutable",
            description: "ECR image tags are immutable (IMMUTABLE), so a pushed tag can never point at other content.",
            sources: ["Checkov CKV_AWS_51", "tfsec aws-ecr-enforce-immutable-repository"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set imageTagMutability: \"IMMUTABLE\"; to keep a movable `latest`, use IMMUTABLE_WITH_EXCLUSION and waive this rule with the reason.",
        },
        [REPO],
        (p, report) => {
            if (p.imageTagMutability !== "IMMUTABLE") {
                report(`imageTagMutability is ${JSON.stringify(p.imageTagMutability ?? "MUTABLE")}: set it to "IMMUTABLE" (or waive this rule, saying which tags stay movable and why).`);
            }
        },
    ),
    resourceRule(
        {
            name: "ecr-tag-exclusions-narrow",
            description: "Tags excluded from immutability are named one by one (no wildcard that could match a commit-sha tag).",
            sources: ["Checkov CKV_AWS_51 (intent)", "slipway: sha tags immutable, only `latest` movable"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "List each movable tag (e.g. latest) as its own exclusion filter, without '*' or '?'.",
        },
        [REPO],
        (p, report) => {
            if (p.imageTagMutability === "MUTABLE" || p.imageTagMutability === undefined) {
                report("every tag is mutable: set imageTagMutability to IMMUTABLE or IMMUTABLE_WITH_EXCLUSION with named exclusions.");
                return;
            }
            for (const f of asRecords(p.imageTagMutabilityExclusionFilters)) {
                const filter = String(f.filter ?? "");
                if (!filter || /[*?]/.test(filter)) report(`exclusion filter ${JSON.stringify(filter)} is a wildcard: name the movable tag exactly (e.g. "latest").`);
            }
        },
    ),
    resourceRule(
        {
            name: "ecr-kms-encryption",
            description: "ECR repositories are encrypted with KMS (the AWS-managed key is acceptable).",
            sources: ["Checkov CKV_AWS_136"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set encryptionConfigurations: [{ encryptionType: \"KMS\" }] (optionally with kmsKey).",
        },
        [REPO],
        (p, report) => {
            if (!asRecords(p.encryptionConfigurations).some((c) => c.encryptionType === "KMS")) report("the repository is encrypted with AES256 only: set encryptionConfigurations[0].encryptionType to \"KMS\".");
        },
    ),
    resourceRule(
        {
            name: "ecr-customer-managed-key",
            description: "ECR repositories use a customer-managed KMS key (advisory: the AWS-managed key is acceptable).",
            sources: ["tfsec aws-ecr-repository-customer-key"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set encryptionConfigurations[0].kmsKey to a customer-managed key ARN if your compliance regime requires one (encryption changes replace the repository).",
        },
        [REPO],
        (p, report) => {
            if (!asRecords(p.encryptionConfigurations).some((c) => typeof c.kmsKey === "string" && c.kmsKey !== "")) report("encrypted with the AWS-managed key, not a customer-managed key.");
        },
    ),
    stackRule(
        {
            name: "ecr-lifecycle-policy",
            description: "Every ECR repository has a lifecycle policy that expires untagged images and caps the image count.",
            sources: ["AWS ECR best practice"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Add an aws.ecr.LifecyclePolicy for the repository with a tagStatus=untagged expiry rule and an imageCountMoreThan rule.",
        },
        (resources, _ctx, report) => {
            const policies = ofType(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy").map((r) => r.props as Props);
            for (const repo of ofType(resources, REPO)) {
                const name = (repo.props as Props).name;
                const mine = policies.filter((lp) => lp.repository === name || policies.length === 1);
                const rules = mine.flatMap((lp) => asRecords(get(parseJson(lp.policy), "rules")));
                const untagged = rules.some((r) => get(r, "selection.tagStatus") === "untagged" && get(r, "action.type") === "expire");
                const capped = rules.some((r) => get(r, "selection.countType") === "imageCountMoreThan" && get(r, "action.type") === "expire");
                if (!untagged || !capped) {
                    report(`repository ${JSON.stringify(name)} has no lifecycle rule that ${!untagged ? "expires untagged images" : "caps the image count"}: add one to its LifecyclePolicy.`, repo.urn);
                }
            }
        },
    ),
    resourceRule(
        {
            name: "ecr-policy-not-public",
            description: "No ECR repository policy grants access to every principal.",
            sources: ["Checkov CKV_AWS_32", "tfsec aws-ecr-no-public-access"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Name the accounts or roles that may pull in the Principal; never \"*\".",
        },
        ["aws:ecr/repositoryPolicy:RepositoryPolicy"],
        (p, report) => {
            statements(p.policy).forEach((s) => {
                if (s.Effect === "Allow" && isPublicPrincipal(s.Principal)) report(`${s.Sid ?? "a statement"} allows Principal "*": name the accounts or roles instead.`);
            });
        },
    ),

    // --- CodeBuild -------------------------------------------------------------------------------------
    resourceRule(
        {
            name: "codebuild-privileged-only-for-docker",
            description: "CodeBuild privileged mode is on only for projects whose buildspec runs Docker.",
            sources: ["cdk-nag AwsSolutions-CB3", "Checkov CKV_AWS_316"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set environment.privilegedMode to false unless the buildspec runs `docker build`/`docker push`.",
        },
        [CODEBUILD],
        (p, report) => {
            if (get(p, "environment.privilegedMode") !== true) return;
            const buildspec = String(get(p, "source.buildspec") ?? "");
            if (!/\bdocker\s+(build|buildx|push)\b/.test(buildspec)) report("privileged mode is on but the buildspec runs no Docker build: set environment.privilegedMode to false.");
        },
    ),
    resourceRule(
        {
            name: "codebuild-kms-encryption",
            description: "CodeBuild projects encrypt their artifacts with a customer-managed KMS key.",
            sources: ["cdk-nag AwsSolutions-CB4", "Checkov CKV_AWS_147"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set encryptionKey to the artifact store's KMS key ARN.",
        },
        [CODEBUILD],
        (p, report) => {
            if (typeof p.encryptionKey !== "string" || p.encryptionKey === "") report("no encryptionKey: set it to the pipeline's KMS key ARN.");
        },
    ),
    resourceRule(
        {
            name: "codebuild-event-input-variables-only",
            description: "An EventBridge target that starts a CodeBuild build passes it variables only: never the whole event, never a buildspec, source or image override.",
            sources: ["CodeBuild StartBuild API (buildspecOverride, sourceTypeOverride, imageOverride …)", "slipway: the GitHub reporter reads a token; an override would run other code with its role"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Give the target an inputTransformer whose template is {\"environmentVariablesOverride\": [...]} only.",
        },
        ["aws:cloudwatch/eventTarget:EventTarget"],
        (p, report) => {
            if (!String(p.arn ?? "").includes(":codebuild:")) return;
            // The StartBuild request is the target's input; without one, EventBridge sends the whole event.
            const template = get(p, "inputTransformer.inputTemplate") ?? p.input;
            if (typeof template !== "string") {
                report("the target passes the whole event as the StartBuild request: give it an inputTransformer that sets environmentVariablesOverride only.");
                return;
            }
            // Placeholders (<name>) become values; quoted ones already sit inside a string.
            const request = parseJson(template.replace(/"<[A-Za-z0-9_.-]+>"/g, '"x"').replace(/<[A-Za-z0-9_.-]+>/g, "0"));
            const keys = request && typeof request === "object" && !Array.isArray(request) ? Object.keys(request) : undefined;
            if (!keys) report("the target's input is not a JSON StartBuild request: set environmentVariablesOverride only.");
            else if (keys.some((k) => k !== "environmentVariablesOverride")) report(`the target's StartBuild request sets ${keys.filter((k) => k !== "environmentVariablesOverride").join(", ")}: pass environmentVariablesOverride only.`);
        },
    ),
    resourceRule(
        {
            name: "codebuild-no-plaintext-secrets",
            description: "No CodeBuild or pipeline build-action environment variable carries a secret as PLAINTEXT.",
            sources: ["AWS Config codebuild-project-envvar-awscred-check (extended to any secret-looking name)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Store the value in Secrets Manager or SSM and reference it with type SECRETS_MANAGER or PARAMETER_STORE.",
        },
        [CODEBUILD, PIPELINE],
        (p, report, args) => {
            const vars: Props[] =
                args.type === CODEBUILD
                    ? asRecords(get(p, "environment.environmentVariables"))
                    : asRecords(p.stages).flatMap((s) =>
                          asRecords(s.actions).flatMap((a) => asRecords(parseJson(get(a, "configuration.EnvironmentVariables")))),
                      );
            for (const v of vars) {
                const type = (v.type as string | undefined) ?? "PLAINTEXT";
                const value = String(v.value ?? "");
                if (type === "PLAINTEXT" && (SENSITIVE_NAME.test(String(v.name)) || /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value))) {
                    report(`environment variable ${v.name} looks secret but is PLAINTEXT: store it in Secrets Manager and use type SECRETS_MANAGER.`);
                }
            }
        },
    ),
    resourceRule(
        {
            name: "codebuild-logs-enabled",
            description: "CodeBuild projects send their logs to a CloudWatch log group slipway manages (with retention).",
            sources: ["Checkov CKV_AWS_314", "AWS best practice"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Set logsConfig.cloudwatchLogs = { status: \"ENABLED\", groupName: <a LogGroup with retentionInDays> }.",
        },
        [CODEBUILD],
        (p, report) => {
            if (get(p, "logsConfig.cloudwatchLogs.status") === "DISABLED" || !get(p, "logsConfig.cloudwatchLogs.groupName")) {
                report("logs go nowhere slipway controls: enable logsConfig.cloudwatchLogs with the groupName of a log group that has retention.");
            }
        },
    ),
    resourceRule(
        {
            name: "codebuild-timeout",
            description: "CodeBuild projects set an explicit build timeout of at most 120 minutes.",
            sources: ["AWS best practice"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Set buildTimeout (minutes) to what a build needs, at most 120.",
        },
        [CODEBUILD],
        (p, report) => {
            const t = p.buildTimeout;
            if (typeof t !== "number" || t > 120) report(`buildTimeout is ${t ?? "unset (CodeBuild's default)"}: set it to at most 120 minutes.`);
        },
    ),

    // --- CodePipeline -----------------------------------------------------------------------------------
    resourceRule(
        {
            name: "pipeline-artifacts-kms",
            description: "Every CodePipeline artifact store is encrypted with a customer-managed KMS key.",
            sources: ["Checkov CKV_AWS_219"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set artifactStores[].encryptionKey = { id: <KMS key ARN>, type: \"KMS\" }.",
        },
        [PIPELINE],
        (p, report) => {
            const stores = asRecords(p.artifactStores);
            if (!stores.length || stores.some((s) => get(s, "encryptionKey.type") !== "KMS" || !get(s, "encryptionKey.id"))) {
                report("an artifact store has no KMS encryptionKey: set encryptionKey { id: <key ARN>, type: \"KMS\" }.");
            }
        },
    ),
    resourceRule(
        {
            name: "pipeline-v2",
            description: "Pipelines are V2, which branch-filtered triggers and stage rollback need.",
            sources: ["AWS CodePipeline docs (pipeline types)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set pipelineType: \"V2\" (the provider defaults to V1).",
        },
        [PIPELINE],
        (p, report) => {
            if (p.pipelineType !== "V2") report(`pipelineType is ${JSON.stringify(p.pipelineType ?? "V1 (default)")}: set it to "V2".`);
        },
    ),
    resourceRule(
        {
            name: "pipeline-release-branch-only",
            description: "The pipeline is triggered only by pushes to the one release branch its source action reads.",
            sources: ["slipway seeds: main-only publishing"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps:
                "Give the pipeline one trigger whose gitConfiguration.pushes[].branches.includes lists exactly the source action's BranchName, without wildcards. Only a pipeline that deploys nothing (the package publish pipeline) may be triggered by tags instead.",
        },
        [PIPELINE],
        (p, report) => {
            // A tag-triggered pipeline publishing a package (infra/packages/publishing.ts) deploys nothing: tags alone may start it.
            const deploys = asRecords(p.stages).some((s) => asRecords(s.actions).some((a) => a.category === "Deploy"));
            const tagsOnly = (push: Props) => get(push, "tags.includes") !== undefined && get(push, "branches") === undefined && get(push, "filePaths") === undefined;
            const triggerPushes = asRecords(p.triggers).flatMap((t) => asRecords(get(t, "gitConfiguration.pushes")));
            if (!deploys && triggerPushes.length > 0 && triggerPushes.every(tagsOnly) && !asRecords(p.triggers).some((t) => get(t, "gitConfiguration.pullRequests"))) return;
            const sourceBranches = asRecords(p.stages)
                .flatMap((s) => asRecords(s.actions))
                .filter((a) => a.category === "Source")
                .map((a) => get(a, "configuration.BranchName"));
            const triggers = asRecords(p.triggers);
            if (!triggers.length) {
                report("no trigger: a V2 pipeline without triggers starts on every push to the source branch and on connection events; add a push trigger filtered to the release branch.");
                return;
            }
            for (const t of triggers) {
                const pushes = asRecords(get(t, "gitConfiguration.pushes"));
                const includes = pushes.flatMap((push) => asArray(get(push, "branches.includes")).map(String));
                if (!pushes.length || pushes.some((push) => !asArray(get(push, "branches.includes")).length)) {
                    report("a trigger has a push filter without branches.includes: list the release branch.");
                }
                if (get(t, "gitConfiguration.pullRequests")) report("a trigger starts the pipeline on pull requests: only the release branch may publish images.");
                for (const b of includes) {
                    if (/[*?[]/.test(b) || !sourceBranches.includes(b)) report(`trigger branch ${JSON.stringify(b)} is not exactly the source action's branch ${JSON.stringify(sourceBranches[0])}.`);
                }
            }
        },
    ),
    resourceRule(
        {
            name: "pipeline-production-approval",
            description: "A manual approval stage comes before any stage that deploys to production.",
            sources: ["slipway seeds", "AWS Well-Architected OPS (deployment gates)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Insert a stage with an Approval/Manual action (notifying the SNS topic) before the production deploy stage.",
        },
        [PIPELINE],
        (p, report) => {
            const stages = asRecords(p.stages) as unknown as Stage[];
            let approved = false;
            for (const stage of stages) {
                const actions = stage.actions ?? [];
                if (actions.some((a) => a.category === "Approval" && a.provider === "Manual")) approved = true;
                const deploysProduction = actions.some(
                    (a) => a.category === "Deploy" && (/prod/i.test(stage.name ?? "") || Object.values(a.configuration ?? {}).some((v) => /-prod(uction)?$/.test(String(v)))),
                );
                if (deploysProduction && !approved) report(`stage ${stage.name} deploys to production with no manual approval before it: add an Approval stage.`);
            }
        },
    ),
    resourceRule(
        {
            name: "pipeline-stage-rollback",
            description: "Every deploy stage rolls back to its last successful execution when it fails.",
            sources: ["AWS CodePipeline V2 stage rollback", "AWS reliability guidance"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set onFailure: { result: \"ROLLBACK\" } on each stage with a Deploy action.",
        },
        [PIPELINE],
        (p, report) => {
            for (const stage of asRecords(p.stages) as unknown as Stage[]) {
                if ((stage.actions ?? []).some((a) => a.category === "Deploy") && stage.onFailure?.result !== "ROLLBACK") {
                    report(`deploy stage ${stage.name} does not roll back on failure: set onFailure.result to "ROLLBACK".`);
                }
            }
        },
    ),

    // --- S3 ---------------------------------------------------------------------------------------------
    stackRule(
        {
            name: "s3-block-public-access",
            description: "Every S3 bucket has a public access block with all four settings on.",
            sources: ["cdk-nag AwsSolutions-S2", "Checkov CKV2_AWS_6", "AWS Config s3-bucket-public-read-prohibited / s3-bucket-public-write-prohibited"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
        },
        (resources, _ctx, report) => {
            const blocks = ofType(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map((r) => r.props as Props);
            for (const b of blocks) {
                const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => b[k] !== true);
                if (off.length) report(`a public access block leaves ${off.join(", ")} off: set all four to true.`);
            }
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > blocks.length) report(`${buckets.length - blocks.length} bucket(s) have no public access block: add aws.s3.BucketPublicAccessBlock for each.`, buckets[buckets.length - 1].urn);
        },
    ),
    stackRule(
        {
            name: "s3-tls-only",
            description: "Every S3 bucket policy denies requests that do not use TLS (aws:SecureTransport = false).",
            sources: ["cdk-nag AwsSolutions-S10", "AWS Config s3-bucket-ssl-requests-only"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Add a BucketPolicy statement: Effect Deny, Principal *, Action s3:*, Resource bucket and bucket/*, Condition Bool aws:SecureTransport false.",
        },
        (resources, _ctx, report) => {
            const denying = ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").filter((bp) =>
                statements((bp.props as Props).policy).some((s) => s.Effect === "Deny" && String(get(s.Condition, "Bool.aws:SecureTransport")) === "false"),
            );
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > denying.length) report(`${buckets.length - denying.length} bucket(s) accept plain-HTTP requests: add a Deny statement on aws:SecureTransport = false to the bucket policy.`, buckets[0].urn);
        },
    ),
    stackRule(
        {
            name: "s3-encryption",
            description: "Every S3 bucket encrypts objects by default (SSE-S3 or SSE-KMS).",
            sources: ["AWS Config s3-bucket-server-side-encryption-enabled", "Checkov CKV_AWS_145 (its KMS part: s3-encryption-kms)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket.",
        },
        (resources, _ctx, report) => {
            const sse = ofType(resources, SSE).length;
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > sse) report(`${buckets.length - sse} bucket(s) have no default encryption: add a BucketServerSideEncryptionConfiguration.`, buckets[0].urn);
        },
    ),
    stackRule(
        {
            name: "s3-encryption-kms",
            description: "S3 buckets encrypt by default with KMS (advisory: SSE-S3 is acceptable).",
            sources: ["Checkov CKV_AWS_145"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Use sseAlgorithm \"aws:kms\" with a kmsMasterKeyId (and bucketKeyEnabled) in the bucket's encryption configuration.",
        },
        (resources, _ctx, report) => {
            const kms = ofType(resources, SSE).filter((r) =>
                asRecords((r.props as Props).rules).some((rule) => String(get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm")).startsWith("aws:kms")),
            );
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > kms.length) report(`${buckets.length - kms.length} bucket(s) are encrypted with S3-managed keys, not KMS.`, buckets[0].urn);
        },
    ),
    stackRule(
        {
            name: "s3-versioning-production",
            description: "In production and delivery stacks, every S3 bucket has versioning enabled.",
            sources: ["Checkov CKV_AWS_21"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Add an aws.s3.BucketVersioning with versioningConfiguration.status \"Enabled\" (and expire noncurrent versions).",
        },
        (resources, ctx, report) => {
            if (!PROTECTED_TIERS.includes(ctx.tier)) return;
            const on = ofType(resources, "aws:s3/bucketVersioning:BucketVersioning").filter((r) => get(r.props, "versioningConfiguration.status") === "Enabled");
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > on.length) report(`${buckets.length - on.length} bucket(s) in a ${ctx.tier} stack have no versioning: add a BucketVersioning with status "Enabled".`, buckets[0].urn);
        },
    ),
    stackRule(
        {
            name: "s3-lifecycle-expiry",
            description: "S3 buckets expire old objects and old versions with a lifecycle rule (advisory).",
            sources: ["AWS S3 cost and retention guidance"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Add an aws.s3.BucketLifecycleConfiguration rule with expiration.days and noncurrentVersionExpiration.",
        },
        (resources, _ctx, report) => {
            const expiring = ofType(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").filter((r) =>
                asRecords((r.props as Props).rules).some((rule) => rule.status === "Enabled" && get(rule, "expiration.days") !== undefined),
            );
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > expiring.length) report(`${buckets.length - expiring.length} bucket(s) keep objects forever.`, buckets[0].urn);
        },
    ),
    stackRule(
        {
            name: "s3-access-logging",
            description: "S3 buckets log server access (advisory).",
            sources: ["cdk-nag AwsSolutions-S1", "Checkov CKV_AWS_18"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Add an aws.s3.BucketLogging pointing at a log bucket if you need an audit trail of artifact access (CloudTrail data events are the alternative).",
        },
        (resources, _ctx, report) => {
            const logging = ofType(resources, "aws:s3/bucketLogging:BucketLogging").length;
            const buckets = ofType(resources, BUCKET);
            if (buckets.length > logging) report(`${buckets.length - logging} bucket(s) have no server access logging.`, buckets[0].urn);
        },
    ),

    // --- SNS and KMS ----------------------------------------------------------------------------------------
    resourceRule(
        {
            name: "sns-encrypted",
            description: "SNS topics are encrypted with KMS.",
            sources: ["cdk-nag AwsSolutions-SNS2", "Checkov CKV_AWS_26"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set kmsMasterKeyId on the topic (a customer key whose policy lets the publishers use it).",
        },
        ["aws:sns/topic:Topic"],
        (p, report) => {
            if (typeof p.kmsMasterKeyId !== "string" || p.kmsMasterKeyId === "") report("the topic is not encrypted: set kmsMasterKeyId.");
        },
    ),
    stackRule(
        {
            name: "sns-tls-only",
            description: "Every SNS topic policy denies publishing without TLS.",
            sources: ["cdk-nag AwsSolutions-SNS3"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Add a TopicPolicy statement: Effect Deny, Principal *, Action sns:Publish, Condition Bool aws:SecureTransport false.",
        },
        (resources, _ctx, report) => {
            const tlsOnly = ofType(resources, "aws:sns/topicPolicy:TopicPolicy").filter((tp) =>
                statements((tp.props as Props).policy).some((s) => s.Effect === "Deny" && String(get(s.Condition, "Bool.aws:SecureTransport")) === "false"),
            );
            const topics = ofType(resources, "aws:sns/topic:Topic");
            if (topics.length > tlsOnly.length) report(`${topics.length - tlsOnly.length} topic(s) accept publishing without TLS: add a Deny on aws:SecureTransport = false to the topic policy.`, topics[0].urn);
        },
    ),
    resourceRule(
        {
            name: "kms-key-rotation",
            description: "Customer-managed KMS keys rotate yearly.",
            sources: ["cdk-nag AwsSolutions-KMS5", "Checkov CKV_AWS_7", "awsguard cmk-backing-key-rotation-enabled"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set enableKeyRotation: true on the key.",
        },
        ["aws:kms/key:Key"],
        (p, report) => {
            if (p.enableKeyRotation !== true) report("key rotation is off: set enableKeyRotation to true.");
        },
    ),
];
