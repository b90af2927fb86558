// ReleaseAlarms, DomainCertificate and DomainRecord built from their Args: the environment's release
// alarms (which ECS rolls back on, and which tell the pipeline's topic) and its managed domain. On the real
// path the alarm names must sit under the deploy role's prefix and notify on ALARM and OK; the certificate
// must validate by DNS in the given zone without ever overwriting someone else's record, and the app's
// record must be an alias (apex-safe) or a CNAME with the documented TTLs.
import * as assert from "node:assert/strict";
import { ALARM_PERIOD_SECONDS, AlarmSpec, errorRateQueries, ReleaseAlarms } from "../../infra/environment/release-alarms";
import { DomainCertificate, DomainCertificateArgs, DomainRecord, DomainTarget } from "../../infra/environment/domain";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, ofType, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

// --- ReleaseAlarms -----------------------------------------------------------------------------------------

const ALARMS = "slipway:environment:ReleaseAlarms";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:notifications";
const LB = { LoadBalancer: "app/shop/abc" };
const SPECS: AlarmSpec[] = [
    {
        id: "5xx-rate",
        description: "5xx responses over 5% of requests",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
        queries: errorRateQueries([{ namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: LB }], { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: LB }),
    },
    {
        id: "latency",
        description: "p95 latency over 2 s",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 2,
        metric: { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: LB, extendedStatistic: "p95" },
    },
    {
        id: "running",
        description: "fewer running tasks than the minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: { ClusterName: "shop-staging", ServiceName: "shop-staging" }, statistic: "Minimum" },
        treatMissingData: "breaching",
    },
];
const alarms = (specs: AlarmSpec[] = SPECS, name = "release-alarms", minutes = 3) =>
    build(() => {
        const a = new ReleaseAlarms(name, { namePrefix: "slipway-shop-staging-", specs, topicArn: TOPIC, minutes });
        return { alarmNames: a.alarmNames };
    });

test("a ReleaseAlarms owns one alarm per spec, each named after it and its spec's id", async () => {
    const [a, b] = [await alarms(SPECS, "release-alarms"), await alarms(SPECS, "other")];
    assertOwnsItsChildren(a, ALARMS, "release-alarms");
    assertDisjoint(a, b);
    assert.deepEqual(ofType(a, ALARM).map((r) => r.name).sort(), ["release-alarms-5xx-rate", "release-alarms-latency", "release-alarms-running"]);
});

test("each alarm is named under the prefix, notifies the topic on ALARM and on OK, and fires after `minutes` one-minute breaches", async () => {
    const p = await alarms(SPECS, "release-alarms", 4);
    for (const a of ofType(p, ALARM)) {
        assert.match(String(a.inputs.name), /^slipway-shop-staging-/);
        assert.deepEqual(a.inputs.alarmActions, [TOPIC], a.name);
        assert.deepEqual(a.inputs.okActions, [TOPIC], a.name);
        assert.deepEqual([a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm], [4, 4], a.name);
        assert.equal(a.protect, false);
    }
    assert.deepEqual(p.outputs.alarmNames, ["slipway-shop-staging-5xx-rate", "slipway-shop-staging-latency", "slipway-shop-staging-running"]);
});

test("missing data is not breaching unless the spec says otherwise", async () => {
    const p = await alarms();
    assert.deepEqual(
        ["5xx-rate", "latency", "running"].map((id) => res(p, ALARM, `release-alarms-${id}`).inputs.treatMissingData),
        ["notBreaching", "notBreaching", "breaching"],
    );
});

test("a single-metric spec reaches the alarm as its metric over one-minute periods; a metric-math spec as its queries", async () => {
    const p = await alarms();
    const latency = res(p, ALARM, "release-alarms-latency").inputs;
    assert.deepEqual(
        [latency.namespace, latency.metricName, latency.dimensions, latency.period, latency.extendedStatistic, latency.statistic, latency.comparisonOperator, latency.threshold],
        ["AWS/ApplicationELB", "TargetResponseTime", LB, ALARM_PERIOD_SECONDS, "p95", undefined, "GreaterThanOrEqualToThreshold", 2],
    );
    assert.equal(latency.metricQueries, undefined);
    const rate = res(p, ALARM, "release-alarms-5xx-rate").inputs;
    assert.equal(rate.metricName, undefined);
    const queries = rate.metricQueries as { id: string; returnData: boolean; expression?: string }[];
    assert.deepEqual(queries.map((q) => [q.id, q.returnData]), [["e1", false], ["requests", false], ["rate", true]]);
    assert.equal(queries[2].expression, "100 * (FILL(e1, 0)) / requests");
    assert.equal(res(p, ALARM, "release-alarms-running").inputs.statistic, "Minimum");
});

test("a ReleaseAlarms registers its alarm names", async () => {
    const p = await alarms();
    assert.deepEqual(registeredOutputs(p, res(p, ALARMS, "release-alarms")), { alarmNames: p.outputs.alarmNames });
});

