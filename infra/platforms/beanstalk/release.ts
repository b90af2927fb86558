// The release phase on Elastic Beanstalk (slipway:releaseCommand): a leader-only `.ebextensions`
// container command in every bundle runs `.slipway/release.sh`, which runs the command once, with
// `docker run --rm` of the version's image and the environment's properties and secrets, before the
// new version starts on the leader. A non-zero exit fails the container command, so the deployment.
//
// Which deployment policies keep "once per deploy, before the new version serves, a failure stops the
// deploy and the old version keeps serving" (EB Developer Guide, cited in docs/services.md):
// - Immutable: EB launches a single instance in a temporary Auto Scaling group first and the rest only
//   after it passes health checks ("Immutable environment updates"); a failed immutable deployment is
//   reverted by terminating the new group, "leaving the original instances untouched" ("Deployment
//   policies and settings"). Container commands run before the version is deployed on the instance
//   ("Customizing software on Linux servers" → Container commands; "Instance deployment workflow").
// - AllAtOnce and the rolling policies take the instances being deployed out of service, deploy the
//   leader's batch-mates in parallel with it, and leave completed batches on the new version after a
//   failure: refused.
// - TrafficSplitting launches the whole new set at once and sends it traffic; users report that
//   leader-only commands do not run there (aws/elastic-beanstalk-roadmap#65): refused.
import type { BeanstalkSettings } from "./settings";
import { DATABASE_SECRET_NAMES } from "../../config/database";

/** Environment property holding the release command, base64 (EB's property values allow few symbols). */
export const RELEASE_COMMAND_PROPERTY = "SLIPWAY_RELEASE_COMMAND";
/** EB: environment property values "can contain up to 256 characters"; base64 of 192 bytes is 256. */
export const RELEASE_PROPERTY_MAX_CHARS = 256;
export const RELEASE_COMMAND_MAX_BYTES = (RELEASE_PROPERTY_MAX_CHARS / 4) * 3;
/** The one deployment policy under which the release phase holds (above). */
export const RELEASE_POLICY = "Immutable";

export const RELEASE_EXTENSION = ".ebextensions/10-slipway-release.config";
export const RELEASE_SCRIPT = ".slipway/release.sh";
export const RELEASE_CONTAINER_COMMAND = "01_slipway_release";
/** The hook of infra/platforms/beanstalk/bundle.ts writes it in prebuild, before container commands run. */
const SECRETS_ENV_FILE = "/var/app/slipway/secrets.env";
const GET_CONFIG = "/opt/elasticbeanstalk/bin/get-config";

/** The release command as the environment property carries it. */
export const encodeReleaseCommand = (command: string) => Buffer.from(command, "utf8").toString("base64");

/**
 * The `.ebextensions` file: one leader-only container command. Container commands run as root from the
 * staging directory, after the bundle is extracted and before the version is deployed; without
 * `ignoreErrors` a non-zero exit fails the deployment ("Customizing software on Linux servers").
 * Invoked through bash so it does not depend on the script's mode bit (EB sets it only on hook files).
 */
export function releaseExtension(): string {
    return [
        "# Written by slipway: the release phase (slipway:releaseCommand), once per deployment on the leader instance.",
        "container_commands:",
        `  ${RELEASE_CONTAINER_COMMAND}:`,
        `    command: "bash ${RELEASE_SCRIPT}"`,
        "    leader_only: true",
        "",
    ].join("\n");
}

/**
 * The script. It never prints a property or secret value: the env files are written root-only (umask
 * 077) into a temporary directory removed on exit, and `docker login` reads the ECR token on stdin.
 */
