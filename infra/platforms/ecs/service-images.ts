// One image or several (docs/services.md "Own images"): a worker may name its own Dockerfile and/or build
// target (`slipway:workers.<name>.dockerfile`, `.target`). The build then builds and pushes that image
// too, into the worker's own ECR repository `<app>/<worker>` (contract.ts serviceRepositoryName), tagged
// with the same commit sha as the app's image; the worker's deploy action reads its own
// imagedefinitions file, the smoke test checks and tags it, and every stage promotes it by that sha.
// This file holds the config checks, the stack-file reader the delivery stack uses, and the shell the
// build and smoke test run for these images. Single-image apps get none of it: their plans are unchanged.
import * as pulumi from "@pulumi/pulumi";
import { SEED_TAG } from "../../delivery/seed-image";
import { imageDefinitionsFile } from "../../contract";
import { byName } from "../../shared/order";

/**
 * The app-wide `slipway:dockerfile` rule (infra/config/schema.ts): a relative path inside the repository,
 * no `..`, and only characters that need no quoting in the build's shell.
 */
export const DOCKERFILE_PATH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;
/**
 * A Dockerfile stage name as BuildKit accepts it: lower-cased, then `^[a-z][a-z0-9-_.]*$`
 * (moby/buildkit frontend/dockerfile/instructions/parse.go, validStageName); 128 characters is slipway's bound.
 */
export const BUILD_TARGET = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** The fields that give a worker its own image. */
export const IMAGE_FIELDS = ["dockerfile", "target"] as const;

/** How a worker's own image is built: its Dockerfile (default: the app's, slipway:dockerfile) and stage. */
export interface ImageBuild {
    /** Undefined: the app's Dockerfile (the delivery stack's slipway:dockerfile). */
    dockerfile?: string;
    /** Undefined: the Dockerfile's last stage. */
    target?: string;
}

/** A service with its own image: the worker's name (its repository `<app>/<name>`) and its build. */
export interface ServiceImage extends ImageBuild {
    service: string;
}

/**
 * The worker's own image settings, or undefined when it runs the app's image; problems pushed, one per
 * mistake, naming the key path and the fix.
 */
export function imageBuildOf(at: string, r: Record<string, unknown>, set: (path: string, example: string) => string, rm: (path: string) => string, name: string, problems: string[]): ImageBuild | undefined {
    const { dockerfile, target } = r;
    if (dockerfile === undefined && target === undefined) return undefined;
    const before = problems.length;
    if (dockerfile !== undefined && (typeof dockerfile !== "string" || !DOCKERFILE_PATH.test(dockerfile))) {
        problems.push(
            `${at}.dockerfile = ${JSON.stringify(dockerfile)} must be a relative path inside the app repository (1–200 of A–Z, a–z, 0–9, '.', '_', '/', '-'; no leading '/', no '..'), as slipway:dockerfile is; it is built with the app's build context (slipway:dockerContext). Fix: ${set(`${name}.dockerfile`, "docker/worker.Dockerfile")} (or ${rm(`${name}.dockerfile`)} to build the app's Dockerfile)`,
        );
    }
    if (target !== undefined && (typeof target !== "string" || !BUILD_TARGET.test(target))) {
        problems.push(
            `${at}.target = ${JSON.stringify(target)} is not a Dockerfile stage name: BuildKit takes a letter followed by letters, digits, '-', '_' and '.' (\`FROM … AS <name>\`); slipway allows at most 128. Fix: ${set(`${name}.target`, "worker")} (or ${rm(`${name}.target`)} to build the Dockerfile's last stage)`,
        );
    }
    if (problems.length > before) return undefined;
    return { ...(typeof dockerfile === "string" ? { dockerfile } : {}), ...(typeof target === "string" ? { target } : {}) };
}

/** Two builds are one image exactly when both name the same Dockerfile and target. */
export function sameBuild(a: ImageBuild | undefined, b: ImageBuild | undefined): boolean {
    return (a?.dockerfile ?? "") === (b?.dockerfile ?? "") && (a?.target ?? "") === (b?.target ?? "") && Boolean(a) === Boolean(b);
}

