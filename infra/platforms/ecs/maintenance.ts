// Maintenance mode (ECS, ALB ingress): while the release command runs, the load balancer answers a configured
// 503 page. The environment stack declares a listener rule with a fixed-response 503 whose condition, as
// declared, matches only requests carrying MAINTENANCE_HEADER (off: visitors reach the app; anyone may preview
// the page with the header). The release action switches it on by setting its condition to every path, and off
// by setting it back, around the release task (release-action.ts releaseScript), with a bash EXIT trap so that
// every way out of the script (a failed call, a failed command, the script's own timeout, SIGTERM) switches it
// off. The rule's ARN reaches the pipeline through an SSM parameter the environment publishes
// (contract.ts maintenanceRuleParameter), resolved by CodeBuild at build start (a PARAMETER_STORE variable).
import { z } from "zod";
import { key } from "../../config/keys";
import { arnOf, AwsContext } from "../../shared/aws-context";
import type { Statement } from "../../shared/iam";
import { STACK_TAG } from "../../contract";

/**
 * ELB's FixedResponseActionConfig: MessageBody is "Length Constraints: Minimum length of 0. Maximum length of
 * 1024", ContentType one of text/plain | text/css | text/html | application/javascript | application/json, and
 * StatusCode `^(2|4|5)\d\d$` (Elastic Load Balancing API Reference, FixedResponseActionConfig).
 */
export const MAINTENANCE_PAGE_MAX = 1024;
export const MAINTENANCE_STATUS = "503";
export const MAINTENANCE_CONTENT_TYPE = "text/html";

/** The header whose presence (value `on`) matches the rule while maintenance is off: a preview of the page, nothing more. */
export const MAINTENANCE_HEADER = "X-Slipway-Maintenance";

/**
 * The tag only the maintenance rule carries (besides the stack tag every resource has): the release project may
 * modify rules that carry both, so never the ECS production rule whose weights ECS owns, even in its own stack.
 */
export const MAINTENANCE_TAG = "slipway:maintenance";

/**
 * The maintenance rule's priority. ELB evaluates rules "in priority order, from the lowest value to the
 * highest value" and priorities are 1–50000 (ELB User Guide, "Listener rules"; CreateRule Priority). The
 * maintenance rule must come before ECS's production listener rule (blue/green, canary, linear), which
 * is always at MAINTENANCE_RULE_PRIORITY + 1 (PRODUCTION_RULE_PRIORITY), page or not, so switching the page
 * on or off never moves it.
 */
export const MAINTENANCE_RULE_PRIORITY = 1;

/** ModifyRule's conditions while maintenance is on: every request (`/*` matches every path). */
export const MAINTENANCE_ON_CONDITIONS = [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }];
/** ModifyRule's conditions while off: the rule as the environment stack declares it (lb.ListenerRule conditions). */
export const MAINTENANCE_OFF_CONDITIONS = [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: MAINTENANCE_HEADER, Values: ["on"] } }];

export const MAINTENANCE_KEYS = [
    key({
        key: "maintenancePage",
        roles: ["environment"],
        type: "string",
        description:
            "Maintenance mode (ECS with the `alb` ingress, with slipway:releaseCommand): the HTML the load balancer answers, with status 503, to every request while the pipeline's release command runs. Switched on by the Release action right before the release task starts and always off again when the action ends, failed or not. At most 1024 characters (ELB's fixed-response limit). Empty: no maintenance mode.",
        default: "",
        schema: z
            .string()
            .max(MAINTENANCE_PAGE_MAX, `must be at most ${MAINTENANCE_PAGE_MAX} characters (ELB's fixed-response MessageBody limit)`)
            .refine((v) => v === "" || v.trim() !== "", "must not be only whitespace"),
        example: "<h1>Down for maintenance</h1><p>Back in a few minutes.</p>",
    }),
] as const;

/**
 * Why the HTTP API ingress cannot show the page: API Gateway's CreateIntegration says of MOCK "Supported only
 * for WebSocket APIs" (HTTP APIs take AWS_PROXY and HTTP_PROXY only), and HTTP APIs have no gateway responses
 * to customize, so a fixed 503 page needs compute (a Lambda integration), which slipway does not declare.
 */
export const HTTP_API_MAINTENANCE_GAP =
    "an API Gateway HTTP API cannot answer a fixed page: MOCK integrations are supported only for WebSocket APIs (CreateIntegration), and HTTP APIs have no customizable gateway responses, so a 503 page would need a Lambda integration";