// --- DomainCertificate -------------------------------------------------------------------------------------

const CERT_COMPONENT = "slipway:environment:DomainCertificate";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const RECORD = "aws:route53/record:Record";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const ZONE = "Z0123456789ABCDEFGHIJ";
const certificate = (over: Partial<DomainCertificateArgs> = {}, name = "certificate") =>
    build(() => {
        const c = new DomainCertificate(name, { zoneId: ZONE, domainName: "shop.example.com", ...over });
        return { certificateArn: c.certificateArn, arn: c.certificate.arn, fqdn: c.validationRecord.fqdn };
    });

test("a DomainCertificate owns its certificate, validation record and validation, all named after it", async () => {
    const [a, b] = [await certificate({}, "certificate"), await certificate({}, "other")];
    assertOwnsItsChildren(a, CERT_COMPONENT, "certificate");
    assertDisjoint(a, b);
});

test("the certificate covers the one name, validated by DNS with ACM's default RSA 2048 key, replaced create-before-delete", async () => {
    const cert = res(await certificate(), CERTIFICATE, "certificate-certificate");
    assert.deepEqual([cert.inputs.domainName, cert.inputs.validationMethod, cert.inputs.keyAlgorithm], ["shop.example.com", "DNS", "RSA_2048"]);
    assert.equal(cert.inputs.subjectAlternativeNames, undefined);
    assert.equal(cert.deleteBeforeReplace, false);
});

test("the validation record is ACM's CNAME in the given zone, 300 s by default, never overwriting an existing record", async () => {
    const p = await certificate();
    const record = res(p, RECORD, "certificate-validation").inputs;
    assert.equal(record.zoneId, ZONE);
    assert.equal(record.type, "CNAME");
    assert.match(String(record.name), /^_[0-9a-f]{32}\.shop\.example\.com\.$/);
    assert.equal((record.records as string[]).length, 1);
    assert.match((record.records as string[])[0], /\.acm-validations\.aws\.$/);
    assert.equal(record.ttl, 300);
    assert.equal(record.allowOverwrite, false);
    assert.equal(res(await certificate({ validationTtl: 60 }), RECORD, "certificate-validation").inputs.ttl, 60);
});

test("the validation waits for that record, and certificateArn is the validated certificate's", async () => {
    const p = await certificate();
    const validation = res(p, VALIDATION, "certificate-validated").inputs;
    assert.equal(validation.certificateArn, p.outputs.arn);
    assert.deepEqual(validation.validationRecordFqdns, [p.outputs.fqdn]);
    assert.equal(p.outputs.certificateArn, p.outputs.arn);
    assert.deepEqual(registeredOutputs(p, res(p, CERT_COMPONENT, "certificate")), { certificateArn: p.outputs.certificateArn, domainName: "shop.example.com" });
});

// --- DomainRecord ------------------------------------------------------------------------------------------

const RECORD_COMPONENT = "slipway:environment:DomainRecord";
const record = (target: DomainTarget, ttl?: number, name = "dns") =>
    build(() => {
        const r = new DomainRecord(name, { zoneId: ZONE, domainName: "shop.example.com", target, ttl });
        return { fqdn: r.record.fqdn };
    });
const ALIAS: DomainTarget = { kind: "alias", dnsName: "web-alb-1234567890.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" };

test("a DomainRecord owns its one record, named after it", async () => {
    const [a, b] = [await record(ALIAS, undefined, "dns"), await record(ALIAS, undefined, "other")];
    assertOwnsItsChildren(a, RECORD_COMPONENT, "dns");
    assertDisjoint(a, b);
});

test("an alias target gives an A alias to the endpoint, without a TTL, health evaluation or overwrite", async () => {
    const r = res(await record(ALIAS), RECORD, "dns-record").inputs;
    assert.deepEqual([r.zoneId, r.name, r.type, r.ttl, r.records, r.allowOverwrite], [ZONE, "shop.example.com", "A", undefined, undefined, false]);
    assert.deepEqual(r.aliases, [{ name: ALIAS.kind === "alias" ? ALIAS.dnsName : "", zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: false }]);
});

test("a CNAME target gives a CNAME, 60 s by default or the given TTL, never overwriting", async () => {
    const target: DomainTarget = { kind: "cname", value: "shop-staging.eu-west-1.elasticbeanstalk.com" };
    const r = res(await record(target), RECORD, "dns-record").inputs;
    assert.deepEqual([r.type, r.records, r.ttl, r.aliases, r.allowOverwrite], ["CNAME", ["shop-staging.eu-west-1.elasticbeanstalk.com"], 60, undefined, false]);
    assert.equal(res(await record(target, 300), RECORD, "dns-record").inputs.ttl, 300);
});

test("a DomainRecord registers its FQDN", async () => {
    const p = await record(ALIAS);
    assert.deepEqual(registeredOutputs(p, res(p, RECORD_COMPONENT, "dns")), { fqdn: "shop.example.com" });
    assert.equal(p.outputs.fqdn, "shop.example.com");
});
