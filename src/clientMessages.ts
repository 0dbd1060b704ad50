/**
 * The fixed texts clients read: the `error` of API responses, and a hint that task errors repeat. The Chinese ones
 * are the wording the product specifies, which clients and acceptance tests compare word for word. Texts that carry
 * values (a status, a limit) stay where they are built. The dashboard (web/) is a separate program with its own
 * translations: it keeps its own copy of what it displays.
 */
export const ClientMessage = {
  /** TASK_RUNNING: another task is pending or running (the one-task mutex). */
  taskRunning: '已有任务正在运行，请等待完成后再试',
  /** TASK_NOT_FOUND: always this text, whichever layer noticed. */
  taskNotFound: '任务不存在',
  /** NOT_RETRYABLE: only a failed task can be retried. */
  notRetryable: '只能重试失败的任务',
  /** UNAUTHORIZED: the same for every reason, which goes to the logs only. */
  unauthorized: 'invalid or missing bearer token',
  authNotConfigured: 'authentication is not configured: set AUTH_JWT_SECRET or AUTH_JWKS_URL',
  noBundle: 'No bundle is installed and analysed yet: run a download task first.',
  noPreviousBundle:
    'There is no previous bundle generation to roll back to: a rollback needs an earlier install kept in bundles/previous.',
  /** NO_DIFF: no bundle diff is recorded yet. */
  noDiff: 'No bundle diff is recorded yet: a diff is made when a download or rollback installs a bundle.',
  /** A first install's diff (API `message`, the diff stage's summary): there was nothing to compare with. */
  firstInstall: 'This is the first bundle installed: there is no previous generation to compare it with.',
  /** Ends the errors of an install refused for the worse (a shrink, a rolled-back release). */
  forceHint: 'an admin can install it anyway with {"task_type": "download", "force": true}',
  /** UNSUPPORTED_MEDIA_TYPE: a body sent as form data, text or anything else that is not JSON. */
  notJson: 'the request body must be JSON: send it with Content-Type: application/json',
  /** Every unexpected 5xx: the real error goes to the logs. */
  internal: 'internal error',
  /** The health check when the database or the configuration cannot be used. */
  unavailable: 'database or configuration unusable',
} as const;
