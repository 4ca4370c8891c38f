/**
 * Typed errors. Vendor error codes are mapped to these once, at the FFI
 * boundary; everything above it reasons in these types only. The CLI maps
 * them to exit codes (DESIGN.md §5).
 */

/** Base class: every error flopmeter raises on purpose. */
export class FlopmeterError extends Error {
  override readonly name: string = 'FlopmeterError';
}

/** Bad input from the user: unknown names, impossible sizes, unwritable paths. Exit 2. */
export class UsageError extends FlopmeterError {
  override readonly name = 'UsageError';
}

/** A backend, library, device or sensor that cannot be used here, with why. */
export class UnavailableError extends FlopmeterError {
  override readonly name = 'UnavailableError';
}

/** A size that does not fit the device or host; raised before allocating. */
export class CapacityError extends UsageError {
  constructor(
    message: string,
    /** Bytes the request needs. */
    readonly requiredBytes: number,
    /** The limit it ran into, in bytes. */
    readonly limitBytes: number,
    /** Name of the limit, e.g. "host available memory". */
    readonly limitName: string,
  ) {
    super(message);
  }
}

/** The run was interrupted (SIGINT or an AbortSignal). */
export class AbortedError extends FlopmeterError {
  override readonly name = 'AbortedError';
}

/** A device stopped answering or was lost mid-run. */
export class DeviceLostError extends FlopmeterError {
  override readonly name = 'DeviceLostError';
}

/** A vendor library returned an error; code and the vendor's own message kept. */
export class VendorError extends FlopmeterError {
  override readonly name = 'VendorError';
  constructor(
    readonly library: string,
    readonly call: string,
    readonly code: number,
    readonly vendorName: string,
    readonly vendorMessage: string,
  ) {
    super(`${library}: ${call} failed: ${vendorName} (${code}): ${vendorMessage}`);
  }
}

/** A one-line message for any thrown value, for reports and the CLI. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
