// A loopback stand-in for AWS Secrets Manager's GetSecretValue, for the tests.
//
// Every request must carry a SigV4 signature that the official signer (@smithy/signature-v4)
// reproduces from the request as received, with the test credentials, this server's region,
// service "secretsmanager" and the request's own x-amz-date. Answers and errors have the
// real JSON 1.1 protocol's shape.
//
//   node secrets-manager.mjs --region eu-west-1 --access-key-id AKID \
//       --secret-access-key SECRET [--session-token TOKEN]
//
// Listens on 127.0.0.1 on a port the kernel picks and prints the port as its first line.
// Control (no signature needed):
//   PUT  /control/secret     {"id": name, "string": text | "binary": base64, "deny": bool}
//                            stores a new version; answers {"ARN", "Name", "VersionId"}
//   POST /control/fail-next  {"count": n, "type": "ThrottlingException", "status": 400,
//                             "message": "..."}: the next n signed requests get that error
//   GET  /control/stats      {"requests": n, "served": n, "errors": {type: n}}
import { createServer } from "node:http";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

const SERVICE = "secretsmanager";
const ACCOUNT = "123456789012";
const CORAL = "com.amazon.coral.service";
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

function parseArguments(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!name?.startsWith("--") || value === undefined) {
      throw new Error(`expected --name value pairs, got ${name}`);
    }
    options[name.slice(2)] = value;
  }
  for (const required of ["region", "access-key-id", "secret-access-key"]) {
    if (!options[required]) throw new Error(`--${required} is required`);
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
const credentials = {
  accessKeyId: options["access-key-id"],
  secretAccessKey: options["secret-access-key"],
  ...(options["session-token"] ? { sessionToken: options["session-token"] } : {}),
};
const signer = new SignatureV4({
  credentials,
  region: options.region,
  service: SERVICE,
  sha256: Hash.bind(null, "sha256"),
  // Only what the client signed is signed again; it sends no x-amz-content-sha256.
  applyChecksum: false,
});

const secrets = new Map(); // name -> { arn, name, versionId, string | binary, deny, created }
const failures = []; // the errors the next signed requests get, in order
const stats = { requests: 0, served: 0, errors: {} };

class ServiceError extends Error {
  constructor(type, message, { status = 400, coral = false } = {}) {
    super(message);
    this.type = type;
    this.status = status;
    this.coral = coral; // raised by the front end: namespaced __type and x-amzn-ErrorType
  }
}

function send(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  response.end(text);
}

function sendError(response, error) {
  stats.errors[error.type] = (stats.errors[error.type] ?? 0) + 1;
  const type = error.coral ? `${CORAL}#${error.type}` : error.type;
  const headers = error.coral
    ? { "x-amzn-errortype": `${error.type}:http://internal.amazon.com/coral/${CORAL}/` }
    : {};
  send(response, error.status, { __type: type, message: error.message }, headers);
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function incomplete(message) {
  return new ServiceError("IncompleteSignatureException", message, { coral: true });
}
function invalidSignature(message) {
  return new ServiceError("InvalidSignatureException", message, { coral: true });
}

// "AWS4-HMAC-SHA256 Credential=AKID/20240517/eu-west-1/secretsmanager/aws4_request,
//  SignedHeaders=content-type;host;x-amz-date, Signature=hex"
function parseAuthorization(header) {
  if (!header) {
    throw new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", {
      coral: true,
    });
  }
  const match = /^AWS4-HMAC-SHA256 (.*)$/.exec(header);
  if (!match) throw incomplete("Authorization header requires AWS4-HMAC-SHA256.");
  const fields = {};
  for (const part of match[1].split(",")) {
    const equals = part.indexOf("=");
    if (equals < 0) throw incomplete("Authorization header is malformed.");
    fields[part.slice(0, equals).trim()] = part.slice(equals + 1).trim();
  }
  if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) {
    throw incomplete("Authorization header requires Credential, SignedHeaders and Signature.");
  }
  const scope = fields.Credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") {
    throw incomplete("Credential must have the form key/date/region/service/aws4_request.");
  }
  const [accessKeyId, date, region, service] = scope;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: fields.SignedHeaders.split(";"),
    signature: fields.Signature,
  };
}

// "20240517T000000Z" as a Date, or null.
function parseAmzDate(text) {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? "");
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

