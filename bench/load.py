"""Load for the benchmarks: client threads with a keep-alive connection each, on loopback."""

import http.client
import threading
import time
from dataclasses import dataclass

from tests.live_gunicorn import HOST


class BenchError(Exception):
    """A request failed or answered something unexpected."""


@dataclass
class Result:
    requests: int
    seconds: float
    closed_by_server: int  # responses after which the server closed the connection

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def hammer(
    port: int,
    path: str,
    headers: dict[str, str],
    status: int,
    length: int,
    seconds: float,
    concurrency: int,
    timeout: float = 120,
) -> Result:
    """`concurrency` threads, each with its own keep-alive connection, asking `path` again
    and again for `seconds`; every answer must have `status` and a body of `length` bytes.
    Requests/second = requests completed / time until the last thread finished."""
    stop = threading.Event()
    start = threading.Barrier(concurrency + 1, timeout=30)
    done = [0] * concurrency
    closed = [0] * concurrency
    errors: list[str] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            start.wait()
            while not stop.is_set():
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status != status or len(body) != length:
                    asked = f"GET {path} {headers}" if headers else f"GET {path}"
                    errors.append(
                        f"{asked} answered {response.status} with {len(body)} bytes "
                        f"(expected {status} with {length} bytes)"
                    )
                    stop.set()
                    return
                done[index] += 1
                closed[index] += response.will_close  # http.client reconnects by itself
        except Exception as error:  # any failure stops the measurement and is reported
            errors.append(f"GET {path}: {error!r}")
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout + 10)
    elapsed = time.perf_counter() - began
    if errors:
        raise BenchError(errors[0])
    if any(thread.is_alive() for thread in threads):
        raise BenchError(f"GET {path}: a client thread did not finish")
    return Result(sum(done), elapsed, sum(closed))
