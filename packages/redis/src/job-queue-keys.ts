/**
 * Where a BullMqJobQueue keeps things in Redis. BullMQ's own keys are
 * `<prefix>:<queueName>.<jobName>:…` (one BullMQ queue per job name, because a BullMQ worker takes
 * every job of its queue and cannot filter by name); ours are `<prefix>:<queueName>:…`, which no
 * BullMQ key can equal since BullMQ queue names here always contain the `.` after `queueName`.
 */
export class JobQueueKeys {
  readonly base: string;

  constructor(
    readonly prefix: string,
    readonly queueName: string,
  ) {
    for (const [what, value] of [
      ["prefix", prefix],
      ["queueName", queueName],
    ] as const) {
      if (value === "" || value.includes(":")) throw new RangeError(`${what} must be non-empty without ":"`);
    }
    this.base = `${prefix}:${queueName}`;
  }

  /** The BullMQ queue that holds the jobs named `jobName` (BullMQ forbids ":" in queue names). */
  bullQueue(jobName: string): string {
    return `${this.queueName}.${encodeURIComponent(jobName)}`;
  }

  /**
   * The BullMQ job id of an enqueued job. BullMQ rejects ids with ":" and integer ids, so the
   * port's id is percent-encoded (which also encodes "|") behind a letter.
   */
  jobId(id: string): string {
    return `j${encodeURIComponent(id)}`;
  }

  /** One occurrence of a repeatable job: generation and sequence make it unique and deterministic. */
  occurrenceId(repeatId: string, generation: number, sequence: number): string {
    return `r${encodeURIComponent(repeatId)}|${generation}|${sequence}`;
  }

  /** Claim of an id (`IdClaim`), with a TTL: what makes a deterministic id run at most once. */
  idClaim(id: string): string {
    return `${this.base}:id:${id}`;
  }

  /** Every job name ever enqueued, so a worker for all names can find their BullMQ queues. */
  names(): string {
    return `${this.base}:names`;
  }

  /** Sorted set of a name's delayed jobs by due time on the injected clock (`DueIndex`). */
  due(jobName: string): string {
    return `${this.base}:due:${jobName}`;
  }

  /** Hash describing a repeatable job's schedule (`RepeatSchedules`). */
  schedule(repeatId: string): string {
    return `${this.base}:repeat:${repeatId}`;
  }
}
