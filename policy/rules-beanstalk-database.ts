// Rules for an Elastic Beanstalk environment reaching the stack's database (slipway:database on Beanstalk,
// infra/platforms/beanstalk/database.ts): the connection arrives as environment secrets, by ARN, never as plain
// environment properties (security rules #19 and #48: a property's value sits in plain text in the
// environment's configuration, DescribeConfigurationSettings and the plan); and after each rotation of the
// master password the environment's app servers restart, since EB resolves environment secrets only at
// instance bootstrap or on RestartAppServer / UpdateEnvironment (security rule #47; EB Developer Guide,
// "Fetching secrets and parameters to Elastic Beanstalk environment variables").
import { Props, resourceRule, SlipwayRule, stackRule } from "./kit";
import { RDS_CLUSTER, RDS_INSTANCE, rotationRuleTargeted, stateMachineTasks } from "./rules-database";

const EB_ENV = "aws:elasticbeanstalk/environment:Environment";
const PROPERTIES = "aws:elasticbeanstalk:application:environment";
const SECRETS = "aws:elasticbeanstalk:application:environmentsecrets";
/** libpq's connection variables (infra/config/database.ts DATABASE_SECRET_NAMES). */
const PG_VARIABLES = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"];
/** What an environment secret's value may be: a Secrets Manager secret (optionally `:<json key>`) or an SSM parameter. */
const SECRET_REFERENCE = /^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:[^\s]+|ssm:[a-z0-9-]+:\d{12}:parameter\/[^\s]+)$/;
/** The Step Functions tasks that make EB re-read environment secrets. */
const REFRESH_TASK = /:states:::aws-sdk:elasticbeanstalk:(restartAppServer|updateEnvironment)$/;

type Setting = { namespace?: unknown; name?: unknown; value?: unknown };
const settingsOf = (p: Props): Setting[] => (Array.isArray(p.settings) ? (p.settings as Setting[]) : []);

export const beanstalkDatabaseRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "eb-database-secrets-by-reference",
            description:
                "A Beanstalk environment gets the database connection (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) as environment secrets whose values are Secrets Manager or Parameter Store ARNs, never as plain environment properties or literal values.",
            sources: ["tfsec aws-ecs-no-plaintext-secrets and cdk-nag AwsSolutions-ECS2 (intent, for EB)", "EB Developer Guide, aws:elasticbeanstalk:application:environmentsecrets", "Pulumi docs (secrets never in plain text)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Give the environment the database through slipway's Database component (slipway:database): it sets each PG* variable in aws:elasticbeanstalk:application:environmentsecrets to a secret ARN with its JSON key (<arn>:<key>).",
        },
        [EB_ENV],
        (p, report) => {
            for (const s of settingsOf(p)) {
                const name = String(s.name ?? "");
                if (s.namespace === PROPERTIES && PG_VARIABLES.includes(name)) {
                    report(`${name} is a plain environment property (its value is in the environment's configuration): make it an environment secret (${SECRETS}) whose value is the secret's ARN.`);
                }
                // An unknown value (a preview) is judged when known.
                if (s.namespace === SECRETS && typeof s.value === "string" && !SECRET_REFERENCE.test(s.value)) {
                    report(`environment secret ${name} is not a Secrets Manager or Parameter Store ARN: its value would sit in the configuration in plain text.`);
                }
            }
        },
    ),
    stackRule(
        {
            name: "eb-database-rotation-refreshes-instances",
            description:
                "In a stack whose database password RDS rotates, every Beanstalk environment re-reads its environment secrets after each rotation: an EventBridge rule on Secrets Manager's RotationSucceeded with a target, and a state machine calling RestartAppServer (or UpdateEnvironment) of the environment.",
            sources: ["cdk-nag AwsSolutions-SMG4", "Checkov CKV2_AWS_57", "EB Developer Guide (environment secrets are read at instance bootstrap; refresh with UpdateEnvironment or RestartAppServer)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Declare the database through slipway's Database component on Beanstalk: it declares the RotationRestart whose state machine restarts the environment's app servers (infra/platforms/beanstalk/database.ts).",
        },
        (resources, _ctx, report) => {
            if (!resources.some((x) => (x.type === RDS_CLUSTER || x.type === RDS_INSTANCE) && (x.props as Props).manageMasterUserPassword === true)) return;
            // Only environments that read a secret at bootstrap depend on the rotation.
            const environments = resources.filter((x) => x.type === EB_ENV && settingsOf(x.props as Props).some((s) => s.namespace === SECRETS));
            if (!environments.length) return;
            const targeted = rotationRuleTargeted(resources);
            if (!targeted) {
                report(`${environments.length} Beanstalk environment(s) keep the old database password after a rotation: no EventBridge rule on Secrets Manager's RotationSucceeded with a target refreshes them.`, environments[0].urn);
                return;
            }
            const tasks = stateMachineTasks(resources);
            if (!tasks) return; // a definition unknown during a preview
            const refreshed = new Set(tasks.filter((st) => REFRESH_TASK.test(String(st.Resource ?? ""))).map((st) => String(st.Parameters?.EnvironmentName)));
            for (const env of environments) {
                const name = (env.props as Props).name;
                if (typeof name === "string" && !refreshed.has(name)) {
                    report(`${env.type} "${env.name}" (${name}) keeps the old database password after a rotation: no state machine task restarts its app servers (aws-sdk:elasticbeanstalk:restartAppServer with its EnvironmentName).`, env.urn);
                }
            }
        },
    ),
];
