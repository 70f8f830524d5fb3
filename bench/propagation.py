#!/usr/bin/env python3
"""Cross-instance propagation delay of the Gateway Management API (bench/run.sh --postgres).

Two instances share one database. For every sample this creates a new API on the
writer (POST /apis) and then polls the reader with GET /apis/{name} until it answers
200; the delay is measured from just before the POST is sent to the reader's first 200.
It prints one line with p50, p99 and max in milliseconds (nearest rank), and the same
for the POST alone (send to 201), so that the part spent after the commit can be seen.

Usage: propagation.py WRITER_URL READER_URL [--samples N] [--tag TAG] [--timeout S]
                      [--poll-pause S] [--gap S]

Both URLs must be http://127.0.0.1:<port>. Each side uses one keep-alive connection.
Between two polls the client sleeps --poll-pause (default 0.0005 s): a tight loop, but
one that leaves the reader's threads the CPU to apply the change. Exit status: 0 when
every sample arrived, 1 when some did not (or a request failed), 2 on bad arguments.
Only the standard library is used.
"""

import argparse
import http.client
import json
import math
import sys
import time
import urllib.parse


def parse_url(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or parts.port is None:
        raise ValueError(f"expected http://127.0.0.1:<port>, not {url!r}")
    return parts.hostname, parts.port


class Client:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, url):
        self.host, self.port = parse_url(url)
        self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.conn.connect()

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()  # read it all, so the connection can be reused
                if response.will_close:
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(sorted_values, fraction):
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(len(sorted_values) * fraction))
    return sorted_values[rank - 1]


def main():
    parser = argparse.ArgumentParser(description="POST to one instance, poll another until it sees it.")
    parser.add_argument("writer")
    parser.add_argument("reader")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--tag", default=f"p{int(time.time())}")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for one sample")
    parser.add_argument("--poll-pause", type=float, default=0.0005, help="seconds between two polls")
    parser.add_argument("--gap", type=float, default=0.005, help="seconds between two samples")
    args = parser.parse_args()
    try:
        writer, reader = Client(args.writer), Client(args.reader)
    except ValueError as error:
        print(f"propagation.py: {error}", file=sys.stderr)
        return 2
    if args.samples < 1 or not args.tag.isalnum():
        print("propagation.py: --samples must be positive and --tag letters and digits", file=sys.stderr)
        return 2

    delays, posts, polls = [], [], 0
    missed = 0
    for k in range(1, args.samples + 1):
        name = f"prop-{args.tag}-{k}"
        body = json.dumps({
            "name": name,
            "description": "Created by the propagation benchmark",
            "base_path": f"/prop/{args.tag}/{k}",
            "upstream_url": "http://127.0.0.1:9000/prop",
            "methods": ["GET"],
            "tags": ["bench", "propagation"],
        })
        path = "/apis/" + name
        started = time.perf_counter()
        status, data = writer.request("POST", "/apis", body)
        created = time.perf_counter()
        if status != 201:
            print(f"propagation.py: POST /apis answered {status}: {data[:200]!r}", file=sys.stderr)
            return 1
        posts.append(created - started)
        deadline = created + args.timeout
        while True:
            status, data = reader.request("GET", path)
            polls += 1
            now = time.perf_counter()
            if status == 200:
                delays.append(now - started)
                break
            if status != 404:
                print(f"propagation.py: GET {path} answered {status}: {data[:200]!r}", file=sys.stderr)
                return 1
            if now >= deadline:
                missed += 1
                print(f"propagation.py: {name} not seen by the reader within {args.timeout}s", file=sys.stderr)
                break
            time.sleep(args.poll_pause)
        time.sleep(args.gap)
    writer.close()
    reader.close()

    delays.sort()
    posts.sort()
    ms = lambda seconds: seconds * 1000.0  # noqa: E731
    print(
        f"propagation writer->reader: {len(delays)} of {args.samples} samples, "
        f"p50 {ms(percentile(delays, 0.50)):.2f} ms, p99 {ms(percentile(delays, 0.99)):.2f} ms, "
        f"max {ms(delays[-1]) if delays else float('nan'):.2f} ms "
        f"(POST alone: p50 {ms(percentile(posts, 0.50)):.2f} ms, p99 {ms(percentile(posts, 0.99)):.2f} ms; "
        f"{polls / args.samples:.1f} polls per sample, not seen {missed})"
    )
    return 0 if missed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
