/**
 * The one error the core throws. `kind` decides the HTTP status in exactly one place
 * (services/api error mapping); `code` is a stable SCREAMING_SNAKE identifier.
 */
export type DomainErrorKind =
  | "not_found"
  | "conflict"
  | "invalid"
  | "forbidden"
  | "unavailable"
  /** 400: a request that makes no sense in the object's state (Polar's BadRequest). */
  | "bad_request"
  /** 410: the object is past the point where this is possible (Polar's ResourceUnavailable). */
  | "gone";

export class DomainError extends Error {
  readonly code: string;
  readonly kind: DomainErrorKind;
  /** For `invalid`: where the problem is, Polar style (`["body", "filter"]`). */
  readonly loc: ReadonlyArray<string | number> | undefined;
  readonly input: unknown;
  /** For `invalid`: the machine code of the 422 detail entry (`value_error`, `forbidden`, …). */
  readonly type: string | undefined;

  constructor(
    code: string,
    kind: DomainErrorKind,
    message: string,
    details: { loc?: ReadonlyArray<string | number>; input?: unknown; type?: string } = {},
  ) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.kind = kind;
    this.loc = details.loc;
    this.input = details.input;
    this.type = details.type;
  }
}

/** Thrown by adapters when a dependency is down; the API answers 503 and the caller may retry. */
export class UnavailableError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DEPENDENCY_UNAVAILABLE", "unavailable", message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
