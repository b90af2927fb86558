#!/usr/bin/env bash
# One writer at a time for an environment's service: the AWS pipeline's stage for the environment and a
# workflow's `pulumi up` both change the service (task definition, scaling), so the workflow holds the stage.
#
#   stage-lock.sh lock     disable the inbound transition into $STAGE (if it is enabled), then wait until
#                          no execution is running in the stage; writes locked=true to $GITHUB_OUTPUT
#                          when it disabled the transition (only then does `unlock` enable it again)
#   stage-lock.sh unlock   enable the inbound transition into $STAGE again
#
# Environment: PIPELINE_NAME (repository variable the delivery stack writes), STAGE (e.g. Staging),
# STAGE_LOCK_TIMEOUT (seconds to wait for a running execution, default 3600), STAGE_LOCK_POLL (seconds
# between checks, default 20), GITHUB_RUN_ID (named in the transition's reason).
# AWS: codepipeline:GetPipelineState on the pipeline, Disable/EnableStageTransition on the stage.
#
# While the transition is disabled, a pipeline execution that reaches the stage waits in front of it and
# continues when the transition is enabled again; nothing is lost.
set -euo pipefail

mode=${1:-}
if [ -z "${PIPELINE_NAME:-}" ]; then
  echo "::error::PIPELINE_NAME is not set: the delivery stack writes this repository variable (pulumi up -s delivery)"
  exit 1
fi
# The stage name goes into a JMESPath query below: allow only the characters stage names use.
if ! [[ "${STAGE:-}" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]]; then
  echo "::error::STAGE must be a pipeline stage name such as Staging"
  exit 1
fi
timeout=${STAGE_LOCK_TIMEOUT:-3600}
poll=${STAGE_LOCK_POLL:-20}

stage_field() {
  aws codepipeline get-pipeline-state --name "$PIPELINE_NAME" \
    --query "stageStates[?stageName=='$STAGE'] | [0].$1" --output text
}

case "$mode" in
  lock)
    enabled=$(stage_field inboundTransitionState.enabled)
    case "$enabled" in
      True | true)
        # CodePipeline allows only letters, digits, spaces and !@().*?- in the reason (at most 300 characters).
        reason="GitHub Actions run ${GITHUB_RUN_ID:-local} is running pulumi up for this environment"
        aws codepipeline disable-stage-transition --pipeline-name "$PIPELINE_NAME" --stage-name "$STAGE" \
          --transition-type Inbound --reason "$reason"
        echo "locked=true" >> "${GITHUB_OUTPUT:-/dev/null}"
        echo "Disabled the inbound transition into $STAGE of $PIPELINE_NAME."
        ;;
      False | false)
        echo "::notice::The inbound transition into $STAGE was already disabled (by someone else); it stays disabled after this run."
        ;;
      *)
        echo "::error::Pipeline $PIPELINE_NAME has no stage $STAGE (get-pipeline-state said: $enabled)"
        exit 1
        ;;
    esac
    waited=0
    while :; do
      status=$(stage_field latestExecution.status)
      if [ "$status" != "InProgress" ] && [ "$status" != "Stopping" ]; then break; fi
      if [ "$waited" -ge "$timeout" ]; then
        echo "::error::$STAGE is still $status after ${timeout}s; not running pulumi up"
        exit 1
      fi
      echo "$STAGE is $status: waiting for the pipeline's execution in it to finish"
      sleep "$poll"
      waited=$((waited + poll))
    done
    echo "$STAGE is idle (last execution: $status)."
    ;;
  unlock)
    aws codepipeline enable-stage-transition --pipeline-name "$PIPELINE_NAME" --stage-name "$STAGE" --transition-type Inbound
    echo "Enabled the inbound transition into $STAGE of $PIPELINE_NAME again."
    ;;
  *)
    echo "usage: stage-lock.sh lock|unlock" >&2
    exit 2
    ;;
esac
