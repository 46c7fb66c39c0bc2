import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  createDynamoDbLocalClients,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from "../../emulator/dynamodb-local";

const isRunning = (pid: number | undefined) => {
  try {
    process.kill(pid as number, 0);
    return true;
  } catch {
    return false;
  }
};

test("says how to install Java when it is missing", async () => {
  await expect(startDynamoDbLocal({ java: "/nonexistent/bin/java" })).rejects.toThrow(
    "DynamoDB Local needs Java (17 or newer) but `/nonexistent/bin/java` was not found. " +
      "Install it, e.g. `apt-get install -y default-jre-headless`, or set JAVA_HOME.",
  );
});

describe("startDynamoDbLocal", () => {
  let dynamoDb: DynamoDbLocal;

  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await dynamoDb?.stop();
  });

  it("answers on a loopback endpoint with dummy-credential clients", async () => {
    expect(dynamoDb.endpoint).toBe(`http://127.0.0.1:${dynamoDb.port}`);
    const clients = createDynamoDbLocalClients(dynamoDb.endpoint);
    try {
      const { TableNames } = await clients.dynamoDb.send(new ListTablesCommand({}));
      expect(Array.isArray(TableNames)).toBe(true);
    } finally {
      clients.destroy();
    }
  });

  it("names the port when it is already in use", async () => {
    await expect(startDynamoDbLocal({ port: dynamoDb.port })).rejects.toThrow(
      `port ${dynamoDb.port} is already in use`,
    );
  });

  it("reports a crash through `exited` and `onExit`, and stop() leaves no JVM behind", async () => {
    const exits: unknown[] = [];
    const doomed = await startDynamoDbLocal({ onExit: (exit) => exits.push(exit) });
    process.kill(doomed.pid as number, "SIGKILL");
    const exit = await doomed.exited;
    expect(exit).toMatchObject({ requested: false, signal: "SIGKILL" });
    expect(exits).toHaveLength(1);

    const stopped = await startDynamoDbLocal();
    await stopped.stop();
    expect(isRunning(stopped.pid)).toBe(false);
    expect(await stopped.exited).toMatchObject({ requested: true });
  });
});
