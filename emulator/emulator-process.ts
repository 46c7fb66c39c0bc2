/** How an emulator process (DynamoDB Local, the SQS emulator) ended. */
export interface EmulatorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the exit was asked for by stop(). */
  requested: boolean;
  /** Tail of the process's output, for diagnosing crashes. */
  output: string;
}

/** A running emulator process on a loopback port. */
export interface EmulatorProcess {
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** Settles (never rejects) when the process exits, by stop() or by crashing. */
  exited: Promise<EmulatorExit>;
  stop(): Promise<void>;
}

export interface StartEmulatorOptions {
  /** A fixed port; a free one is picked when absent. */
  port?: number;
  startTimeoutMs?: number;
  /** Called once when the process exits after a successful start. */
  onExit?: (exit: EmulatorExit) => void;
}