/** One message per problem with maintenance mode on an environment. */
export function maintenanceProblems(d: { maintenancePage: string; releaseCommand: string; platform: string }, ingress: string, stack: string): string[] {
    if (!d.maintenancePage) return [];
    const rm = `pulumi config rm slipway:maintenancePage --stack ${stack}`;
    if (d.platform !== "ecs") return [`slipway:maintenancePage is set, but slipway:platform is ${d.platform}: maintenance mode is shown while the ECS release phase runs, which ${d.platform} has not. Fix: ${rm}`];
    if (!d.releaseCommand) {
        return [`slipway:maintenancePage is set, but slipway:releaseCommand is empty: the page is shown only while the release command runs. Fix: pulumi config set slipway:releaseCommand '<command>' --stack ${stack}, or ${rm}`];
    }
    if (ingress !== "alb") {
        return [`slipway:maintenancePage is set, but slipway:ingress is ${ingress}: ${HTTP_API_MAINTENANCE_GAP}. Fix: pulumi config set slipway:ingress alb --stack ${stack}, or ${rm}`];
    }
    return [];
}

/** The stack file sets a maintenance page (and a release command, without which the environment refuses it). */
export function maintenanceOfStackFile(config: Record<string, string> | undefined, namespace: string): boolean {
    return Boolean(config?.[`${namespace}:maintenancePage`]?.trim() && config?.[`${namespace}:releaseCommand`]?.trim());
}

/**
 * The release project's rights to switch maintenance for `stacks` (the targets with a maintenance page): read
 * each one's maintenance-rule parameter (CodeBuild resolves PARAMETER_STORE variables with GetParameters), and
 * ModifyRule on listener rules tagged with one of those stacks and with MAINTENANCE_TAG only. The rule's ARN has a
 * random id, so the tags are what name it (ELB's ModifyRule takes aws:ResourceTag, service authorization reference).
 */
export function maintenanceStatements(ctx: AwsContext, app: string, targets: { stack: string; maintenanceParameter?: string }[]): Statement[] {
    const on = targets.filter((t) => t.maintenanceParameter);
    if (!on.length) return [];
    return [
        { Sid: "ReadMaintenanceRules", Action: ["ssm:GetParameters"], Resource: on.map((t) => arnOf(ctx, "ssm", `parameter${t.maintenanceParameter}`)) },
        {
            Sid: "SwitchMaintenance",
            Action: ["elasticloadbalancing:ModifyRule"],
            Resource: [arnOf(ctx, "elasticloadbalancing", "listener-rule/app/*/*/*/*")],
            Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: on.map((t) => `${app}/${t.stack}`), [`aws:ResourceTag/${MAINTENANCE_TAG}`]: "on-release" } },
        },
    ];
}

/**
 * Bash lines of releaseScript for maintenance mode: a no-op unless MAINTENANCE_RULE (the rule's ARN) is set.
 * `maintenance_on` arms the EXIT trap before it switches, so even a switch-on that fails half-way is undone;
 * TERM and INT exit through the trap too. `maintenance_off` tries three times, and a release whose page could
 * not be switched off fails the action, saying so, whatever the release command did.
 */
export function maintenanceScript(): string[] {
    const on = JSON.stringify(MAINTENANCE_ON_CONDITIONS);
    const off = JSON.stringify(MAINTENANCE_OFF_CONDITIONS);
    return [
        "maintenance=off",
        "maintenance_off() {",
        '  [ "$maintenance" = off ] && return 0',
        "  local i out",
        "  for i in 1 2 3; do",
        `    if out="$(aws elbv2 modify-rule --rule-arn "$MAINTENANCE_RULE" --conditions '${off}' --query 'Rules[0].RuleArn' --output text 2>&1)"; then maintenance=off; echo "release on $STACK: maintenance mode is off"; return 0; fi`,
        "    sleep 5",
        "  done",
        '  echo "release on $STACK: MAINTENANCE MODE IS STILL ON: could not switch off $MAINTENANCE_RULE: $out. Switch it off: aws elbv2 modify-rule --rule-arn $MAINTENANCE_RULE --conditions \'' + off + "', or pulumi up --refresh --stack $STACK\" >&2",
        "  return 1",
        "}",
        'on_exit() { local rc=$?; maintenance_off || rc=1; exit "$rc"; }',
        "maintenance_on() {",
        '  [ -n "${MAINTENANCE_RULE:-}" ] || return 0',
        "  trap on_exit EXIT",
        "  trap 'exit 143' TERM INT",
        '  maintenance=on',
        `  out="$(aws elbv2 modify-rule --rule-arn "$MAINTENANCE_RULE" --conditions '${on}' --query 'Rules[0].RuleArn' --output text 2>&1)" || fail "could not switch maintenance mode on ($MAINTENANCE_RULE): $out"`,
        '  echo "release on $STACK: maintenance mode is on (the load balancer answers 503)"',
        "}",
    ];
}
