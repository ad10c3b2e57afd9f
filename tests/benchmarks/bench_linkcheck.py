"""How close does the link checker come to the rate its politeness limits allow?

Run from the repository root::

    .venv/bin/python -m tests.benchmarks.bench_linkcheck            # 2,000 URLs, 1 s spacing
    .venv/bin/python -m tests.benchmarks.bench_linkcheck --quick    # 300 URLs, 0.25 s spacing

URLs are spread over virtual hosts (``host-NNN.bench``) that an injected resolver sends
to 127.0.0.1, where a small asyncio HTTP server in a child process answers each host
after its own latency (20-200 ms). The server, not the checker, records when requests
arrive, so the politeness limits are verified from its side. The checker runs alone in
this process, so the peak RSS printed is its own.
"""

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import time
from collections import defaultdict

from roadmap.links.check import CheckConfig, LinkHealth, check_links
from tests.benchmarks.table import Row, median, verdict
from tests.benchmarks.table import report as report_rows

PART = "Link checker"
TARGET_SHARE = 0.9  # of the rate this run's length allows


def host_latencies(hosts: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    return {f"host-{h:03d}.bench": rng.uniform(0.020, 0.200) for h in range(hosts)}


async def serve(latencies: dict[str, float], ready, control) -> None:
    """Answer every request with an empty 200 after the host's latency; log arrivals."""
    starts: dict[str, list[float]] = defaultdict(list)
    in_flight: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    loop = asyncio.get_running_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted = loop.time()  # the first moment a server sees of a request
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        host = ""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"host":
                host = value.strip().decode().split(":")[0]
        starts[host].append(accepted)
        in_flight[host] += 1
        peak[host] = max(peak[host], in_flight[host])
        await asyncio.sleep(latencies.get(host, 0.1))
        in_flight[host] -= 1  # before the answer leaves, as the checker counts it in flight
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        try:
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    ready.send(server.sockets[0].getsockname()[1])
    await loop.run_in_executor(None, control.recv)  # wait for "report"
    all_gaps = {
        host: [b - a for a, b in zip(times, times[1:], strict=False)]
        for host, times in starts.items()
    }
    gaps = {host: min(g, default=None) for host, g in all_gaps.items()}
    flat = sorted(g for g in all_gaps.values() for g in g)
    median = flat[len(flat) // 2] if flat else None
    control.send(
        {"requests": sum(map(len, starts.values())), "peak": dict(peak), "gaps": gaps,
         "median_gap": median}
    )  # fmt: skip
    server.close()


def run_server(latencies, ready, control) -> None:
    asyncio.run(serve(latencies, ready, control))


def rss_mib() -> tuple[float, float]:
    """(peak RSS, current RSS) of this process in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    return peak, current


def ceilings(latencies: dict[str, float], per_url_host: list[str], config: CheckConfig):
    """The rates the limits allow: steady state, and for this run's length."""
    per_host = {
        h: min(1 / config.per_host_interval if config.per_host_interval else float("inf"),
               config.per_host / lat)
        for h, lat in latencies.items()
    }  # fmt: skip
    mean_latency = sum(latencies[h] for h in per_url_host) / len(per_url_host)
    by_concurrency = config.concurrency / mean_latency  # Little's law
    by_hosts = sum(per_host.values())
    steady = min(by_hosts, by_concurrency)
    # A host with n URLs needs (n-1) spacings plus one answer, however fast the rest is.
    counts: dict[str, int] = defaultdict(int)
    for h in per_url_host:
        counts[h] += 1
    shortest = max((n - 1) / per_host[h] + latencies[h] for h, n in counts.items())
    shortest = max(shortest, len(per_url_host) / by_concurrency)
    return steady, len(per_url_host) / shortest, by_hosts, by_concurrency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 URLs, 0.25 s spacing, no verdict on the rate")
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--interval", type=float, default=1.0, help="per-host spacing, s")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.urls, args.interval, args.runs = 300, 0.25, 1
    runs = [one_run(args) for _ in range(args.runs)]
    rate = median(r["rate"] for r in runs)
    ceiling = median(r["ceiling"] for r in runs)
    share = rate / ceiling
    held = all(r["held"] for r in runs)
    report_rows([
        Row(PART, f"{args.urls} URLs over {args.hosts} hosts, {args.interval:g} s spacing per host ({args.runs} runs)",
            f"{rate:.1f} URLs/s", f"{ceiling:.1f} URLs/s (politeness ceiling)", f"{share:.0%}",
            "" if args.quick else f">= {TARGET_SHARE:.0%}",
            "" if args.quick else verdict(share >= TARGET_SHARE, f"{share:.0%} of the ceiling")),
        Row(PART, "politeness held (server's clock, every run)",
            f"<= {max(r['in_flight'] for r in runs)} in flight per host, "
            f"min gap {min(r['min_gap'] for r in runs):.3f} s", "", "",
            f"<= {runs[0]['per_host']} in flight, >= {args.interval:g} s",
            verdict(held, "a gap or an in-flight count past the limit on the server's clock (its stamps lag "
                          "under load; slack 2 %)")),
        Row(PART, "checker peak RSS", f"{max(r['peak_mib'] for r in runs):.0f} MiB"),
    ])  # fmt: skip


def one_run(args) -> dict:
    """Check the URLs once; print what happened and return the figures."""
    latencies = host_latencies(args.hosts)
    names = list(latencies)
    ready_parent, ready_child = multiprocessing.Pipe()
    control_parent, control_child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=run_server, args=(latencies, ready_child, control_child), daemon=True
    )
    server.start()
    port = ready_parent.recv()

    rng = random.Random(11)
    hosts = [names[i % len(names)] for i in range(args.urls)]
    rng.shuffle(hosts)
    targets = [(i, f"http://{h}:{port}/resource/{i}") for i, h in enumerate(hosts)]
    config = CheckConfig(allow_networks=("127.0.0.1/32",), per_host_interval=args.interval)

    def resolver(host: str) -> list[str]:
        if host.endswith(".bench"):
            return ["127.0.0.1"]
        raise OSError(f"no such bench host {host}")

    done = 0

    def progress(result) -> None:
        nonlocal done
        done += 1

    peak_before, current_before = rss_mib()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    results = asyncio.run(check_links(targets, config=config, on_result=progress, resolver=resolver))
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    peak_after, current_after = rss_mib()

    control_parent.send("report")
    served = control_parent.recv()
    server.join(timeout=5)

    counts = {str(k): v for k, v in results.counts().items() if v}
    rate = len(targets) / elapsed
    steady, for_this_run, by_hosts, by_concurrency = ceilings(latencies, hosts, config)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    peak_in_flight = max(served["peak"].values())
    gaps = [g for g in served["gaps"].values() if g is not None]

    print(f"URLs               {len(targets)} over {len(latencies)} hosts, latency 20-200 ms")
    print(f"limits             {config.per_host} in flight and {args.interval:g} s spacing "
          f"per host, {config.concurrency} overall")  # fmt: skip
    print(f"results            {counts}  (progress callbacks: {done})")
    print(f"elapsed            {elapsed:.2f} s, checker CPU {cpu:.2f} s")
    print(f"achieved           {rate:.1f} URLs/s")
    print(f"ceiling            {steady:.1f} URLs/s steady state = min(per-host limits summed "
          f"{by_hosts:.1f}/s, concurrency / mean latency {by_concurrency:.1f}/s)")  # fmt: skip
    run_share = rate / for_this_run
    print(f"ratio              {rate / steady:.0%} of the steady-state ceiling; {run_share:.0%} "
          f"of the {for_this_run:.1f} URLs/s this run's length allows")  # fmt: skip
    print(f"server saw         {served['requests']} requests, at most {peak_in_flight} in flight "
          f"per host; gaps between starts to one host: min {min(gaps):.3f} s, "
          f"median {served['median_gap']:.3f} s")  # fmt: skip
    print(f"peak RSS           {peak_before:.1f} MiB before, {peak_after:.1f} MiB after "
          f"(current {current_before:.1f} -> {current_after:.1f} MiB)")  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine            {os.cpu_count()} CPUs, load average {load} (others skew CPU-bound)")
    # The checker spaces starts exactly; the server's own stamps lag by its scheduling.
    slack = max(0.02, 0.02 * args.interval)
    held = peak_in_flight <= config.per_host and min(gaps) >= args.interval - slack
    print(
        f"politeness held    {'yes' if held else 'NO'} (server clock slack {slack * 1000:.0f} ms)"
    )
    assert results.counts()[LinkHealth.OK] == len(targets), "every bench URL should be ok"
    return {
        "rate": rate, "ceiling": for_this_run, "held": held, "in_flight": peak_in_flight, "min_gap": min(gaps),
        "per_host": config.per_host, "peak_mib": peak_after,
    }  # fmt: skip


if __name__ == "__main__":
    main()
