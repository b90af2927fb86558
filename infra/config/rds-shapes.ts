// Shapes of RDS names and values that both the config check (./database.ts) and the plan's AWS-limits check
// (tools/check/aws-limits.ts, which loads without the Pulumi runtime) apply: plain constants, no imports.

/**
 * A DB instance class: `db.<family>.<size>` (CreateDBInstance DBInstanceClass; "DB instance classes", RDS User Guide:
 * e.g. db.t4g.micro, db.m7g.large, db.r6gd.2xlarge, db.m6i.metal). The shape is checked here; whether a region offers
 * the class for the version is RDS's answer (aws rds describe-orderable-db-instance-options --engine postgres).
 * db.serverless is Aurora's alone.
 */
export const INSTANCE_CLASS = /^db\.[a-z][a-z0-9]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]?xlarge|metal(-[1-9][0-9]*xl)?)$/;
