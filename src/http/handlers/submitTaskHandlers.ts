import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { hasRole, requireRole, Role } from '../../auth';
import { findRestorableBundle } from '../../bundles/findRestorableBundle';
import { ClientMessage } from '../../clientMessages';
import { AppError, ErrorCode } from '../../errors';
import { submitTask, type SubmitRequest } from '../../pipeline/submitTask';
import { TaskType } from '../../tasks/taskTypes';
import { parseEnumParam } from '../parseParams';
import { readJsonBody, rejectUnknownFields } from '../readJsonBody';
import { taskUrl, type ApiContext, type ApiHandler } from './apiContext';
import { findTaskById } from './findTaskById';

const TASK_TYPES = Object.values(TaskType);

async function accept(request: HttpRequest, api: ApiContext, submit: SubmitRequest): Promise<HttpResponseInit> {
  // Rolling back and forcing an install both override the install's own protections: administrators only.
  if (submit.taskType === 'rollback' || submit.force === true) requireRole(api.principal, Role.Admin);
  if (submit.taskType === 'rollback' && findRestorableBundle(api.services.bundles, api.services.bundlesDir) === null) {
    throw new AppError(ErrorCode.NoPreviousBundle, ClientMessage.noPreviousBundle);
  }
  const task = await submitTask(
    { tasks: api.services.tasks, control: api.control },
    { ...submit, requestedBy: api.principal.subject },
  );
  // The management URLs carry the system key on Azure, so only administrators see them.
  const durable = hasRole(api.principal, Role.Admin) ? { durable: api.control.managementUrls() } : {};
  return {
    status: 202,
    headers: { location: taskUrl(request, task.task_id), 'retry-after': '2' },
    jsonBody: { ...task, ...durable },
  };
}

/** POST /api/market-data/tasks  body {"task_type": "download" | "analyze" | "rollback", "force"?: boolean} */
export const submitTaskHandler: ApiHandler = async (request, api) => {
  const body = await readJsonBody(request);
  rejectUnknownFields(body, ['task_type', 'force']);
  const taskType = parseEnumParam(body.task_type, 'task_type', TASK_TYPES, { required: true });
  if (body.force !== undefined && typeof body.force !== 'boolean') {
    throw new AppError(ErrorCode.InvalidRequest, 'force must be true or false');
  }
  const force = body.force === true;
  if (force && taskType !== 'download') {
    throw new AppError(ErrorCode.InvalidRequest, 'force applies only to download tasks');
  }
  return accept(request, api, { taskType, source: 'manual', force });
};

/** POST /api/market-data/tasks/{task_id}/retry: a new task of the same type that records what it retries. */
export const retryTaskHandler: ApiHandler = async (request, api) => {
  const original = findTaskById(api.services.tasks, request.params.task_id);
  if (original === null) throw new AppError(ErrorCode.TaskNotFound, ClientMessage.taskNotFound);
  if (original.status !== 'failed') {
    throw new AppError(ErrorCode.NotRetryable, ClientMessage.notRetryable, { details: { status: original.status } });
  }
  // A retry never inherits `force`: forcing stays an administrator's explicit request.
  return accept(request, api, { taskType: original.task_type, source: 'retry', retryOf: original.task_id });
};