async function verifySignature(request, body) {
  const authorization = parseAuthorization(request.headers.authorization);
  if (authorization.accessKeyId !== credentials.accessKeyId) {
    throw new ServiceError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      { coral: true },
    );
  }
  const token = request.headers["x-amz-security-token"];
  if ((credentials.sessionToken ?? undefined) !== token) {
    throw new ServiceError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      { coral: true },
    );
  }
  const amzDate = request.headers["x-amz-date"];
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw incomplete("x-amz-date is missing or malformed.");
  if (authorization.date !== amzDate.slice(0, 8)) {
    throw invalidSignature(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
    );
  }
  if (authorization.region !== options.region) {
    throw invalidSignature(
      `Credential should be scoped to a valid region, not '${authorization.region}'.`,
    );
  }
  if (authorization.service !== SERVICE) {
    throw invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'.`);
  }
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw invalidSignature("Signature expired: the request time is too far from the server's.");
  }
  const required = ["host", "x-amz-date", "x-amz-target", ...(token ? ["x-amz-security-token"] : [])];
  for (const name of required) {
    if (!authorization.signedHeaders.includes(name)) {
      throw incomplete(`'${name}' must be a signed header.`);
    }
  }

  // Sign again, with exactly the headers the client says it signed, as received.
  const headers = {};
  for (const name of authorization.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw incomplete(`Signed header '${name}' is missing.`);
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(request.url, "http://placeholder");
  const query = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: (request.headers.host ?? "").replace(/:\d+$/, ""),
      path: url.pathname,
      query,
      headers,
      body,
    },
    { signingDate },
  );
  const expectedSignature = /Signature=([0-9a-f]+)/.exec(expected.headers.authorization)[1];
  const given = Buffer.from(authorization.signature);
  const wanted = Buffer.from(expectedSignature);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw invalidSignature(
      "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. " +
        "Consult the service documentation for details.",
    );
  }
}

function findSecret(secretId) {
  if (secrets.has(secretId)) return secrets.get(secretId);
  for (const secret of secrets.values()) {
    if (secret.arn === secretId) return secret;
  }
  return null;
}

async function getSecretValue(request, response) {
  stats.requests += 1;
  const body = await readBody(request);
  try {
    if (request.method !== "POST" || request.headers["x-amz-target"] === undefined) {
      throw new ServiceError("UnknownOperationException", "Operation is not supported.");
    }
    await verifySignature(request, body);
    if (request.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
      throw new ServiceError("UnknownOperationException", "Operation is not supported.");
    }
    if (request.headers["content-type"] !== "application/x-amz-json-1.1") {
      throw new ServiceError("SerializationException", "Expected application/x-amz-json-1.1.");
    }
    const failure = failures.shift();
    if (failure) throw new ServiceError(failure.type, failure.message, { status: failure.status });

    let input;
    try {
      input = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ServiceError("SerializationException", "The request body is not JSON.");
    }
    if (typeof input?.SecretId !== "string" || input.SecretId.length === 0) {
      throw new ServiceError("InvalidParameterException", "SecretId is required.");
    }
    const secret = findSecret(input.SecretId);
    if (!secret) {
      throw new ServiceError(
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
      );
    }
    if (secret.deny) {
      throw new ServiceError(
        "AccessDeniedException",
        `User: arn:aws:iam::${ACCOUNT}:user/gateway-test is not authorized to perform: ` +
          `secretsmanager:GetSecretValue on resource: ${input.SecretId} because no ` +
          "identity-based policy allows the secretsmanager:GetSecretValue action",
      );
    }
    stats.served += 1;
    send(response, 200, {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      ...(secret.binary !== undefined
        ? { SecretBinary: secret.binary }
        : { SecretString: secret.string }),
      VersionStages: ["AWSCURRENT"],
      CreatedDate: secret.created,
    });
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    sendError(response, error);
  }
}

async function control(request, response, path) {
  const body = await readBody(request);
  const input = body.length ? JSON.parse(body.toString("utf8")) : {};
  if (request.method === "PUT" && path === "/control/secret") {
    if (typeof input.id !== "string" || !input.id) {
      return send(response, 400, { error: "id is required" });
    }
    const previous = secrets.get(input.id);
    const suffix = previous ? previous.arn.slice(-6) : randomUUID().slice(0, 6);
    const secret = {
      name: input.id,
      arn: `arn:aws:secretsmanager:${options.region}:${ACCOUNT}:secret:${input.id}-${suffix}`,
      versionId: randomUUID(),
      created: Date.now() / 1000,
      deny: Boolean(input.deny),
      ...(input.binary !== undefined ? { binary: input.binary } : { string: input.string ?? "" }),
    };
    secrets.set(input.id, secret);
    return send(response, 200, { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId });
  }
  if (request.method === "POST" && path === "/control/fail-next") {
    const count = Number(input.count ?? 1);
    for (let i = 0; i < count; ++i) {
      failures.push({
        type: input.type ?? "ThrottlingException",
        status: Number(input.status ?? 400),
        message: input.message ?? "Rate exceeded",
      });
    }
    return send(response, 200, { queued: failures.length });
  }
  if (request.method === "GET" && path === "/control/stats") {
    return send(response, 200, stats);
  }
  return send(response, 404, { error: `no control ${request.method} ${path}` });
}

const server = createServer((request, response) => {
  const path = new URL(request.url, "http://placeholder").pathname;
  const handler = path.startsWith("/control/")
    ? control(request, response, path)
    : getSecretValue(request, response);
  handler.catch((error) => {
    process.stderr.write(`secrets-manager stand-in: ${error.stack ?? error}\n`);
    if (!response.headersSent) send(response, 500, { __type: "InternalServiceError", message: "" });
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
