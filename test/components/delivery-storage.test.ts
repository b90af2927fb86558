// Registry and ArtifactStore built from their Args: what the delivery stack's images and artifacts live in.
import * as assert from "node:assert/strict";
import { ArtifactStore } from "../../infra/delivery/artifact-store";
import { Registry, RegistryArgs } from "../../infra/delivery/registry";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, json, MOCK_ACCOUNT, REGION, registeredOutputs, rejection, res, sid, statements } from "./harness";

const test = componentTests(__filename);

const REGISTRY = "slipway:delivery:Registry";
const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

interface Rule {
    rulePriority: number;
    selection: { tagStatus: string; tagPatternList?: string[]; countType: string; countNumber: number };
}
const registry = (args: Partial<RegistryArgs> = {}, name = "registry") =>
    build(() => {
        const r = new Registry(name, { name: "shop", ...args });
        return { url: r.repositoryUrl, arn: r.arn };
    });
const rules = (p: Awaited<ReturnType<typeof registry>>, name = "registry") => json<{ rules: Rule[] }>(res(p, LIFECYCLE, `${name}-lifecycle`), "policy").rules;

test("a Registry owns a repository and its lifecycle policy, both named after it", async () => {
    const [a, b] = [await registry({}, "registry"), await registry({}, "images")];
    assertOwnsItsChildren(a, REGISTRY, "registry");
    assertOwnsItsChildren(b, REGISTRY, "images");
    assertDisjoint(a, b);
});

test("by default the repository is protected and cannot be force-deleted with its images", async () => {
    const p = await registry();
    const repo = res(p, REPOSITORY, "registry-repository");
    assert.equal(repo.protect, true);
    assert.equal(repo.inputs.forceDelete, false);
    assert.equal(repo.inputs.name, "shop");
    // The lifecycle policy holds no data: never protected.
    assert.equal(res(p, LIFECYCLE, "registry-lifecycle").protect, false);
});

test("protect: false leaves the repository unprotected and deletable with its images", async () => {
    const repo = res(await registry({ protect: false }), REPOSITORY, "registry-repository");
    assert.equal(repo.protect, false);
    assert.equal(repo.inputs.forceDelete, true);
});

test("the repository scans on push, keeps tags immutable except latest and encrypts with KMS", async () => {
    const repo = res(await registry(), REPOSITORY, "registry-repository");
    assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
    assert.deepEqual(repo.inputs.imageTagMutabilityExclusionFilters, [{ filter: "latest", filterType: "WILDCARD" }]);
    assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
});

test("without lifecycle Args the policy keeps the seed, expires untagged images after 7 days and keeps the newest 50", async () => {
    const p = await registry();
    assert.equal(res(p, LIFECYCLE, "registry-lifecycle").inputs.repository, "shop");
    const r = rules(p);
    assert.deepEqual(
        r.map((x) => [x.rulePriority, x.selection.tagStatus, x.selection.tagPatternList ?? [], x.selection.countNumber]),
        [
            [1, "tagged", ["seed"], 1],
            [2, "untagged", [], 7],
            [3, "any", [], 50],
        ],
    );
});

test("each verified stack gets a keep rule (10 images by default), downstream stacks first", async () => {
    const r = rules(await registry({ verifiedStacks: ["staging", "production"] }));
    assert.deepEqual(r.slice(0, 2).map((x) => [x.selection.tagPatternList, x.selection.countNumber]), [
        [["verified-production-*"], 10],
        [["verified-staging-*"], 10],
    ]);
    assert.equal(r.at(-1)?.selection.tagStatus, "any");
});

test("the lifecycle Args reach the policy", async () => {
    const r = rules(await registry({ verifiedStacks: ["staging"], keepVerifiedImages: 3, untaggedImageDays: 2, keepImages: 20 }));
    assert.deepEqual(r.map((x) => x.selection.countNumber), [3, 1, 2, 20]);
});

