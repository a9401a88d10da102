// Typed errors. Each names what was wrong and where (file, row, field), so a user can fix the input.

export class TradegymError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad market data: a malformed file, a bad row, an impossible value. */
export class DataError extends TradegymError {
  constructor(
    message: string,
    readonly where: { file?: string; row?: number; column?: string } = {},
    options?: { cause?: unknown },
  ) {
    const at = [where.file, where.row !== undefined ? `row ${where.row}` : undefined, where.column]
      .filter((x) => x !== undefined)
      .join(', ');
    super(at ? `${at}: ${message}` : message, options);
  }
}

/** A wrong flag or config field; `field` names it. */
export class ConfigError extends TradegymError {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** The exchange refused or failed a request after retries (or for a reason retries cannot fix). */
export class ExchangeError extends TradegymError {}

/** The command line itself is wrong (a missing argument, flags that exclude each other): exit code 1. */
export class UsageError extends TradegymError {}
