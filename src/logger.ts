/** The narrow logging surface domain code depends on; functions adapt `InvocationContext` to it. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