test("bad lifecycle Args are refused at construction, naming the Arg", async () => {
    assert.match(await rejection(() => registry({ keepImages: 0 })), /Registry keepImages must be a positive integer/);
    assert.match(await rejection(() => registry({ verifiedStacks: ["staging", "staging"] })), /verifiedStacks names staging twice/);
    assert.match(await rejection(() => registry({ verifiedStacks: ["prod", "prod-eu"] })), /prod-eu's verified tags also match verified-prod-\*/);
});

test("a Registry registers the repository's URL and ARN as its outputs", async () => {
    const p = await registry();
    const outputs = registeredOutputs(p, res(p, REGISTRY, "registry"));
    assert.deepEqual(outputs, { repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop`, arn: `arn:aws:ecr:${REGION}:${MOCK_ACCOUNT}:repository/shop` });
    assert.deepEqual(p.outputs, { url: outputs.repositoryUrl, arn: outputs.arn });
});

// --- ArtifactStore ---------------------------------------------------------------------------------------

const STORE = "slipway:delivery:ArtifactStore";
const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";
const store = (args: { protect?: boolean; expireAfterDays?: number } = {}, name = "artifacts") =>
    build((ctx) => {
        const s = new ArtifactStore(name, { ...args, ctx });
        return { keyArn: s.key.arn, bucketArn: s.bucket.arn, bucket: s.bucket.bucket };
    });

test("an ArtifactStore owns its bucket, key and bucket settings, all named after it", async () => {
    const [a, b] = [await store({}, "artifacts"), await store({}, "other")];
    assertOwnsItsChildren(a, STORE, "artifacts");
    assertDisjoint(a, b);
});

test("by default the bucket and key are protected, the bucket is not force-destroyed and the key waits 30 days", async () => {
    const p = await store();
    const [bucket, key] = [res(p, BUCKET, "artifacts-bucket"), res(p, KEY, "artifacts-key")];
    assert.deepEqual([bucket.protect, key.protect], [true, true]);
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(key.inputs.deletionWindowInDays, 30);
    assert.equal(key.inputs.enableKeyRotation, true);
    // Settings resources hold nothing to lose.
    for (const r of p.resources.filter((x) => x.custom && x.type !== BUCKET && x.type !== KEY)) assert.equal(r.protect, false, r.name);
});

test("protect: false makes the store destroyable: bucket emptied on destroy, key deleted after 7 days", async () => {
    const p = await store({ protect: false });
    const [bucket, key] = [res(p, BUCKET, "artifacts-bucket"), res(p, KEY, "artifacts-key")];
    assert.deepEqual([bucket.protect, key.protect], [false, false]);
    assert.equal(bucket.inputs.forceDestroy, true);
    assert.equal(key.inputs.deletionWindowInDays, 7);
});

test("artifacts and their old versions expire after 30 days unless expireAfterDays says otherwise", async () => {
    const lifecycle = (p: Awaited<ReturnType<typeof store>>) =>
        (res(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "artifacts-lifecycle").inputs.rules as { expiration: { days: number }; noncurrentVersionExpiration: { noncurrentDays: number } }[])[0];
    const byDefault = lifecycle(await store());
    assert.deepEqual([byDefault.expiration.days, byDefault.noncurrentVersionExpiration.noncurrentDays], [30, 30]);
    const short = lifecycle(await store({ expireAfterDays: 3 }));
    assert.deepEqual([short.expiration.days, short.noncurrentVersionExpiration.noncurrentDays], [3, 3]);
});

test("the bucket is private, owner-enforced, versioned and encrypted with the store's own key", async () => {
    const p = await store();
    const bucket = p.outputs.bucket;
    const block = res(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "artifacts-public-access-block").inputs;
    assert.deepEqual([block.bucket, block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [bucket, true, true, true, true]);
    assert.deepEqual(res(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "artifacts-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    assert.deepEqual(res(p, "aws:s3/bucketVersioning:BucketVersioning", "artifacts-versioning").inputs.versioningConfiguration, { status: "Enabled" });
    const [rule] = res(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "artifacts-encryption").inputs.rules as {
        applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
        bucketKeyEnabled: boolean;
    }[];
    assert.deepEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: p.outputs.keyArn });
    assert.equal(rule.bucketKeyEnabled, true);
});

test("the bucket refuses every request without TLS", async () => {
    const p = await store();
    const policy = res(p, "aws:s3/bucketPolicy:BucketPolicy", "artifacts-tls-only");
    const deny = sid(policy, "DenyInsecureTransport");
    assert.equal(deny.Effect, "Deny");
    assert.deepEqual(deny.Resource, [p.outputs.bucketArn, `${p.outputs.bucketArn}/*`]);
    assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.equal(statements(policy).length, 1);
});

test("the key policy names the context's account and lets notifications use the key only through SNS in the context's region", async () => {
    const key = res(await store(), KEY, "artifacts-key");
    assert.deepEqual(sid(key, "AccountAdministersKey").Principal, { AWS: `arn:aws:iam::${MOCK_ACCOUNT}:root` });
    const notifications = sid(key, "NotificationsEncryptTopic");
    assert.deepEqual(notifications.Principal, { Service: "codestar-notifications.amazonaws.com" });
    assert.deepEqual(notifications.Condition, { StringEquals: { "kms:ViaService": `sns.${REGION}.amazonaws.com` } });
});

test("an ArtifactStore registers its bucket name and key ARN", async () => {
    const p = await store();
    assert.deepEqual(registeredOutputs(p, res(p, STORE, "artifacts")), { bucket: p.outputs.bucket, keyArn: p.outputs.keyArn });
});
