export { authenticate } from './authenticate';
export { isUuid, parseEnumParam, parseIntegerParam, parseStringParam, parseUuid } from './parseParams';
export type { IntegerParamOptions } from './parseParams';
export { DEFAULT_MAX_BODY_BYTES, readJsonBody, rejectUnknownFields } from './readJsonBody';
export { STATUS_BY_CODE, describeError, toErrorResponse } from './toErrorResponse';
export type { ErrorLogger } from './toErrorResponse';
export { withErrorHandling } from './withErrorHandling';
export type { HttpHandler } from './withErrorHandling';
