"""Jobs run by forked children, taken from a shared queue, their results sent back through pipes.

Used to process the articles of a cold build, to process an edited article while the index is
read, to render the pages about all editions on both cores and to write the index. Why not
concurrent.futures: importing multiprocessing and concurrent.futures, with the pool's manager and
feeder threads, cost 25-35 ms of the 0.6 s a one-article rebuild takes at 1,000 articles, and its
manager thread took 0.06 s of a core from the workers of a cold build. Children are forked, so a job is any callable
of the parent (nothing is pickled on the way there); a result must pickle on the way back.
A job's exception is raised again in the parent, as ForkedJobError with the child's traceback.
"""

from __future__ import annotations

import os
import pickle
import selectors
import struct
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

_LENGTH = struct.Struct("<Q")
MAX_JOBS = 255  # each is one byte in the queue


class ForkedJobError(RuntimeError):
    """A job failed in a forked child (the message holds its traceback), or the child died."""


class Jobs:
    """Jobs started in `workers` forked children; results() yields (job index, result) as they finish."""

    def __init__(self, jobs: list[Callable[[], Any]], workers: int) -> None:
        if len(jobs) > MAX_JOBS:
            raise ValueError(f"at most {MAX_JOBS} jobs")
        self.jobs = jobs
        self.children: dict[int, int] = {}  # pid → the read end of its result pipe
        sys.stdout.flush()
        sys.stderr.flush()
        queue_read, queue_write = os.pipe()
        os.write(queue_write, bytes(range(len(jobs))))  # fits in the pipe's buffer: no reader needed yet
        os.close(queue_write)
        for _ in range(max(1, min(workers, len(jobs)))):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(result_read)
                _child(jobs, queue_read, result_write)  # never returns
            os.close(result_write)
            self.children[pid] = result_read
        os.close(queue_read)

    def results(self) -> Iterator[tuple[int, Any]]:
        """Each job's (index, result), in the order they finish; every child is reaped."""
        buffers = {fd: bytearray() for fd in self.children.values()}
        failure: str | None = None
        with selectors.DefaultSelector() as selector:
            for fd in buffers:
                selector.register(fd, selectors.EVENT_READ)
            while buffers:
                for key, _ in selector.select():
                    fd = key.fd
                    chunk = os.read(fd, 1 << 20)
                    if chunk:
                        buffers[fd] += chunk
                        while len(buffers[fd]) >= _LENGTH.size:
                            (size,) = _LENGTH.unpack_from(buffers[fd])
                            if len(buffers[fd]) < _LENGTH.size + size:
                                break
                            message = bytes(buffers[fd][_LENGTH.size:_LENGTH.size + size])
                            del buffers[fd][:_LENGTH.size + size]
                            index, ok, value = pickle.loads(message)
                            if ok:
                                yield index, value
                            else:
                                failure = failure or value
                        continue
                    selector.unregister(fd)  # the child is done (or died)
                    os.close(fd)
                    if buffers.pop(fd):
                        failure = failure or "a forked child died in the middle of a result"
        for pid in self.children:
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            if code != 0 and failure is None:
                failure = f"a forked child exited with {code}"
        self.children.clear()
        if failure is not None:
            raise ForkedJobError(failure)


def _child(jobs: list[Callable[[], Any]], queue: int, out: int) -> None:
    code = 0
    try:
        while index := os.read(queue, 1):  # one byte: taken whole by one child
            i = index[0]
            try:
                message = pickle.dumps((i, True, jobs[i]()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                message = pickle.dumps((i, False, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
                code = 1
            _write_all(out, _LENGTH.pack(len(message)) + message)
            if code:
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
