// How slipway judges an app healthy, in one place: the load balancer's target checks (ALB and
// Beanstalk's), the container's own check, ECS's grace period, Cloud Map's threshold and the smoke
// test's polling. The lead-time model reads the same values back out of the plan.

/**
 * Tuned for deploys measured in seconds, not minutes (AWS's defaults: 5 × 30 s checks, 300 s draining).
 */
export const HEALTH = {
    /** Load balancer target checks. 5 s is the shortest interval ELB allows; the timeout must be shorter. */
    target: {
        intervalSeconds: 5,
        /** A new target serves after this many passing checks. */
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        timeoutSeconds: 4,
        /** Suits request/response apps whose requests finish within seconds; raise it for long-lived connections. */
        deregistrationDelaySeconds: 10,
    },
    /** The container's own check (slipway:containerHealthCheck): ECS stops routing to a task whose command fails `retries` times. */
    container: { intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 15 },
    /** ECS ignores load balancer checks this long after a task starts (accepted only with a load balancer). */
    gracePeriodSeconds: 30,
    /** Cloud Map (HTTP API ingress): ECS reports task health itself; one failure deregisters the task. */
    cloudMapFailureThreshold: 1,
    /** The smoke test: seconds between attempts (ATTEMPTS of them) and the health request's timeout. */
    smokeTest: { attemptIntervalSeconds: 10, requestTimeoutSeconds: 5 },
} as const;

/** Every HTTPS listener's TLS policy: TLS 1.3 with a TLS 1.2 floor; the provider's default (2016-08) still allows TLS 1.0. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