export function releaseScript(): string {
    return [
        "#!/bin/bash",
        "# Written by slipway: run slipway:releaseCommand once, in this version's image, before the version serves.",
        "set -euo pipefail",
        `get_config=${GET_CONFIG}`,
        `encoded="$($get_config environment -k ${RELEASE_COMMAND_PROPERTY} 2>/dev/null || true)"`,
        'if [ -z "$encoded" ]; then echo "slipway: no release command (slipway:releaseCommand is empty)"; exit 0; fi',
        'release_command="$(printf \'%s\' "$encoded" | base64 -d)"',
        'root="$(cd "$(dirname "$0")/.." && pwd)"',
        "image_of() { sed -n 's/^    image: \"\\(.*\\)\"$/\\1/p' \"$1\" | head -n 1; }",
        'image="$(image_of "$root/docker-compose.yml")"',
        'if [ -z "$image" ]; then echo "slipway: no image in $root/docker-compose.yml: failing the deployment" >&2; exit 1; fi',
        // An in-place configuration deployment (a rotated secret) re-runs nothing: this instance already runs the image.
        'current="$($get_config platformconfig -k AppDeployDir 2>/dev/null || true)"',
        'current="${current:-/var/app/current/}"',
        'if [ -f "$current/docker-compose.yml" ] && [ "$(image_of "$current/docker-compose.yml")" = "$image" ]; then',
        '  echo "slipway: this instance already runs $image: no release"; exit 0',
        "fi",
        `secrets=${SECRETS_ENV_FILE}`,
        'if [ ! -f "$secrets" ]; then echo "slipway: $secrets is missing (the prebuild hook writes it): failing the deployment" >&2; exit 1; fi',
        "umask 077",
        'work="$(mktemp -d)"',
        // The ECR token lands in a throw-away Docker config, not root's.
        'export DOCKER_CONFIG="$work/docker"',
        "trap 'rm -rf \"$work\"' EXIT",
        'registry="${image%%/*}"',
        'case "$registry" in',
        '  *.dkr.ecr.*.amazonaws.com | *.dkr.ecr.*.amazonaws.com.cn) region="$(echo "$registry" | cut -d. -f4)"',
        '    aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry" > /dev/null ;;',
        "esac",
        `$get_config environment | python3 -c 'import json, sys`,
        "for k, v in sorted(json.load(sys.stdin).items()):",
        `    if k == "${RELEASE_COMMAND_PROPERTY}": continue`,
        '    if "\\n" in v: sys.exit("environment property " + k + " spans several lines; an env file holds one line per value")',
        "    print(k + \"=\" + v)' > \"$work/properties.env\"",
        'echo "slipway: release phase: pulling $image"',
        'docker pull --quiet "$image" > /dev/null',
        'echo "slipway: release phase: running slipway:releaseCommand in $image (this instance is the deployment\'s leader)"',
        // slipway:database's PG* are environment secrets, which EB gives container commands as environment variables
        // ("Fetching secrets and parameters to Elastic Beanstalk environment variables"): forwarded by name (docker
        // reads the value from this environment), so no value is on docker's command line.
        "forward=()",
        `for name in ${Object.values(DATABASE_SECRET_NAMES).join(" ")}; do if [ -n "\${!name+set}" ]; then forward+=(-e "$name"); fi; done`,
        "set +e",
        'docker run --rm --env-file "$work/properties.env" --env-file "$secrets" ${forward[@]+"${forward[@]}"} "$image" sh -c "$release_command"',
        "rc=$?",
        "set -e",
        'if [ "$rc" -ne 0 ]; then',
        '  echo "slipway: the release command exited $rc: failing this deployment (Elastic Beanstalk terminates the new instances; the old version keeps serving)" >&2',
        '  exit "$rc"',
        "fi",
        'echo "slipway: release command succeeded"',
        "",
    ].join("\n");
}

/** The release phase's files of every Beanstalk bundle (the script exits 0 when the property is absent). */
export function releaseBundleFiles(): Record<string, string> {
    return { [RELEASE_EXTENSION]: releaseExtension(), [RELEASE_SCRIPT]: releaseScript() };
}

/** Why each policy other than Immutable cannot hold the release phase's promise (sources: file head). */
const POLICY_GAPS: Record<Exclude<BeanstalkSettings["deploymentPolicy"], "Immutable">, string> = {
    AllAtOnce:
        'an all-at-once deployment takes every instance out of service while it deploys ("Deployment policies and settings"), so a failed release leaves no old version serving, and the other instances start the new version while the leader still runs the command',
    Rolling:
        "a rolling deployment takes each batch out of service, starts the new version on the leader's batch-mates while the leader still runs the command, and leaves completed batches on the new version when it fails (\"Deployment policies and settings\", How rolling deployments work)",
    RollingWithAdditionalBatch:
        "a rolling deployment takes each batch out of service, starts the new version on the leader's batch-mates while the leader still runs the command, and leaves completed batches on the new version when it fails (\"Deployment policies and settings\", How rolling deployments work)",
    TrafficSplitting:
        "a traffic-splitting deployment launches the whole new set of instances at once and sends it traffic (no first instance, unlike Immutable), and leader-only container commands are reported not to run in it at all (aws/elastic-beanstalk-roadmap#65)",
};

/** One message per problem with slipway:releaseCommand on a Beanstalk environment. */
export function beanstalkReleaseProblems(releaseCommand: string, eb: BeanstalkSettings, stack: string): string[] {
    if (!releaseCommand) return [];
    const problems: string[] = [];
    if (eb.deploymentPolicy !== RELEASE_POLICY) {
        problems.push(
            `slipway:releaseCommand is set, but slipway:beanstalkDeploymentPolicy is ${eb.deploymentPolicy}: on Elastic Beanstalk the release command runs once per deployment only with ${RELEASE_POLICY} deployments (a leader-only container command on the temporary group's first instance, before any new instance serves; a failure terminates the new instances and the old version keeps serving). ${POLICY_GAPS[eb.deploymentPolicy]}. Fix: pulumi config set slipway:beanstalkDeploymentPolicy ${RELEASE_POLICY} --stack ${stack} (or remove it: pulumi config rm slipway:releaseCommand --stack ${stack})`,
        );
    }
    const chars = encodeReleaseCommand(releaseCommand).length;
    if (chars > RELEASE_PROPERTY_MAX_CHARS) {
        problems.push(
            `slipway:releaseCommand is ${Buffer.byteLength(releaseCommand, "utf8")} bytes; on Elastic Beanstalk it travels base64-encoded in the environment property ${RELEASE_COMMAND_PROPERTY}, whose value may be at most ${RELEASE_PROPERTY_MAX_CHARS} characters, so at most ${RELEASE_COMMAND_MAX_BYTES} bytes. Fix: put the steps in a script in the image and run that (pulumi config set slipway:releaseCommand ./bin/release --stack ${stack})`,
        );
    }
    return problems;
}
