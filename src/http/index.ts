export { authenticate } from './authenticate';
export { isUuid, parseEnumParam, parseIntegerParam, parseStringParam, parseUuid } from './parseParams';
export type { IntegerParamOptions } from './parseParams';
export { DEFAULT_MAX_BODY_BYTES, readJsonBody, rejectUnknownFields } from './readJsonBody';
export {
  INTERNAL_ERROR_MESSAGE,
  STATUS_BY_CODE,
  TASK_NOT_FOUND_MESSAGE,
  describeError,
  toErrorResponse,
} from './toErrorResponse';
export type { ErrorLogger } from './toErrorResponse';
export { withErrorHandling } from './withErrorHandling';
export type { HttpHandler } from './withErrorHandling';
