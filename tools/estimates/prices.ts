// Dated on-demand list prices, US East (N. Virginia) us-east-1, USD, for the cost estimate
// (tools/estimates/cost.ts). Read from AWS's public pricing pages on PRICE_DATE; refresh them together.
// Free tiers are not deducted (an account's free allowance is shared by everything in it).

export const PRICE_DATE = "2026-11-25";
export const PRICE_REGION = "us-east-1";
/** AWS prices monthly usage at 730 hours (the AWS Pricing Calculator's month). */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
    /**
     * AWS Fargate, Linux/x86, per hour (aws.amazon.com/fargate/pricing/): $0.04048 per vCPU-hour and
     * $0.004445 per GB-hour (= $0.000011244 per vCPU-second). 20 GB ephemeral storage included.
     */
    fargate: { vcpuHour: 0.04048, gbHour: 0.004445 },
    /**
     * Fargate Spot: "up to a 70% discount off the regular Fargate price" (same page). Spot rates move;
     * the model takes the full 70 % off the on-demand rates above: $0.012144 / $0.0013335.
     */
    fargateSpot: { vcpuHour: 0.012144, gbHour: 0.0013335 },
    /**
     * Application Load Balancer (aws.amazon.com/elasticloadbalancing/pricing/, us-east-1):
     * $0.0225 per ALB-hour and $0.008 per LCU-hour.
     */
    alb: { hour: 0.0225, lcuHour: 0.008 },
    /**
     * Public IPv4 addresses, in use or idle, including those AWS assigns to load balancers, Fargate
     * tasks and instances: $0.005 per IP-hour since 2024-02-01 (aws.amazon.com/vpc/pricing/, "Public
     * IPv4 Address" tab).
     */
    publicIpv4Hour: 0.005,
    /** NAT gateway (aws.amazon.com/vpc/pricing/): $0.045 per hour and $0.045 per GB processed. */
    natGateway: { hour: 0.045, gb: 0.045 },
    /**
     * EC2 on-demand Linux, per hour (aws.amazon.com/ec2/pricing/on-demand/), the families Beanstalk
     * environments accept (infra/config/schema.ts BEANSTALK_INSTANCE_FAMILIES), common sizes.
     */
    ec2Hour: {
        "t3.nano": 0.0052,
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
        "t3a.nano": 0.0047,
        "t3a.micro": 0.0094,
        "t3a.small": 0.0188,
        "t3a.medium": 0.0376,
        "t3a.large": 0.0752,
        "m5.large": 0.096,
        "m6i.large": 0.096,
        "m6a.large": 0.0864,
        "m7i.large": 0.1008,
        "c5.large": 0.085,
        "c6i.large": 0.085,
        "c7i.large": 0.08925,
        "r6i.large": 0.126,
    } as Record<string, number>,
    /** EBS gp3 storage, per GB-month (aws.amazon.com/ebs/pricing/). */
    ebsGp3GbMonth: 0.08,
    /**
     * CodeBuild on-demand, Linux x86 (aws.amazon.com/codebuild/pricing/), per build-minute:
     * general1.small $0.005, general1.medium $0.01, general1.large $0.02.
     */
    codebuildMinute: {
        BUILD_GENERAL1_SMALL: 0.005,
        BUILD_GENERAL1_MEDIUM: 0.01,
        BUILD_GENERAL1_LARGE: 0.02,
    } as Record<string, number>,
    /**
     * CodePipeline (aws.amazon.com/codepipeline/pricing/): V2 $0.002 per action execution minute;
     * V1 $1.00 per active pipeline per month.
     */
    codepipeline: { v2ActionMinute: 0.002, v1PipelineMonth: 1.0 },
    /** Amazon ECR private repository storage, per GB-month (aws.amazon.com/ecr/pricing/). */
    ecrGbMonth: 0.1,
    /**
     * Secrets Manager (aws.amazon.com/secrets-manager/pricing/): $0.40 per secret per month,
     * $0.05 per 10,000 API calls.
     */
    secretsManager: { secretMonth: 0.4, per10kCalls: 0.05 },
    /** AWS KMS customer managed key: $1.00 per key per month (aws.amazon.com/kms/pricing/). */
    kmsKeyMonth: 1.0,
    /**
     * CloudWatch (aws.amazon.com/cloudwatch/pricing/): Logs $0.50 per GB ingested (standard class),
     * $0.03 per GB-month stored; $3.00 per dashboard per month; $0.10 per standard-resolution alarm
     * metric per month (an alarm using metric math is billed for each metric in its expression).
     */
    cloudwatch: { logsIngestGb: 0.5, logsStoreGbMonth: 0.03, dashboardMonth: 3.0, alarmMonth: 0.1 },
    /** S3 Standard, first 50 TB, per GB-month (aws.amazon.com/s3/pricing/). */
    s3GbMonth: 0.023,
    /**
     * API Gateway HTTP APIs (aws.amazon.com/api-gateway/pricing/): $1.00 per million requests (first
     * 300 million a month); VPC links for HTTP APIs carry no charge.
     */
    httpApiPerMillionRequests: 1.0,
    /** AWS Cloud Map (aws.amazon.com/cloud-map/pricing/): $0.10 per registered instance per month. */
    cloudMapInstanceMonth: 0.1,
    /**
     * AWS CodeArtifact, us-east-1: $0.05 per GB-month of storage, $0.05 per 10,000 requests; no charge
     * per domain or repository (AWS Price List offer file AWSCodeArtifact, effective 2021-04-01, read
     * 2026-12-01 through the labofsahil/aws-pricing-dataset mirror; aws.amazon.com/codeartifact/pricing/
     * could not be read here). The offer lists the first 100,000 requests a month as free tier (not deducted).
     */
    codeartifact: { storageGbMonth: 0.05, per10kRequests: 0.05 },
    /**
     * EventBridge Scheduler: $1.00 per million scheduled invocations, the first 14 million a month free (not
     * deducted). NOT read from aws.amazon.com/eventbridge/pricing/ (its Scheduler table was not readable here,
     * 2026-12-02): the free tier is in AWS's Price List offer AWSEvents ("$0 for the first 14 million scheduled
     * invocations", effective 2025-01-01, through the labofsahil/aws-pricing-dataset mirror); the us-east-1
     * rate only in a third-party guide (cloudburn.io, "Amazon EventBridge Pricing", 2026-03-13). Schedules and
     * schedule groups carry no charge of their own (same sources).
     */
    scheduler: { perMillionInvocations: 1.0 },
    /**
     * Amazon SQS standard queues: $0.40 per million requests (each 64 KB chunk one request), the first million a
     * month free (not deducted). NOT read from aws.amazon.com/sqs/pricing/ (2026-12-02): third-party guides only
     * (cloudburn.io, "Amazon SQS Pricing", 2026-03-14; factualminds.com, 2026-06). A queue costs nothing idle.
     */
    sqs: { standardPerMillionRequests: 0.4 },
    /**
     * AWS Step Functions Standard Workflows, us-east-1: $0.025 per 1,000 state transitions (retries count), the
     * first 4,000 a month free (not deducted); aws.amazon.com/step-functions/pricing/ (stored copy read 2026-12-02).
     */
    stepFunctions: { per1kTransitions: 0.025 },
    /**
     * Aurora PostgreSQL (Aurora Standard), us-east-1: Serverless v2 $0.12 per ACU-hour, billed per second
     * (none while an instance is paused at 0 ACU); storage $0.10 per GB-month; I/O $0.20 per million
     * requests; backup storage beyond the free allowance (100 % of the cluster's storage) $0.021 per
     * GB-month. aws.amazon.com/rds/aurora/pricing/ lists them by region behind a selector this machine
     * cannot read: figures as cited by factualminds.com ("Aurora pricing breakdown — us-east-1, June 2026")
     * and the research notes (/work/research/rds-domains.md §2, third-party; the backup rate UNVERIFIED).
     */
    aurora: { acuHour: 0.12, storageGbMonth: 0.1, perMillionIo: 0.2, backupGbMonth: 0.021 },
    /**
     * RDS for PostgreSQL (slipway:database.kind instance), us-east-1 on-demand, read 2026-12-02: Single-AZ instance
     * hours db.t4g.micro $0.016, db.t4g.small $0.032, db.t4g.medium $0.065 (Multi-AZ exactly twice: the standby is
     * billed as a second instance); gp3 storage $0.115 per GB-month (Multi-AZ: provisioned for both, so twice), its
     * 3,000 IOPS and 125 MB/s baseline included; backup storage beyond the free allowance (100 % of the provisioned
     * storage) $0.095 per GB-month. UNVERIFIED against aws.amazon.com/rds/postgresql/pricing/ (not readable here):
     * third-party figures (infratally.com, "AWS RDS pricing explained 2026", us-east-1 table; usage.ai, "RDS
     * pricing calculator", June 2026, for gp3 and backups). That Multi-AZ bills compute and storage for both the
     * primary and the standby is AWS's own (RDS User Guide, "On-Demand DB instances for Amazon RDS"). A class not
     * listed here is left out of the estimate and named as not priced.
     */
    rdsPostgres: {
        singleAzHour: { "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065 } as Record<string, number>,
        gp3GbMonth: 0.115,
        backupGbMonth: 0.095,
    },
    /**
     * Amazon SNS standard topics: $0.50 per million publishes (the first million a month free, not deducted)
     * and $0.60 per million HTTP/S deliveries, the protocol of AWS Chatbot's subscription to a topic. NOT read
     * from aws.amazon.com/sns/pricing/ (2026-12-02): third-party guide only (factualminds.com, "Amazon SNS
     * Pricing: Why a Single Publish Can Bill as Four Charges", 2026-06-13). Email deliveries: first 1,000 free.
     */
    sns: { publishPerMillion: 0.5, httpDeliveryPerMillion: 0.6 },
    /**
     * AWS Chatbot (Amazon Q Developer in chat applications) channel configurations, and CodeStar
     * Notifications rules targeting them: no charge of their own; the SNS deliveries that reach a channel
     * subscribed to a topic are SNS's. Taken from AWS's statements that Chatbot has no additional charge and
     * notification rules are free; the pricing pages were NOT readable here (2026-12-02).
     */
    chatbotChannelMonth: 0,
    /** Route 53 hosted zone, public or private (a Cloud Map DNS namespace creates one): $0.50 per month (aws.amazon.com/route53/pricing/). */
    route53HostedZoneMonth: 0.5,
};
