import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { hasRole, Role } from '../../auth';
import { AppError, ErrorCode } from '../../errors';
import { submitTask, type SubmitRequest } from '../../pipeline/submitTask';
import { TaskType } from '../../tasks/taskTypes';
import { parseEnumParam } from '../parseParams';
import { readJsonBody, rejectUnknownFields } from '../readJsonBody';
import { TASK_NOT_FOUND_MESSAGE } from '../toErrorResponse';
import { taskUrl, type ApiContext, type ApiHandler } from './apiContext';
import { findTaskById } from './findTaskById';

const TASK_TYPES = Object.values(TaskType);

async function accept(request: HttpRequest, api: ApiContext, submit: SubmitRequest): Promise<HttpResponseInit> {
  const task = await submitTask({ tasks: api.services.tasks, control: api.control }, submit);
  // The management URLs carry the system key on Azure, so only administrators see them.
  const durable = hasRole(api.principal, Role.Admin) ? { durable: api.control.managementUrls() } : {};
  return {
    status: 202,
    headers: { location: taskUrl(request, task.task_id), 'retry-after': '2' },
    jsonBody: { ...task, ...durable },
  };
}

/** POST /api/market-data/tasks  body {"task_type": "download" | "analyze"} */
export const submitTaskHandler: ApiHandler = async (request, api) => {
  const body = await readJsonBody(request);
  rejectUnknownFields(body, ['task_type']);
  const taskType = parseEnumParam(body.task_type, 'task_type', TASK_TYPES, { required: true });
  return accept(request, api, { taskType, source: 'manual' });
};

/** POST /api/market-data/tasks/{task_id}/retry: a new task of the same type that records what it retries. */
export const retryTaskHandler: ApiHandler = async (request, api) => {
  const original = findTaskById(api.services.tasks, request.params.task_id);
  if (original === null) throw new AppError(ErrorCode.TaskNotFound, TASK_NOT_FOUND_MESSAGE);
  if (original.status !== 'failed') {
    throw new AppError(ErrorCode.NotRetryable, '只能重试失败的任务', { details: { status: original.status } });
  }
  return accept(request, api, { taskType: original.task_type, source: 'retry', retryOf: original.task_id });
};
