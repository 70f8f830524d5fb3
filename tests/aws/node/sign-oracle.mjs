// The official AWS JavaScript signers as an oracle for the C++ SigV4 code: reads one JSON
// request per line on stdin and writes one JSON result per line on stdout, in order.
//
// Request fields (all strings unless noted):
//   kind            "header" (Authorization header), "presign" (query string) or "rds"
//   method, path    as on the request line; query: as on the request line, without '?'
//   headers         [[name, value], ...] in request order, duplicates allowed
//   body_base64     the payload's bytes
//   access_key_id, secret_access_key, session_token ("" for none)
//   region, service
//   time_ms         number: the signing clock, milliseconds since the epoch
//   expires_in      number (presign): seconds
//   uri_escape_path boolean; add_content_sha256 boolean (header kind)
//   host, port (number), user: the rds kind's database endpoint and user
//
// Results: header -> {authorization, x_amz_date, x_amz_security_token, x_amz_content_sha256}
// (absent headers as null); presign -> {query}; rds -> {token}; a failure -> {error}.
//
// Our request form is what goes on the wire (a query string, a list of headers); the
// signers take an object of decoded query parameters and an object of headers. The
// conversion below is the one an HTTP server applies on receipt: pairs split at the first
// '=', names and values percent-decoded, a repeated name collecting its values in order;
// header values trimmed, and a repeated header name (in any case) joined with ','.
import readline from "node:readline";

import { Signer } from "@aws-sdk/rds-signer";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
// The presigned URL is rendered the way the RDS signer renders it (formatUrl builds its
// query with this function).
import { HttpRequest, buildQueryString } from "@smithy/core/protocols";

const Sha256 = Hash.bind(null, "sha256");

function queryObjectOf(queryString) {
    const query = {};
    for (const pair of queryString.split("&")) {
        if (pair === "") continue;
        const separator = pair.indexOf("=");
        const name = decodeURIComponent(separator < 0 ? pair : pair.slice(0, separator));
        const value = separator < 0 ? "" : decodeURIComponent(pair.slice(separator + 1));
        if (!Object.prototype.hasOwnProperty.call(query, name)) {
            query[name] = value;
        } else if (Array.isArray(query[name])) {
            query[name].push(value);
        } else {
            query[name] = [query[name], value];
        }
    }
    return query;
}

function headerObjectOf(headerList) {
    const nameByLowerCase = new Map();
    const headers = {};
    for (const [name, rawValue] of headerList) {
        const value = rawValue.replace(/^[ \t]+|[ \t]+$/g, "");
        const lowerCase = name.toLowerCase();
        const firstName = nameByLowerCase.get(lowerCase);
        if (firstName === undefined) {
            nameByLowerCase.set(lowerCase, name);
            headers[name] = value;
        } else {
            headers[firstName] += `,${value}`;
        }
    }
    return headers;
}

function credentialsOf(request) {
    const credentials = {
        accessKeyId: request.access_key_id,
        secretAccessKey: request.secret_access_key,
    };
    if (request.session_token !== "") credentials.sessionToken = request.session_token;
    return credentials;
}

function httpRequestOf(request) {
    return new HttpRequest({
        method: request.method,
        protocol: "https:",
        hostname: "unused.example.com",
        path: request.path,
        query: queryObjectOf(request.query),
        headers: headerObjectOf(request.headers),
        body: Buffer.from(request.body_base64, "base64"),
    });
}

function signerOf(request, applyChecksum) {
    return new SignatureV4({
        service: request.service,
        region: request.region,
        credentials: credentialsOf(request),
        sha256: Sha256,
        uriEscapePath: request.uri_escape_path,
        applyChecksum,
    });
}

async function signHeader(request) {
    const signer = signerOf(request, request.add_content_sha256);
    const signed = await signer.sign(httpRequestOf(request), {
        signingDate: new Date(request.time_ms),
    });
    const headerValue = (name) => signed.headers[name] ?? null;
    return {
        authorization: headerValue("authorization"),
        x_amz_date: headerValue("x-amz-date"),
        x_amz_security_token: headerValue("x-amz-security-token"),
        x_amz_content_sha256: headerValue("x-amz-content-sha256"),
    };
}

async function presign(request) {
    const signer = signerOf(request, false);
    const presigned = await signer.presign(httpRequestOf(request), {
        signingDate: new Date(request.time_ms),
        expiresIn: request.expires_in,
    });
    return { query: buildQueryString(presigned.query) };
}

// Signer.getAuthToken() takes no clock: it signs at `new Date()`. The global Date is
// swapped for one frozen at the requested instant while the token is made; requests are
// handled one at a time, so nothing else runs under the frozen clock.
async function withFrozenClock(timeMs, action) {
    const RealDate = globalThis.Date;
    class FrozenDate extends RealDate {
        constructor(...args) {
            if (args.length === 0) super(timeMs);
            else super(...args);
        }
        static now() {
            return timeMs;
        }
    }
    globalThis.Date = FrozenDate;
    try {
        return await action();
    } finally {
        globalThis.Date = RealDate;
    }
}

async function rdsToken(request) {
    const signer = new Signer({
        hostname: request.host,
        port: request.port,
        username: request.user,
        region: request.region,
        credentials: credentialsOf(request),
    });
    const token = await withFrozenClock(request.time_ms, () => signer.getAuthToken());
    return { token };
}

const handlers = { header: signHeader, presign, rds: rdsToken };

async function answer(line) {
    try {
        const request = JSON.parse(line);
        const handler = handlers[request.kind];
        if (handler === undefined) return { error: `unknown kind ${request.kind}` };
        return await handler(request);
    } catch (error) {
        return { error: String(error?.message ?? error) };
    }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
    if (line.trim() === "") continue;
    process.stdout.write(`${JSON.stringify(await answer(line))}\n`);
}
