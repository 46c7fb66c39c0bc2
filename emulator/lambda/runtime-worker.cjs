// Runs inside a worker_threads Worker: one Lambda execution environment for one function.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");

const { functionName, functionArn, bundleFile, handler, memorySizeMb } = workerData;

function describeError(error, fallbackType) {
  if (error instanceof Error) {
    const stackTrace = (error.stack || "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim());
    return { errorType: error.name || fallbackType, errorMessage: error.message, stackTrace };
  }
  return { errorType: fallbackType, errorMessage: typeof error === "string" ? error : JSON.stringify(error) };
}

function loadHandler() {
  let module;
  try {
    module = require(bundleFile);
  } catch (error) {
    const errorType =
      error instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError";
    return { failure: { ...describeError(error, errorType), errorType } };
  }
  const exportName = handler.slice(handler.lastIndexOf(".") + 1);
  const handlerFunction = module[exportName];
  if (typeof handlerFunction !== "function") {
    return {
      failure: {
        errorType: "Runtime.HandlerNotFound",
        errorMessage: `${handler} is undefined or not exported`,
      },
    };
  }
  return { handlerFunction };
}

function createContext(requestId, deadlineMs) {
  return {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memorySizeMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

const loaded = loadHandler();
if (loaded.failure) {
  parentPort.postMessage({ type: "init-error", ...loaded.failure });
} else {
  parentPort.on("message", async ({ requestId, event, deadlineMs }) => {
    try {
      const result = await loaded.handlerFunction(event, createContext(requestId, deadlineMs));
      // Lambda returns the JSON serialization of the result; undefined becomes null.
      const payload = result === undefined ? null : JSON.parse(JSON.stringify(result));
      parentPort.postMessage({ type: "result", requestId, ok: true, payload });
    } catch (error) {
      parentPort.postMessage({ type: "result", requestId, ok: false, ...describeError(error, "Error") });
    }
  });
  parentPort.postMessage({ type: "ready" });
}