/** `dockerfile …, target …` for messages. */
export function describeBuild(b: ImageBuild | undefined): string {
    if (!b) return "the app's image";
    return [b.dockerfile ? `dockerfile ${b.dockerfile}` : "the app's Dockerfile", b.target ? `target ${b.target}` : "its last stage"].join(", ");
}

/**
 * The workers with their own image in a stack file (the delivery stack reads them, as it reads the worker
 * names). Only well-formed entries: the environment stack's own plan reports the rest.
 */
export function serviceImagesOfStackFile(config: Record<string, string> | undefined, names: readonly string[]): ServiceImage[] {
    const text = config?.["slipway:workers"];
    if (!text) return [];
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return [];
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [];
    const out: ServiceImage[] = [];
    for (const service of names) {
        const r = (parsed as Record<string, unknown>)[service];
        if (!r || typeof r !== "object" || Array.isArray(r)) continue;
        const build = imageBuildOf("", r as Record<string, unknown>, () => "", () => "", service, []);
        if (build) out.push({ service, ...build });
    }
    return out;
}

/**
 * The image a worker with its own image runs, from the app's `<repository>:<tag>`: `<repository>/<worker>:<tag>`,
 * the same sha in the worker's own repository. The seed image (slipway:seedImageContext) exists only in the
 * app's repository, so until the pipeline has verified a build the worker runs the seed like the web.
 */
export function ownImage(appImage: pulumi.Input<string>, service: string): pulumi.Output<string> {
    return pulumi.output(appImage).apply((image) => {
        const at = image.lastIndexOf(":");
        const [repository, tag] = [image.slice(0, at), image.slice(at + 1)];
        return tag === SEED_TAG ? image : `${repository}/${service}:${tag}`;
    });
}

/**
 * The build phase's shell for the own images. `start` (before the app's image is built, in the same shell
 * command) starts each image's build in the background: BuildKit serves concurrent builds on one daemon and
 * shares their identical steps (moby/buildkit#609, a maintainer: "BuildKit is designed to handle parallel
 * calls efficiently and deduplicate work between them"). Each build has its own repository's `latest` as
 * `--cache-from`, the same skip of an already-pushed sha and the same build secrets as the app's, and is
 * pushed. `wait` (after the app's build) waits for each, prints its log whole, and fails the phase if any
 * failed. `after` moves `latest` per image on the release branch and writes each worker's imagedefinitions
 * file. Variables as imageBuildSpec's (REPOSITORY_URL, REPOSITORY_NAME, DOCKERFILE, DOCKER_CONTEXT,
 * IMAGE_TAG, SOURCE_BRANCH, RELEASE_BRANCH, CONTAINER_NAME). No own images: all three empty.
 */
export function ownImageBuildCommands(images: readonly ServiceImage[], secrets: string): { start: string; wait: string; after: string[] } {
    if (!images.length) return { start: "", wait: "", after: [] };
    const sorted = [...images].sort((a, b) => byName(a.service, b.service));
    const start = [
        // $1 the worker, $2 its Dockerfile, $3 its target (empty: the last stage).
        "build_own_image() {",
        '  local url="$REPOSITORY_URL/$1" target=()',
        '  [ -n "$3" ] && target=(--target "$3")',
        '  if aws ecr describe-images --repository-name "$REPOSITORY_NAME/$1" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; then',
        '    echo "$1: $IMAGE_TAG already in the registry: not rebuilding an immutable tag"; return 0',
        "  fi",
        `  docker build --build-arg BUILDKIT_INLINE_CACHE=1 ${secrets}--cache-from "$url:latest" -f "$2" "\${target[@]}" -t "$url:$IMAGE_TAG" "$DOCKER_CONTEXT" && docker push "$url:$IMAGE_TAG"`,
        "}",
        "pids=(); logs=()",
        ...sorted.map((i) => `build_own_image ${i.service} "${i.dockerfile ?? "$DOCKERFILE"}" "${i.target ?? ""}" > own-image-${i.service}.log 2>&1 & pids+=($!); logs+=(own-image-${i.service}.log)`),
    ].join("\n");
    const wait = [
        "failed=0",
        'for i in "${!pids[@]}"; do',
        '  if wait "${pids[$i]}"; then echo "${logs[$i]%.log}: built"; else echo "${logs[$i]%.log}: FAILED" >&2; failed=1; fi',
        '  cat "${logs[$i]}"; rm -f "${logs[$i]}"',
        "done",
        '[ "$failed" = 0 ] || { echo "an image of this commit did not build: nothing is deployed" >&2; exit 1; }',
    ].join("\n");
    const latest = [
        'if [ "$SOURCE_BRANCH" = "$RELEASE_BRANCH" ]; then',
        ...sorted.flatMap((i) => [
            `  docker pull "$REPOSITORY_URL/${i.service}:$IMAGE_TAG" >/dev/null 2>&1 || true;`,
            `  { docker tag "$REPOSITORY_URL/${i.service}:$IMAGE_TAG" "$REPOSITORY_URL/${i.service}:latest" && docker push "$REPOSITORY_URL/${i.service}:latest"; } || exit 1;`,
        ]),
        "fi",
    ].join("\n");
    return {
        start,
        wait,
        after: [latest, ...sorted.map((i) => `printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URL/${i.service}:$IMAGE_TAG" > ${imageDefinitionsFile(i.service)}`)],
    };
}

