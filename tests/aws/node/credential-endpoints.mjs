// Loopback stand-ins for the endpoints the AWS credential chain calls: the EC2 instance
// metadata service (IMDSv2), a container credentials endpoint (ECS/EKS agent) and STS
// AssumeRoleWithWebIdentity. Listens on 127.0.0.1, port chosen by the kernel, and prints
// the port as its first line of output.
//
// Each stand-in checks what the real one checks and says what it saw:
//   POST /__control  {"imds": {...}, "container": {...}, "sts": {...}} merges settings;
//                    {"clockOffsetMs": n} moves this process's clock along with the test's
//                    (expirations, token lifetimes); {"revokeImdsTokens": true} forgets
//                    every IMDS session token, as a restarted IMDS would
//   POST /__reset    back to the defaults, counters and tokens cleared
//   GET  /__stats    request counts and the last values received
// Credentials are numbered per issue (ASIAIMDS00000001, ...), so a test can tell a
// refresh from a cached answer.
import http from "node:http";

function defaults() {
  return {
    imds: {
      tokenStatus: 200, // anything else refuses the session token with that status
      grantTtlSeconds: null, // null: grant what was asked for
      roleName: "gateway-instance-role", // "" answers 404: no role attached
      credentialsStatus: 200,
      code: "Success",
      expiresInSeconds: 3600,
      delayMs: 0, // wait before answering any IMDS request
      hang: false, // never answer
    },
    container: {
      path: "/v2/credentials/task",
      authorization: null, // null: no check; otherwise the exact header required
      status: 200,
      expiresInSeconds: 3600,
      delayMs: 0,
      hang: false,
    },
    sts: {
      roleArn: "arn:aws:iam::123456789012:role/gateway",
      token: "web-identity-token",
      status: 200, // anything else answers with errorCode
      errorCode: "InternalFailure",
      expiresInSeconds: 3600,
      delayMs: 0,
      hang: false,
    },
  };
}

let settings = defaults();
let counts = {};
let last = {};
let issued = 0;
let clockOffsetMs = 0;
const now = () => Date.now() + clockOffsetMs;
const imdsTokens = new Map(); // token -> expiry (ms since epoch)

function reset() {
  settings = defaults();
  counts = {
    imdsToken: 0,
    imdsRole: 0,
    imdsCredentials: 0,
    imdsUnauthorized: 0,
    container: 0,
    sts: 0,
    other: 0,
  };
  last = {};
  issued = 0;
  clockOffsetMs = 0;
  imdsTokens.clear();
}
reset();

function issue(prefix, expiresInSeconds) {
  issued += 1;
  const serial = String(issued).padStart(8, "0");
  return {
    AccessKeyId: `ASIA${prefix.toUpperCase()}${serial}`.slice(0, 20),
    SecretAccessKey: `${prefix}-secret-${serial}`,
    Token: `${prefix}-session-${serial}`,
    Expiration: new Date(now() + expiresInSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, JSON.stringify(value), { "Content-Type": "application/json" });
}

function xmlEscape(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]);
}

// Delays or swallows the answer as the service's settings say.
function answer(service, respond) {
  if (service.hang) return;
  if (service.delayMs > 0) setTimeout(respond, service.delayMs);
  else respond();
}

function validImdsToken(req) {
  const token = req.headers["x-aws-ec2-metadata-token"];
  const expiry = token === undefined ? undefined : imdsTokens.get(token);
  return expiry !== undefined && expiry > now();
}

function handleImds(req, res, path) {
  const imds = settings.imds;
  if (req.method === "PUT" && path === "/latest/api/token") {
    counts.imdsToken += 1;
    const ttlHeader = req.headers["x-aws-ec2-metadata-token-ttl-seconds"];
    last.imdsTtlHeader = ttlHeader ?? null;
    if (req.headers["x-forwarded-for"] !== undefined) return answer(imds, () => send(res, 403, ""));
    const requested = Number(ttlHeader);
    if (!/^\d+$/.test(ttlHeader ?? "") || requested < 1 || requested > 21600) {
      return answer(imds, () => send(res, 400, "missing or invalid TTL header"));
    }
    if (imds.tokenStatus !== 200) return answer(imds, () => send(res, imds.tokenStatus, ""));
    const ttl = imds.grantTtlSeconds ?? requested;
    const token = `imds-token-${counts.imdsToken}-${Math.random().toString(36).slice(2)}`;
    imdsTokens.set(token, now() + ttl * 1000);
    return answer(imds, () =>
      send(res, 200, token, { "X-aws-ec2-metadata-token-ttl-seconds": String(ttl) }),
    );
  }
  if (req.method !== "GET") return answer(imds, () => send(res, 405, ""));
  if (!validImdsToken(req)) {
    counts.imdsUnauthorized += 1;
    return answer(imds, () => send(res, 401, ""));
  }
  const prefix = "/latest/meta-data/iam/security-credentials/";
  if (path === prefix) {
    counts.imdsRole += 1;
    if (imds.roleName === "") return answer(imds, () => send(res, 404, ""));
    return answer(imds, () => send(res, 200, `${imds.roleName}\n`));
  }
  counts.imdsCredentials += 1;
  const role = decodeURIComponent(path.slice(prefix.length));
  last.imdsRole = role;
  if (role !== imds.roleName) return answer(imds, () => send(res, 404, ""));
  if (imds.credentialsStatus !== 200) {
    return answer(imds, () => send(res, imds.credentialsStatus, "unavailable"));
  }
  const credentials = issue("imds", imds.expiresInSeconds);
  return answer(imds, () =>
    sendJson(res, 200, {
      Code: imds.code,
      LastUpdated: new Date(now()).toISOString(),
      Type: "AWS-HMAC",
      ...credentials,
    }),
  );
}

