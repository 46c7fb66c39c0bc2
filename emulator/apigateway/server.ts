import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleRestApiRequest, type RestApiDependencies } from "./handle-request";
import type { RestApiDefinition } from "./types";

/** A Node HTTP server serving one REST API stage at /<stageName>/... */
export function createRestApiServer(api: RestApiDefinition, deps: RestApiDependencies): Server {
  return createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const request = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: headersAsSent(req),
          body,
          sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ""),
        };
        const result = await handleRestApiRequest(api, deps, request);
        res.writeHead(result.statusCode, result.headers);
        res.end(result.body);
        deps.onExchange?.(request, result);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Internal server error", detail: String(error) }));
      });
  });
}

export interface RunningRestApi {
  /** Base URL including the stage, e.g. http://127.0.0.1:3000/prod */
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export async function startRestApiServer(
  api: RestApiDefinition,
  deps: RestApiDependencies,
  options: { port?: number; host?: string } = {},
): Promise<RunningRestApi> {
  const server = createRestApiServer(api, deps);
  // Node's 5 s idle timeout races fetch's 4 s reuse timer on a loaded machine: a POST sent on a socket
  // the server has just closed fails with ECONNRESET. Idle sockets live longer than any client keeps them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/${api.stageName}`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Header names with their original case (API Gateway passes them on as sent). */
function headersAsSent(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index];
    const value = req.rawHeaders[index + 1];
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}