/** The artifact files the own images add: each worker's imagedefinitions file. */
export function ownImageArtifactFiles(images: readonly ServiceImage[]): string[] {
    return [...images].sort((a, b) => byName(a.service, b.service)).map((i) => imageDefinitionsFile(i.service));
}

/**
 * The delivery stack's check across stack files: the pipeline promotes one image per worker, unchanged,
 * from stage to stage, so every pipeline stack that declares a worker must build it alike (its own image
 * with the same dockerfile and target, or the app's image), and a review template's own image must be one
 * the pipeline builds. One message per worker, naming the key in each file and the fix.
 */
export function serviceImageProblems(targets: readonly { stack: string; workers: readonly string[]; images?: readonly ServiceImage[] }[], review: { workers: readonly string[]; images: readonly ServiceImage[] } | undefined, problems: string[]): void {
    const buildOf = (images: readonly ServiceImage[] | undefined, service: string) => images?.find((i) => i.service === service);
    const services = [...new Set(targets.flatMap((t) => (t.images ?? []).map((i) => i.service)))].sort();
    for (const service of services) {
        const declaring = targets.filter((t) => t.workers.includes(service));
        const first = declaring[0];
        const other = declaring.find((t) => !sameBuild(buildOf(first.images, service), buildOf(t.images, service)));
        if (other) {
            problems.push(
                `slipway:workers.${service} is built as ${describeBuild(buildOf(first.images, service))} in Pulumi.${first.stack}.yaml but as ${describeBuild(buildOf(other.images, service))} in Pulumi.${other.stack}.yaml: the pipeline builds one image per worker and promotes it unchanged from ${first.stack} to ${other.stack}. Fix: give slipway:workers.${service} the same dockerfile and target in every pipeline stack file (pulumi config set --path 'slipway:workers.${service}.dockerfile' <path> --stack <stack>, or pulumi config rm --path 'slipway:workers.${service}.dockerfile' --stack <stack>)`,
            );
        }
    }
    for (const image of review?.images ?? []) {
        const built = targets.find((t) => sameBuild(buildOf(t.images, image.service), image));
        if (!built) {
            problems.push(
                `slipway:workers.${image.service} in the review template (Pulumi.review.yaml) builds ${describeBuild(image)}, which no pipeline stack builds: review stacks run images the pipeline built and verified (slipway:imageStack), so ${image.service}'s would not exist. Fix: declare the worker with the same dockerfile and target in a pipeline stack file, or pulumi config rm --path 'slipway:workers.${image.service}.dockerfile' --stack review (and .target)`,
            );
        }
    }
}

/** Every distinct own image the pipeline builds: one per worker name, from the first pipeline stack that declares it. */
export function pipelineImages(targets: readonly { images?: readonly ServiceImage[] }[]): ServiceImage[] {
    const out = new Map<string, ServiceImage>();
    for (const t of targets) for (const i of t.images ?? []) if (!out.has(i.service)) out.set(i.service, i);
    return [...out.values()].sort((a, b) => byName(a.service, b.service));
}
