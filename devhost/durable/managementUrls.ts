// URLs of the durable webhook API as the real extension publishes them: in the durableClient binding and in the
// start API's answer.

export const webhookPath = '/runtime/webhooks/durabletask';

const connectionName = 'Storage';

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

/** `idSegment` is either a URL-encoded instance id or the SDK's placeholder `INSTANCEID`. */
export function buildManagementUrls(origin: string, hub: string, idSegment: string, id: string): ManagementUrls {
  const base = `${origin}${webhookPath}/instances/${idSegment}`;
  const query = `taskHub=${encodeURIComponent(hub)}&connection=${connectionName}`;
  return {
    id,
    statusQueryGetUri: `${base}?${query}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${base}/terminate?reason={text}&${query}`,
    rewindPostUri: `${base}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${base}?${query}`,
    restartPostUri: `${base}/restart?${query}`,
    suspendPostUri: `${base}/suspend?reason={text}&${query}`,
    resumePostUri: `${base}/resume?reason={text}&${query}`,
  };
}

/** The payload the start API returns (the server-built one has no rewindPostUri). */
export function buildCheckStatusPayload(origin: string, hub: string, instanceId: string): Record<string, string> {
  const { rewindPostUri: _rewind, ...urls } = buildManagementUrls(
    origin,
    hub,
    encodeURIComponent(instanceId),
    instanceId,
  );
  return { ...urls };
}

/**
 * The OrchestrationClientInputData for a durableClient binding. rpcBaseUrl uses 127.0.0.1 instead of
 * "localhost" so the SDK's HTTP calls never try ::1 first; it must end with "/", or the SDK's
 * `new URL('instances/x', base)` drops its last path segment.
 */
export function buildClientInputData(baseUrl: string, hub: string): Record<string, unknown> {
  const origin = baseUrl.replace(/\/+$/, '');
  const base = `${origin}${webhookPath}`;
  const rpcOrigin = origin.replace(/^(https?:\/\/)localhost(?=[:/]|$)/i, '$1127.0.0.1');
  return {
    taskHubName: hub,
    connectionName: null,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&`,
    },
    managementUrls: buildManagementUrls(origin, hub, 'INSTANCEID', 'INSTANCEID'),
    baseUrl: base,
    requiredQueryStringParameters: '',
    rpcBaseUrl: `${rpcOrigin}${webhookPath}/`,
    httpBaseUrl: null,
  };
}