function handleContainer(req, res) {
  const container = settings.container;
  counts.container += 1;
  const authorization = req.headers["authorization"] ?? null;
  last.containerAuthorization = authorization;
  if (container.authorization !== null && authorization !== container.authorization) {
    // Repeats what it got, as some agents do, so the client's redaction gets tested.
    return answer(container, () =>
      sendJson(res, 401, { code: "AccessDenied", message: `unknown authorization ${authorization}` }),
    );
  }
  if (container.status !== 200) {
    return answer(container, () =>
      sendJson(res, container.status, { code: "Unavailable", message: "agent is busy" }),
    );
  }
  const credentials = issue("ecs", container.expiresInSeconds);
  return answer(container, () =>
    sendJson(res, 200, { RoleArn: "arn:aws:iam::123456789012:role/task", AccountId: "123456789012", ...credentials }),
  );
}

function stsError(res, status, code, message) {
  send(
    res,
    status,
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
      `<Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>` +
      `<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
    { "Content-Type": "text/xml" },
  );
}

function handleSts(req, res, body) {
  const sts = settings.sts;
  counts.sts += 1;
  const form = Object.fromEntries(new URLSearchParams(body));
  last.stsForm = form;
  last.stsContentType = req.headers["content-type"] ?? null;
  answer(sts, () => {
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return stsError(res, 400, "InvalidRequest", "expected a form");
    }
    if (form.Action !== "AssumeRoleWithWebIdentity" || form.Version !== "2011-06-15") {
      return stsError(res, 400, "InvalidAction", "unknown action or version");
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(form.RoleSessionName ?? "")) {
      return stsError(res, 400, "ValidationError", "invalid RoleSessionName");
    }
    if (form.WebIdentityToken !== sts.token) {
      // Quotes the token back, so the client's redaction gets tested.
      return stsError(res, 400, "InvalidIdentityToken", `Token ${form.WebIdentityToken} is not valid`);
    }
    if (form.RoleArn !== sts.roleArn) {
      return stsError(res, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    }
    if (sts.status !== 200) return stsError(res, sts.status, sts.errorCode, "forced failure");
    const c = issue("sts", sts.expiresInSeconds);
    send(
      res,
      200,
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
        `<AssumeRoleWithWebIdentityResult>` +
        `<SubjectFromWebIdentityToken>system:serviceaccount:gateway:api</SubjectFromWebIdentityToken>` +
        `<AssumedRoleUser><Arn>${xmlEscape(form.RoleArn)}/${xmlEscape(form.RoleSessionName)}</Arn>` +
        `<AssumedRoleId>AROAEXAMPLE:${xmlEscape(form.RoleSessionName)}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><SessionToken>${xmlEscape(c.Token)}</SessionToken>` +
        `<SecretAccessKey>${xmlEscape(c.SecretAccessKey)}</SecretAccessKey>` +
        `<Expiration>${c.Expiration}</Expiration><AccessKeyId>${c.AccessKeyId}</AccessKeyId></Credentials>` +
        `<Audience>sts.amazonaws.com</Audience></AssumeRoleWithWebIdentityResult>` +
        `<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>` +
        `</AssumeRoleWithWebIdentityResponse>`,
      { "Content-Type": "text/xml" },
    );
  });
}

function handleControl(req, res, path, body) {
  if (req.method === "GET" && path === "/__stats") return sendJson(res, 200, { counts, last });
  if (req.method === "POST" && path === "/__reset") {
    reset();
    return sendJson(res, 200, {});
  }
  if (req.method === "POST" && path === "/__control") {
    let changes;
    try {
      changes = JSON.parse(body || "{}");
    } catch {
      return sendJson(res, 400, { error: "not JSON" });
    }
    for (const [service, values] of Object.entries(changes)) {
      if (service === "revokeImdsTokens") {
        if (values) imdsTokens.clear();
        continue;
      }
      if (service === "clockOffsetMs") {
        if (typeof values !== "number") return sendJson(res, 400, { error: "clockOffsetMs: a number" });
        clockOffsetMs = values;
        continue;
      }
      if (!(service in settings) || typeof values !== "object") {
        return sendJson(res, 400, { error: `unknown setting ${service}` });
      }
      for (const key of Object.keys(values)) {
        if (!(key in settings[service])) return sendJson(res, 400, { error: `unknown setting ${service}.${key}` });
      }
      Object.assign(settings[service], values);
    }
    return sendJson(res, 200, settings);
  }
  return sendJson(res, 404, { error: "unknown control request" });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const path = new URL(req.url, "http://stand-in").pathname;
    if (path.startsWith("/__")) return handleControl(req, res, path, body);
    if (path.startsWith("/latest/")) return handleImds(req, res, path);
    if (path === settings.container.path) return handleContainer(req, res);
    if (req.method === "POST" && path === "/") return handleSts(req, res, body);
    counts.other += 1;
    return send(res, 404, "");
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
